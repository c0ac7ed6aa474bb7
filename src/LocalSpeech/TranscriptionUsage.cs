namespace Scribe.LocalSpeech;

/// <summary>
/// The <c>usage</c> of a <c>transcription.done</c>, counted as vLLM counts Voxtral Realtime: one completion token
/// per 80 ms engine step of audio (1,280 samples at 16 kHz), whatever the words; this endpoint has no prompt.
/// </summary>
public sealed record TranscriptionUsage(int PromptTokens, int CompletionTokens)
{
    public const int SamplesPerStep = 1280;

    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Usage of a generation that decoded <paramref name="samples"/> (a last partial step counts as a step).</summary>
    public static TranscriptionUsage For(long samples) => new(0, (int)((samples + SamplesPerStep - 1) / SamplesPerStep));
}
