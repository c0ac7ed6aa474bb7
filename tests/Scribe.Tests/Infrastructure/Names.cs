namespace Scribe.Tests.Infrastructure;

/// <summary>Segments the way a speaker's transcriber makes them: ids per generation, times from the audio clock.</summary>
internal static class Names
{
    public static string Of(string identity) => char.ToUpperInvariant(identity[0]) + identity[1..];

    public static TranscriptSegment Segment(string room, string speaker, int n, string text, bool final = true, long? startMs = null)
    {
        var start = startMs ?? n * 1_000L;
        return new TranscriptSegment($"{speaker}:TR_{speaker}:0.{n}", room, speaker, Of(speaker), "TR_" + speaker, start, start + 800, text, final, "en");
    }
}
