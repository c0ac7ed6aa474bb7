using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>Hands each segment to several sinks (the room transcript, the room's data channel); none may block.</summary>
public sealed class SegmentSinks(params ISegmentSink[] sinks) : ISegmentSink
{
    public void Publish(TranscriptSegment segment)
    {
        foreach (var sink in sinks)
        {
            sink.Publish(segment);
        }
    }
}
