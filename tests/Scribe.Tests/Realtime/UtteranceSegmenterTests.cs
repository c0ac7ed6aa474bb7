using System.Buffers;

namespace Scribe.Tests.Realtime;

/// <summary>Cutting chunks into generations, without sockets or clocks.</summary>
public sealed class UtteranceSegmenterTests
{
    private const int Chunk = 1_600; // 100 ms
    private readonly CountingPool _pool = new();
    private long _clock;

    private UtteranceSegmenter Segmenter(TranscriberOptions? options = null) =>
        new(options ?? new TranscriberOptions(), new ChunkBufferPool(_pool), new SpeakerUsageMeter(TimeProvider.System, TestMetrics.Scribe));

    private AudioChunk Next(bool speech)
    {
        var buffer = _pool.Rent(Chunk);
        var chunk = new AudioChunk(_clock, buffer.AsMemory(0, Chunk), speech);
        _clock += Chunk;
        return chunk;
    }

    [Fact]
    public void Silence_keeps_only_the_pre_roll_and_returns_older_buffers()
    {
        var segmenter = Segmenter(new TranscriberOptions { PreRollMs = 500 });
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(ChunkOutcome.KeptBeforeSpeech, segmenter.Accept(Next(speech: false)));
        }

        Assert.Equal(5, _pool.Outstanding);
        Assert.Equal(20L * Chunk, segmenter.SilentSamples);
        Assert.Equal(SegmenterPhase.BetweenGenerations, segmenter.Phase);
    }

    [Fact]
    public void Speech_opens_a_generation_with_its_pre_roll_and_a_pause_ends_it()
    {
        var segmenter = Segmenter(new TranscriberOptions { PreRollMs = 300, PauseMs = 600 });
        for (var i = 0; i < 10; i++)
        {
            segmenter.Accept(Next(speech: false));
        }

        Assert.Equal(ChunkOutcome.Opened, segmenter.Accept(Next(speech: true)));
        var generation = segmenter.Current!;
        Assert.Equal(SegmenterPhase.Taking, segmenter.Phase);
        Assert.Equal(4, generation.Audio.Count);
        Assert.Equal(10L * Chunk, generation.FirstSpeechSample);
        Assert.Equal(0, segmenter.SilentSamples);

        Assert.Equal(ChunkOutcome.Appended, segmenter.Accept(Next(speech: true)));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ChunkOutcome.Appended, segmenter.Accept(Next(speech: false)));
        }

        Assert.Equal(ChunkOutcome.AppendedAndEnded, segmenter.Accept(Next(speech: false)));
        // Ending is the loop's step: the generation takes audio until the final commit goes out.
        Assert.Equal(SegmenterPhase.Taking, segmenter.Phase);
        Assert.True(segmenter.Finish());
        Assert.Equal(SegmenterPhase.Finishing, segmenter.Phase);
        Assert.False(segmenter.Finish());
    }

    [Fact]
    public void Audio_after_the_final_commit_is_held_and_flows_in_order_once_the_generation_is_done()
    {
        var segmenter = Segmenter(new TranscriberOptions { PreRollMs = 0 });
        segmenter.Accept(Next(speech: true));
        segmenter.Finish();
        var held = new[] { Next(speech: true), Next(speech: false) };
        foreach (var chunk in held)
        {
            Assert.Equal(ChunkOutcome.Held, segmenter.Accept(chunk));
        }

        Assert.False(segmenter.TryTakeHeld(out _));

        segmenter.Complete();
        Assert.Equal(SegmenterPhase.BetweenGenerations, segmenter.Phase);
        Assert.Null(segmenter.Current);
        Assert.Equal(2, _pool.Outstanding); // the finished generation's buffer went back
        Assert.True(segmenter.TryTakeHeld(out var first));
        Assert.Same(held[0], first);
        Assert.Equal(ChunkOutcome.Opened, segmenter.Accept(first));
        Assert.True(segmenter.TryTakeHeld(out var second));
        Assert.Same(held[1], second);
        Assert.Equal(1, segmenter.Current!.Number);
    }

    [Fact]
    public void A_long_generation_ends_at_its_next_quiet_chunk_or_after_the_grace()
    {
        var segmenter = Segmenter(new TranscriberOptions { PreRollMs = 0, MaxGenerationMs = 1_000, WindowGraceMs = 500 });
        segmenter.Accept(Next(speech: true));
        for (var i = 1; i < 14; i++)
        {
            Assert.Equal(ChunkOutcome.Appended, segmenter.Accept(Next(speech: true)));
        }

        Assert.Equal(ChunkOutcome.AppendedAndEnded, segmenter.Accept(Next(speech: true)));

        var quiet = Segmenter(new TranscriberOptions { PreRollMs = 0, MaxGenerationMs = 1_000, WindowGraceMs = 500 });
        quiet.Accept(Next(speech: true));
        for (var i = 1; i < 10; i++)
        {
            quiet.Accept(Next(speech: true));
        }

        Assert.Equal(ChunkOutcome.AppendedAndEnded, quiet.Accept(Next(speech: false)));
    }

    [Fact]
    public void A_mute_drops_the_pre_roll_and_ends_the_generation_taking_audio()
    {
        var segmenter = Segmenter();
        for (var i = 0; i < 3; i++)
        {
            segmenter.Accept(Next(speech: false));
        }

        Assert.False(segmenter.Mute());
        Assert.Equal(0, _pool.Outstanding);

        segmenter.Accept(Next(speech: true));
        Assert.True(segmenter.Mute());
        Assert.Equal(SegmenterPhase.Finishing, segmenter.Phase);
    }

    [Fact]
    public void After_end_at_next_pause_speech_opens_nothing()
    {
        var segmenter = Segmenter(new TranscriberOptions { PreRollMs = 200 });
        segmenter.EndAtNextPause();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ChunkOutcome.KeptBeforeSpeech, segmenter.Accept(Next(speech: true)));
        }

        Assert.Equal(SegmenterPhase.BetweenGenerations, segmenter.Phase);
        Assert.Equal(2, _pool.Outstanding);
    }

    private sealed class CountingPool : ArrayPool<short>
    {
        private int _outstanding;

        public int Outstanding => _outstanding;

        public override short[] Rent(int minimumLength)
        {
            _outstanding++;
            return new short[minimumLength];
        }

        public override void Return(short[] array, bool clearArray = false) => _outstanding--;
    }
}
