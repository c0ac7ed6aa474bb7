namespace Scribe.Realtime;

/// <summary>Who is speaking and where their audio clock sits on the room's clock.</summary>
/// <param name="Epoch">Counts the ingest streams of this track, so segment ids stay unique across egress restarts.</param>
/// <param name="OriginMs">Room media time (ms since the room's clock origin) of the stream's first sample.</param>
public sealed record SpeakerContext(string Room, string Identity, string Name, string TrackSid, int Epoch, long OriginMs)
{
    public string SegmentId(int generation) => $"{Identity}:{TrackSid}:{Epoch}.{generation}";
}
