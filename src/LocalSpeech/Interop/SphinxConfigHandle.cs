using System.Runtime.InteropServices;

namespace Scribe.LocalSpeech.Interop;

/// <summary>
/// Our reference to a parsed <c>cmd_ln_t</c>, plus the native argv it was parsed from. The argv is kept
/// until the configuration is released, so it stays valid whether or not SphinxBase copied the strings.
/// </summary>
internal sealed unsafe class SphinxConfigHandle : SafeHandle
{
    private readonly nint[] _argv;

    private SphinxConfigHandle(nint config, nint[] argv)
        : base(nint.Zero, ownsHandle: true)
    {
        _argv = argv;
        SetHandle(config);
    }

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Parses <c>-name value</c> pairs against PocketSphinx's definitions.</summary>
    public static SphinxConfigHandle Parse(IReadOnlyList<string> arguments)
    {
        var argv = new nint[arguments.Count];
        for (var i = 0; i < argv.Length; i++)
        {
            argv[i] = Marshal.StringToCoTaskMemUTF8(arguments[i]);
        }

        nint config;
        fixed (nint* argvPointer = argv)
        {
            config = PocketSphinxNative.ParseArguments(nint.Zero, PocketSphinxNative.ArgumentDefinitions(), argv.Length, argvPointer, strict: 1);
        }

        var parsed = new SphinxConfigHandle(config, argv);
        if (parsed.IsInvalid)
        {
            parsed.Dispose();
            throw new SphinxUnavailableException($"PocketSphinx rejected its arguments: {string.Join(' ', arguments)}");
        }

        return parsed;
    }

    protected override bool ReleaseHandle()
    {
        if (handle != nint.Zero)
        {
            _ = PocketSphinxNative.FreeArguments(handle);
        }

        foreach (var argument in _argv)
        {
            Marshal.FreeCoTaskMem(argument);
        }

        return true;
    }
}
