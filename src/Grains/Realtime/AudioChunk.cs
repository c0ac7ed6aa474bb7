using Scribe.Audio;

namespace Scribe.Realtime;

/// <summary>About 100 ms of 16 kHz mono speech with its place on the stream's audio clock.</summary>
/// <param name="StartSample">Index of the first sample on the stream's 16 kHz clock.</param>
/// <param name="Samples">The audio; in a transcriber, the start of a pooled buffer that one owner holds at a time.</param>
/// <param name="ReceivedAt">Timestamp (<see cref="System.Diagnostics.Stopwatch"/>) of the ingest frame that completed the chunk.</param>
/// <param name="DueAt">Timestamp at which the chunk's last sample was due by the stream's own clock (<see cref="AudioClockPace"/>).</param>
public sealed record AudioChunk(long StartSample, ReadOnlyMemory<short> Samples, bool IsSpeech, long ReceivedAt = 0, long DueAt = 0)
    : TranscriberInput
{
    public long EndSample => StartSample + Samples.Length;
}
