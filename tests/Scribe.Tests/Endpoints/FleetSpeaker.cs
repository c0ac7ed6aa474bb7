namespace Scribe.Tests.Endpoints;

/// <summary>One tone-speech speaker driven straight into a <see cref="SpeakerTranscriber"/> on a silo's balancer.</summary>
internal sealed class FleetSpeaker : IAsyncDisposable
{
    private const int SamplesPerMs = 16;
    private readonly short[] _audio;
    private int _fed;

    public FleetSpeaker(string identity, IReadOnlyList<string> sentences, IEndpointPicker picker)
    {
        Identity = identity;
        Sentences = sentences;
        _audio = ToneSpeech.Synthesize(sentences, 16_000);
        Transcriber = new SpeakerTranscriber(
            new SpeakerContext("fleet", identity, identity, "TR_" + identity, 1, 0), new TranscriberOptions(), picker, Sink, NullLogger.Instance, TestMetrics.Scribe);
    }

    public string Identity { get; }

    public IReadOnlyList<string> Sentences { get; }

    public RecordingSink Sink { get; } = new();

    public SpeakerTranscriber Transcriber { get; }

    /// <summary>Sample index where sentence <paramref name="index"/> (0-based) ends, its trailing pause included.</summary>
    public int SentenceEndMs(int index) =>
        (int)(ToneSpeech.Synthesize(Sentences.Take(index + 1).ToList(), 16_000).Length / SamplesPerMs);

    /// <summary>Feeds the audio up to <paramref name="ms"/> in 100 ms writes, as fast as the transcriber takes it.</summary>
    public async Task FeedUntilMsAsync(int ms)
    {
        var end = Math.Min(_audio.Length, ms * SamplesPerMs);
        while (_fed < end)
        {
            var take = Math.Min(100 * SamplesPerMs, end - _fed);
            await Transcriber.WriteAsync(_audio.AsMemory(_fed, take), CancellationToken.None);
            _fed += take;
        }
    }

    public async Task FinishAsync()
    {
        await FeedUntilMsAsync(int.MaxValue / SamplesPerMs);
        await Transcriber.CompleteAsync(CancellationToken.None);
    }

    public ValueTask DisposeAsync() => Transcriber.DisposeAsync();
}
