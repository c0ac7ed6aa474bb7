using System.ComponentModel.DataAnnotations;
using Scribe.Audio;

namespace Scribe.Realtime;

/// <summary>How a speaker's audio is cut into generations (configuration section <c>Transcription</c>).</summary>
public sealed class TranscriberOptions : IValidatableObject
{
    public const string Section = "Transcription";

    /// <summary>Silence that ends a generation.</summary>
    [Range(100, 10_000)] public int PauseMs { get; set; } = 600;

    /// <summary>
    /// A generation this long ends at its next quiet chunk (or <see cref="WindowGraceMs"/> later at the latest), so
    /// no generation runs into the model's token limit (one token per 80 ms) and words are not cut in half.
    /// </summary>
    [Range(1_000, 600_000)] public int MaxGenerationMs { get; set; } = 30_000;

    /// <summary>How long past <see cref="MaxGenerationMs"/> a generation may wait for a quiet chunk.</summary>
    [Range(0, 10_000)] public int WindowGraceMs { get; set; } = 2_000;

    /// <summary>Audio kept before speech starts and sent first, so the first syllable reaches the model.</summary>
    [Range(0, 2_000)] public int PreRollMs { get; set; } = 500;

    /// <summary>Frame level (RMS, dB full scale) above which a frame counts as speech, when no Silero model is installed.</summary>
    [Range(-90, 0)] public double SpeechThresholdDbfs { get; set; } = -45;

    /// <summary>Silero (the default, energy when the model is missing) or energy by choice.</summary>
    public VoiceActivityMode VadMode { get; set; } = VoiceActivityMode.Silero;

    /// <summary>The Silero VAD v5 model (scripts/setup/vad-model.sh); empty means the set-up script's cache path.</summary>
    public string? VadModelPath { get; set; }

    /// <summary>
    /// Frames quieter than this (RMS, dB full scale) count as silence without running Silero: far below any voice, it
    /// spares the model on the quiet microphones that are most of a meeting. −120 leaves only digital silence to it.
    /// </summary>
    [Range(-120, -30)] public double VadGateDbfs { get; set; } = -60;

    /// <summary>Silero speech probability at which a silent stream starts speaking.</summary>
    [Range(0.01, 1.0)] public double VadSpeechOnProbability { get; set; } = 0.5;

    /// <summary>Silero speech probability below which a speaking stream turns silent (lower than on: hysteresis).</summary>
    [Range(0.0, 1.0)] public double VadSpeechOffProbability { get; set; } = 0.35;

    /// <summary>
    /// Silence after which a speaker's realtime socket is closed: socket hygiene, not capacity. An idle session holds no
    /// GPU memory (the engine request lives from commit to done), only a socket and a small queue on the server;
    /// capacity is counted in generations (admitted at each generation start), so this waits minutes, not seconds,
    /// and a speaker who pauses keeps the session (no reconnect before speaking). Speech opens a new one.
    /// </summary>
    [Range(1_000, 3_600_000)] public int IdleReleaseMs { get; set; } = 300_000;

    /// <summary>Speaker audio buffered while the endpoint is slow or being reconnected.</summary>
    [Range(1_000, 600_000)] public int MaxBufferedMs { get; set; } = 60_000;

    /// <summary>How long to wait for <c>transcription.done</c> at the end of a stream before giving up.</summary>
    [Range(100, 120_000)] public int FinalTimeoutMs { get; set; } = 15_000;

    [Range(100, 60_000)] public int HandshakeTimeoutMs { get; set; } = 5_000;

    /// <summary>Language hint sent in <c>session.update</c>, when set.</summary>
    public string? Language { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (VadSpeechOffProbability > VadSpeechOnProbability)
        {
            yield return new ValidationResult(
                $"Transcription:VadSpeechOffProbability ({VadSpeechOffProbability}) must not exceed Transcription:VadSpeechOnProbability ({VadSpeechOnProbability})",
                [nameof(VadSpeechOffProbability)]);
        }
    }
}
