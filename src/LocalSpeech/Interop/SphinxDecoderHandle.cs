using System.Runtime.InteropServices;

namespace Scribe.LocalSpeech.Interop;

/// <summary>Owns one <c>ps_decoder_t</c>; releasing it calls <c>ps_free</c>.</summary>
internal sealed class SphinxDecoderHandle : SafeHandle
{
    private SphinxDecoderHandle(nint decoder)
        : base(nint.Zero, ownsHandle: true) => SetHandle(decoder);

    public override bool IsInvalid => handle == nint.Zero;

    /// <summary>Creates the decoder; it takes its own reference to <paramref name="config"/>.</summary>
    public static SphinxDecoderHandle? Init(SphinxConfigHandle config)
    {
        var added = false;
        try
        {
            config.DangerousAddRef(ref added);
            var decoder = PocketSphinxNative.Init(config.DangerousGetHandle());
            return decoder == nint.Zero ? null : new SphinxDecoderHandle(decoder);
        }
        finally
        {
            if (added)
            {
                config.DangerousRelease();
            }
        }
    }

    protected override bool ReleaseHandle()
    {
        // ps_free answers the references left; below zero means it failed.
        return PocketSphinxNative.Free(handle) >= 0;
    }
}
