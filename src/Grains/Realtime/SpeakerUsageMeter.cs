using Scribe.Audio;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// Counts one speaker stream's speech, generation audio and session time as they happen, for
/// <see cref="SpeakerUsage"/> and the cluster's metrics. Written by the stream's ingest and loop sides, read from
/// anywhere: every field is read and written atomically.
/// </summary>
internal sealed class SpeakerUsageMeter(TimeProvider time, ScribeMetrics metrics)
{
    private const double SamplesPerSecond = SpeechAudio.SampleRate;
    private const long NoSession = -1;

    private long _speechSamples;
    private long _generationSamples;
    private long _closedSessionTicks;
    private long _openSince = NoSession;
    private int _sessionsOpened;
    private int _idleReleases;

    public void Speech(int samples)
    {
        Interlocked.Add(ref _speechSamples, samples);
        metrics.SpeechSeconds.Add(samples / SamplesPerSecond);
    }

    /// <summary>Audio entered a generation; a replay of it after a reconnect is not counted again.</summary>
    public void Generation(int samples) => Interlocked.Add(ref _generationSamples, samples);

    public void SessionOpened()
    {
        Interlocked.Exchange(ref _openSince, time.GetTimestamp());
        Interlocked.Increment(ref _sessionsOpened);
    }

    public void SessionClosed()
    {
        var since = Interlocked.Exchange(ref _openSince, NoSession);
        if (since == NoSession)
        {
            return;
        }

        var open = time.GetElapsedTime(since);
        Interlocked.Add(ref _closedSessionTicks, open.Ticks);
        metrics.SessionSeconds.Add(open.TotalSeconds);
    }

    public void IdleReleased()
    {
        Interlocked.Increment(ref _idleReleases);
        metrics.IdleReleases.Add(1);
    }

    public SpeakerUsage Snapshot()
    {
        var since = Interlocked.Read(ref _openSince);
        var session = TimeSpan.FromTicks(Interlocked.Read(ref _closedSessionTicks));
        if (since != NoSession)
        {
            session += time.GetElapsedTime(since);
        }

        return new SpeakerUsage(
            Interlocked.Read(ref _speechSamples) / SamplesPerSecond,
            Interlocked.Read(ref _generationSamples) / SamplesPerSecond,
            session.TotalSeconds,
            Volatile.Read(ref _sessionsOpened),
            Volatile.Read(ref _idleReleases));
    }
}
