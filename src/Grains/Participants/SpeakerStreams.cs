using System.Collections.Concurrent;

namespace Scribe.Participants;

/// <summary>The speaker streams this silo holds, by track, so the ingest socket finds the one its grain made.</summary>
public sealed class SpeakerStreams
{
    private readonly ConcurrentDictionary<string, SpeakerStream> _streams = new(StringComparer.Ordinal);

    public static string Key(string room, string identity, string trackSid) => $"{room}\n{identity}\n{trackSid}";

    public int Count => _streams.Count;

    /// <summary>The streams held now.</summary>
    public IReadOnlyList<SpeakerStream> Snapshot() => [.. _streams.Values];

    public bool TryGet(string room, string identity, string trackSid, out SpeakerStream? stream) =>
        _streams.TryGetValue(Key(room, identity, trackSid), out stream);

    public bool TryAdd(SpeakerStream stream) =>
        _streams.TryAdd(Key(stream.Speaker.Room, stream.Speaker.Identity, stream.Speaker.TrackSid), stream);

    public bool Remove(SpeakerStream stream) =>
        _streams.TryRemove(new KeyValuePair<string, SpeakerStream>(Key(stream.Speaker.Room, stream.Speaker.Identity, stream.Speaker.TrackSid), stream));
}
