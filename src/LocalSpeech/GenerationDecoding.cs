using System.Diagnostics;
using System.Threading.Channels;

namespace Scribe.LocalSpeech;

/// <summary>
/// Feeds one generation's audio to the session's decoder until its end mark: a partial hypothesis every
/// 100 ms of audio goes through the <see cref="AppendOnlyTranscript"/>, and the deltas it allows are sent.
/// </summary>
internal sealed class GenerationDecoding(SphinxDecoder decoder, long stabilitySamples, int trailingWords)
{
    /// <summary>Partial hypotheses are read every 100 ms of audio: often enough for deltas, cheap enough.</summary>
    private const int SamplesBetweenPartials = 1600;

    public AppendOnlyTranscript Transcript { get; } = new(stabilitySamples, trailingWords);

    /// <summary>Time spent inside the decoder (not waiting for audio or the socket).</summary>
    public TimeSpan DecodeTime { get; private set; }

    /// <summary>Samples the utterance took.</summary>
    public long Samples { get; private set; }

    /// <summary>Decodes until the end mark (or the channel completes); returns the final hypothesis's words.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(ChannelReader<SessionAudio> audio, Func<string, CancellationToken, Task> sendDelta, CancellationToken cancellationToken)
    {
        decoder.StartUtterance();
        long sinceLastPartial = 0;
        var ended = false;
        while (!ended && await audio.WaitToReadAsync(cancellationToken))
        {
            while (audio.TryRead(out var item))
            {
                if (item is not SessionAudio.Chunk chunk)
                {
                    ended = true;
                    break;
                }

                var began = Stopwatch.GetTimestamp();
                decoder.Process(chunk.Samples);
                sinceLastPartial += chunk.Samples.Length;
                string? delta = null;
                if (sinceLastPartial >= SamplesBetweenPartials)
                {
                    sinceLastPartial = 0;
                    delta = Transcript.Observe(HypothesisWords.Split(decoder.Hypothesis()), decoder.UtteranceSamples);
                }

                DecodeTime += Stopwatch.GetElapsedTime(began);
                if (delta is not null)
                {
                    await sendDelta(delta, cancellationToken);
                }
            }
        }

        var ending = Stopwatch.GetTimestamp();
        decoder.EndUtterance();
        var words = HypothesisWords.Split(decoder.Hypothesis());
        Samples = decoder.UtteranceSamples;
        DecodeTime += Stopwatch.GetElapsedTime(ending);
        return words;
    }
}
