using System.Buffers;

namespace Scribe.Tests.Realtime;

/// <summary>
/// A transcriber's chunk buffers are pooled, and a chunk may be replayed long after it arrived (held audio, a
/// reconnect). These run the cases that keep chunks longest through a pool that makes misuse visible: a buffer
/// returned twice (or never rented) is recorded, and a returned buffer is scribbled over and handed out again at
/// once, so audio read after its return comes out as wrong words.
/// </summary>
public sealed class ChunkBufferOwnershipTests : FakeVllmTest
{
    private readonly StrictPool _pool = new();
    private static readonly SpeakerContext Speaker = new("standup", "alice", "Alice", "TR_A", 1, 0);

    private SpeakerTranscriber Transcriber(EndpointBalancer? balancer = null) =>
        new(Speaker, new TranscriberOptions(), balancer ?? new EndpointBalancer([Vllm.Endpoint("gpu-1")]), Sink, NullLogger.Instance, TestMetrics.Scribe, chunkBuffers: _pool);

    private static async Task FeedAsync(SpeakerTranscriber transcriber, byte[] egress)
    {
        var converter = new EgressAudioConverter();
        var output = new short[EgressAudioConverter.MaxOutputSamples(3_840)];
        for (var offset = 0; offset < egress.Length; offset += 3_840)
        {
            var count = converter.Convert(egress.AsSpan(offset, Math.Min(3_840, egress.Length - offset)), output);
            await transcriber.WriteAsync(output.AsMemory(0, count), CancellationToken.None);
        }
    }

    private void AssertEveryBufferCameBackOnce()
    {
        Assert.Empty(_pool.Misuse);
        Assert.True(_pool.Rented > 10, $"only {_pool.Rented} buffers rented: the transcriber is not using the pool");
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task Audio_held_while_a_generation_finishes_is_sent_intact_and_every_buffer_returns_once()
    {
        Vllm.DoneDelay = TimeSpan.FromMilliseconds(700);
        var sentences = ToneSpeech.RandomSentences(4, seed: 3);
        await using (var transcriber = Transcriber())
        {
            await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
            await transcriber.CompleteAsync(CancellationToken.None);
        }

        Assert.Empty(Vllm.Violations);
        Assert.Equal(sentences, Sink.FinalTexts);
        AssertEveryBufferCameBackOnce();
    }

    [Fact]
    public async Task Speech_refused_while_a_stream_ends_at_a_pause_still_returns_its_buffers()
    {
        var sentences = ToneSpeech.RandomSentences(3, seed: 9);
        await using (var transcriber = Transcriber())
        {
            transcriber.EndAtNextPause();
            await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
            await transcriber.CompleteAsync(CancellationToken.None);
        }

        Assert.Empty(Sink.FinalTexts);
        AssertEveryBufferCameBackOnce();
    }

    [Fact]
    public async Task A_generation_replayed_after_a_dropped_socket_still_has_its_own_audio()
    {
        await using var second = await FakeVllmServer.StartAsync();
        var sentences = ToneSpeech.RandomSentences(3, seed: 21);
        Vllm.BreakAfterAppends(12);
        second.BreakAfterAppends(-1);
        await using (var transcriber = Transcriber(new EndpointBalancer([Vllm.Endpoint("gpu-1"), second.Endpoint("gpu-2")])))
        {
            await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
            await transcriber.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(sentences, Sink.FinalTexts);
        Assert.True(Vllm.SessionsOpened + second.SessionsOpened >= 2, "the socket was never replaced: nothing was replayed");
        AssertEveryBufferCameBackOnce();
    }

    [Fact]
    public async Task A_mute_gives_the_pre_roll_back_and_the_speech_after_it_is_whole()
    {
        await using (var transcriber = Transcriber())
        {
            await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(["a20 b20"], leadingSilenceMs: 400));
            await transcriber.SetMutedAsync(true, CancellationToken.None);
            await FeedAsync(transcriber, Meeting.Silence(300)); // silence while muted: it goes to the pre-roll
            await transcriber.SetMutedAsync(false, CancellationToken.None);
            await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(["h15"], leadingSilenceMs: 300));
            await transcriber.CompleteAsync(CancellationToken.None);
        }

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["a20 b20", "h15"], Sink.FinalTexts);
        AssertEveryBufferCameBackOnce();
    }

    /// <summary>Last in, first out, scribbled on return, and strict about who returns what.</summary>
    private sealed class StrictPool : ArrayPool<short>
    {
        private readonly object _gate = new();
        private readonly Stack<short[]> _free = new();
        private readonly HashSet<short[]> _out = new(ReferenceEqualityComparer.Instance);

        public List<string> Misuse { get; } = [];

        public int Rented { get; private set; }

        public int Outstanding
        {
            get
            {
                lock (_gate)
                {
                    return _out.Count;
                }
            }
        }

        public override short[] Rent(int minimumLength)
        {
            lock (_gate)
            {
                var array = _free.TryPeek(out var top) && top.Length >= minimumLength ? _free.Pop() : new short[minimumLength];
                _out.Add(array);
                Rented++;
                return array;
            }
        }

        public override void Return(short[] array, bool clearArray = false)
        {
            lock (_gate)
            {
                if (!_out.Remove(array))
                {
                    Misuse.Add(_free.Contains(array) ? "a buffer was returned twice" : "a buffer that was never rented was returned");
                    return;
                }

                // A loud square wave at the Nyquist rate: no word of the tone alphabet, so a late reader hears garbage.
                for (var i = 0; i < array.Length; i++)
                {
                    array[i] = (short)(i % 2 == 0 ? 20_000 : -20_000);
                }

                _free.Push(array);
            }
        }
    }
}
