namespace Scribe.LocalSpeech;

/// <summary>
/// The <c>usage</c> of a <c>transcription.done</c>. Prompt tokens count audio the way Voxtral Realtime does
/// (one per 80 ms, 1,280 samples); completion tokens count the words of the text.
/// </summary>
public sealed record TranscriptionUsage(int PromptTokens, int CompletionTokens)
{
    public const int SamplesPerAudioToken = 1280;

    public int TotalTokens => PromptTokens + CompletionTokens;

    public static TranscriptionUsage For(long samples, string text) => new(
        (int)((samples + SamplesPerAudioToken - 1) / SamplesPerAudioToken),
        HypothesisWords.Split(text).Count);
}
