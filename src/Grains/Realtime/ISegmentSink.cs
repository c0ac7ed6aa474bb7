namespace Scribe.Realtime;

/// <summary>Where a transcriber hands its segments; must not block the caller.</summary>
public interface ISegmentSink
{
    void Publish(TranscriptSegment segment);
}
