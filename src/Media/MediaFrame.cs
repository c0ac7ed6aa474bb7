namespace Scribe.Media;

/// <summary>One frame of the media channel, decoded: a JSON message (kind 1) or a track's audio (kind 2).</summary>
public abstract record MediaFrame;

public sealed record MessageFrame(MediaMessage Message) : MediaFrame;

/// <summary>Audio of the track the media process announced under <paramref name="Handle"/>.</summary>
public sealed record TrackAudioFrame(uint Handle, PcmFrame Pcm) : MediaFrame;

/// <summary>
/// 16 kHz mono PCM16 (little-endian) of one track, starting <paramref name="SampleOffset"/> samples after that
/// track's stream began: a jump in the offset is a gap (silence the media process did not send). A frame with no
/// samples marks that silence lasted up to its offset (sent for the first seconds of each silence).
/// </summary>
public readonly record struct PcmFrame(uint SampleOffset, ReadOnlyMemory<byte> Pcm)
{
    public const int SampleRate = 16_000;

    public int Samples => Pcm.Length / 2;
}
