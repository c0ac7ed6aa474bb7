using System.Diagnostics.Metrics;

namespace Scribe.LocalSpeech;

/// <summary>The endpoint's instruments, on the meter <see cref="MeterName"/>.</summary>
public sealed class LocalSpeechMetrics
{
    public const string MeterName = "Scribe.LocalSpeech";

    private readonly Counter<long> _refused;
    private readonly Counter<long> _generations;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _droppedSamples;
    private readonly Histogram<double> _audioSeconds;
    private readonly Histogram<double> _realTimeFactor;

    internal LocalSpeechMetrics(IMeterFactory meterFactory, LocalSpeechSessions sessions)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableUpDownCounter("scribe.local_speech.sessions.active", () => sessions.Active, "{session}", "Open realtime sessions.");
        meter.CreateObservableUpDownCounter("scribe.local_speech.generations.running", () => sessions.Running, "{generation}", "Generations between commit and done.");
        _refused = meter.CreateCounter<long>("scribe.local_speech.sessions.refused", "{session}", "Sessions refused at capacity.");
        _generations = meter.CreateCounter<long>("scribe.local_speech.generations", "{generation}", "Generations finished with a done event.");
        _errors = meter.CreateCounter<long>("scribe.local_speech.errors", "{error}", "Error events sent, by code.");
        _droppedSamples = meter.CreateCounter<long>("scribe.local_speech.audio.dropped", "{sample}", "Samples dropped because they came after a final commit.");
        _audioSeconds = meter.CreateHistogram<double>("scribe.local_speech.generation.audio", "s", "Audio decoded per generation.");
        _realTimeFactor = meter.CreateHistogram<double>("scribe.local_speech.decode.real_time_factor", null, "Decoder CPU time over audio time, per generation.");
    }

    internal void SessionRefused() => _refused.Add(1);

    internal void Error(string code) => _errors.Add(1, new KeyValuePair<string, object?>("code", code));

    internal void AudioDropped(long samples)
    {
        if (samples > 0)
        {
            _droppedSamples.Add(samples);
        }
    }

    internal void GenerationDone(double audioSeconds, double decodeSeconds)
    {
        _generations.Add(1);
        _audioSeconds.Record(audioSeconds);
        if (audioSeconds > 0)
        {
            _realTimeFactor.Record(decodeSeconds / audioSeconds);
        }
    }
}
