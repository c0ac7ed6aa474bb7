using System.Collections.Concurrent;

namespace Scribe.Tests.Infrastructure;

/// <summary>Keeps every segment version a transcriber publishes, and the transcript they upsert into.</summary>
public sealed class RecordingSink : ISegmentSink
{
    private readonly object _gate = new();
    private readonly RoomTranscript _transcript = new();

    public ConcurrentQueue<TranscriptSegment> Published { get; } = new();

    public void Publish(TranscriptSegment segment)
    {
        Published.Enqueue(segment);
        lock (_gate)
        {
            _transcript.Upsert(segment);
        }
    }

    public IReadOnlyList<TranscriptSegment> Transcript
    {
        get
        {
            lock (_gate)
            {
                return _transcript.Segments;
            }
        }
    }

    public IReadOnlyList<string> FinalTexts => [.. Transcript.Where(s => s.IsFinal).Select(s => s.Text)];
}
