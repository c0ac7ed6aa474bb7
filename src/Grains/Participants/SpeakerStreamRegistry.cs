using System.Collections.Concurrent;

namespace Scribe.Participants;

/// <summary>
/// The speaker streams this silo holds, by track, and the one owner of their lives: a grain hands a new stream
/// over, one ingest socket takes its <see cref="SpeakerFeed"/>, anyone may stop it, and it is disposed here, exactly
/// once, when it is stopped and its feed let go.
/// </summary>
public sealed class SpeakerStreamRegistry
{
    private readonly ConcurrentDictionary<string, SpeakerStream> _streams = new(StringComparer.Ordinal);

    public static string Key(string room, string identity, string trackSid) => $"{room}\n{identity}\n{trackSid}";

    public int Count => _streams.Count;

    /// <summary>The streams held now.</summary>
    public IReadOnlyList<SpeakerStream> Snapshot() => [.. _streams.Values];

    /// <summary>Whether <paramref name="stream"/> is the one held for its track.</summary>
    public bool Holds(SpeakerStream stream) =>
        _streams.TryGetValue(KeyOf(stream), out var held) && ReferenceEquals(held, stream);

    /// <summary>Takes ownership of a new stream; a track that already has one keeps it, and the new one is disposed.</summary>
    public async Task<bool> AdoptAsync(SpeakerStream stream)
    {
        if (_streams.TryAdd(KeyOf(stream), stream))
        {
            return true;
        }

        await StopAsync(stream);
        return false;
    }

    /// <summary>The feed of the one socket that may feed the track's stream; false if there is none here or it is fed.</summary>
    public bool TryTakeFeed(string room, string identity, string trackSid, out SpeakerFeed? feed)
    {
        feed = _streams.TryGetValue(Key(room, identity, trackSid), out var stream) && stream.TryHoldForFeeding()
            ? new SpeakerFeed(stream)
            : null;
        return feed is not null;
    }

    /// <summary>
    /// Stops the stream and forgets it, so a new egress of its track gets a new stream. A fed stream finishes and
    /// delivers what it has (its ingest completes it) and is disposed when its feed is let go; an unfed one at once.
    /// </summary>
    public ValueTask StopAsync(SpeakerStream stream)
    {
        _streams.TryRemove(new KeyValuePair<string, SpeakerStream>(KeyOf(stream), stream));
        return stream.StopAndRelease() ? stream.DisposeAsync() : ValueTask.CompletedTask;
    }

    internal static ValueTask ReturnAsync(SpeakerStream stream) => stream.LetGo() ? stream.DisposeAsync() : ValueTask.CompletedTask;

    private static string KeyOf(SpeakerStream stream) => Key(stream.Speaker.Room, stream.Speaker.Identity, stream.Speaker.TrackSid);
}
