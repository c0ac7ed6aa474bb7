using System.Runtime.InteropServices;
using Scribe.LocalSpeech.Interop;

namespace Scribe.LocalSpeech;

/// <summary>
/// One PocketSphinx decoder over 16 kHz mono PCM16. Not thread-safe: one per stream, called from one loop.
/// Loading it reads the whole language model (tens of MB), so create it once and reuse it across utterances.
/// </summary>
public sealed unsafe class SphinxDecoder : IDisposable
{
    private static int s_logSilenced;

    private readonly SphinxConfigHandle _config;
    private readonly SphinxDecoderHandle _decoder;

    private SphinxDecoder(SphinxConfigHandle config, SphinxDecoderHandle decoder)
    {
        _config = config;
        _decoder = decoder;
    }

    /// <summary>True between <see cref="StartUtterance"/> and <see cref="EndUtterance"/>.</summary>
    public bool InUtterance { get; private set; }

    /// <summary>Samples fed since the current (or last) utterance started.</summary>
    public long UtteranceSamples { get; private set; }

    /// <summary>Loads a decoder for <paramref name="model"/>.</summary>
    /// <exception cref="SphinxUnavailableException">The library or the model is missing, or PocketSphinx refused it.</exception>
    public static SphinxDecoder Create(SphinxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.EnsureAvailable();
        try
        {
            SilenceLogOnce();
            var config = SphinxConfigHandle.Parse(
            [
                "-hmm", model.AcousticModel,
                "-lm", model.LanguageModel,
                "-dict", model.Dictionary,
                "-logfn", "/dev/null",
            ]);
            var decoder = SphinxDecoderHandle.Init(config);
            if (decoder is null)
            {
                config.Dispose();
                throw new SphinxUnavailableException($"PocketSphinx could not load the model at '{model.AcousticModel}' (ps_init failed).");
            }

            return new SphinxDecoder(config, decoder);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new SphinxUnavailableException(
                $"PocketSphinx is not installed ({PocketSphinxNative.PocketSphinx} / {PocketSphinxNative.SphinxBase}): install the Debian package libpocketsphinx3 (scripts/setup/speech.sh).",
                e);
        }
    }

    public void StartUtterance()
    {
        Check(PocketSphinxNative.StartUtterance(Pointer()), "ps_start_utt");
        InUtterance = true;
        UtteranceSamples = 0;
    }

    /// <summary>Feeds 16 kHz mono samples to the running utterance.</summary>
    public void Process(ReadOnlySpan<short> samples16kMono)
    {
        if (!InUtterance)
        {
            throw new InvalidOperationException("Process needs a started utterance.");
        }

        if (samples16kMono.IsEmpty)
        {
            return;
        }

        fixed (short* samples = samples16kMono)
        {
            Check(PocketSphinxNative.ProcessRaw(Pointer(), samples, (nuint)samples16kMono.Length, noSearch: 0, fullUtterance: 0), "ps_process_raw");
        }

        UtteranceSamples += samples16kMono.Length;
    }

    /// <summary>
    /// The best hypothesis so far (partial during an utterance, final after <see cref="EndUtterance"/>);
    /// null when there is none yet.
    /// </summary>
    public string? Hypothesis()
    {
        int score;
        var text = PocketSphinxNative.GetHypothesis(Pointer(), &score);
        return text == nint.Zero ? null : Marshal.PtrToStringUTF8(text);
    }

    public void EndUtterance()
    {
        InUtterance = false;
        Check(PocketSphinxNative.EndUtterance(Pointer()), "ps_end_utt");
    }

    public void Dispose()
    {
        _decoder.Dispose();
        _config.Dispose();
    }

    private nint Pointer()
    {
        ObjectDisposedException.ThrowIf(_decoder.IsClosed, this);
        return _decoder.DangerousGetHandle();
    }

    private static void Check(int result, string function)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"PocketSphinx {function} failed ({result}).");
        }
    }

    private static void SilenceLogOnce()
    {
        // SphinxBase prints its whole configuration to stderr while parsing, before -logfn applies.
        if (Interlocked.Exchange(ref s_logSilenced, 1) == 0)
        {
            PocketSphinxNative.SetLogFile(nint.Zero);
        }
    }
}
