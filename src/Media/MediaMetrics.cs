using System.Diagnostics.Metrics;

namespace Scribe.Media;

/// <summary>The media process's instruments, on the meter <see cref="MeterName"/>: restarts and what the channel carries.</summary>
public sealed class MediaMetrics
{
    public const string MeterName = "Scribe.Media";

    private readonly Counter<long> _starts;
    private readonly Counter<long> _audioFrames;
    private readonly Counter<long> _audioBytes;

    public MediaMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _starts = meter.CreateCounter<long>("scribe.media.process.starts", "{start}", "Media processes started (the first and every restart).");
        _audioFrames = meter.CreateCounter<long>("scribe.media.audio.frames", "{frame}", "PCM frames received from the media process.");
        _audioBytes = meter.CreateCounter<long>("scribe.media.audio.bytes", "By", "Bytes of audio frames on the media channel, headers included.");
    }

    internal void Started() => _starts.Add(1);

    internal void Audio(PcmFrame frame)
    {
        _audioFrames.Add(1);
        _audioBytes.Add(frame.Pcm.Length + 13);
    }
}
