using System.Runtime.InteropServices;

namespace Scribe.LocalSpeech.Interop;

/// <summary>
/// Our binding to Debian's PocketSphinx 5prealpha (<c>libpocketsphinx3</c>) and its SphinxBase.
/// Pointers stay <see cref="nint"/> here; ownership lives in the SafeHandles.
/// </summary>
internal static unsafe partial class PocketSphinxNative
{
    public const string SphinxBase = "libsphinxbase.so.3";
    public const string PocketSphinx = "libpocketsphinx.so.3";

    /// <summary>Parses name/value pairs into a new configuration (<c>inout</c> null); null on error.</summary>
    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_parse_r")]
    public static partial nint ParseArguments(nint inout, nint definitions, int argc, nint* argv, int strict);

    /// <summary>Releases one reference to a configuration.</summary>
    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_free_r")]
    public static partial int FreeArguments(nint config);

    /// <summary>Sets where SphinxBase logs; null silences it (it prints the whole configuration otherwise).</summary>
    [LibraryImport(SphinxBase, EntryPoint = "err_set_logfp")]
    public static partial void SetLogFile(nint file);

    /// <summary>The argument definitions PocketSphinx understands (static, never freed).</summary>
    [LibraryImport(PocketSphinx, EntryPoint = "ps_args")]
    public static partial nint ArgumentDefinitions();

    /// <summary>Loads the models named in <paramref name="config"/>; keeps its own reference to it. Null on error.</summary>
    [LibraryImport(PocketSphinx, EntryPoint = "ps_init")]
    public static partial nint Init(nint config);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_free")]
    public static partial int Free(nint decoder);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_start_utt")]
    public static partial int StartUtterance(nint decoder);

    /// <summary>Feeds samples; returns the number of frames searched, or a negative value on error.</summary>
    [LibraryImport(PocketSphinx, EntryPoint = "ps_process_raw")]
    public static partial int ProcessRaw(nint decoder, short* data, nuint sampleCount, int noSearch, int fullUtterance);

    /// <summary>The current hypothesis, owned by the decoder and valid until its next call; null when none.</summary>
    [LibraryImport(PocketSphinx, EntryPoint = "ps_get_hyp")]
    public static partial nint GetHypothesis(nint decoder, int* score);

    [LibraryImport(PocketSphinx, EntryPoint = "ps_end_utt")]
    public static partial int EndUtterance(nint decoder);
}
