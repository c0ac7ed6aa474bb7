using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Scribe.Fakes.Speech;

/// <summary>
/// Speech PCM (16 kHz mono) as Ogg Opus files for the stand-in SFU's microphones, encoded by Debian's
/// <c>opusenc</c> (opus-tools) and cached under the temp folder by content.
/// </summary>
public static class OggOpusFiles
{
    private const string SetupHint = "run scripts/setup/sfu.sh (installs opus-tools)";

    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "scribe-ogg-opus");

    /// <summary>The sentence's speech as an Ogg Opus file; the same audio gives the same path.</summary>
    public static Task<string> EncodeAsync(SpokenSentence sentence, CancellationToken cancellationToken = default) =>
        EncodeAsync(sentence.Pcm16kMono, cancellationToken);

    /// <summary>16 kHz mono PCM16 as an Ogg Opus file (20 ms frames, as browsers send); the same audio gives the same path.</summary>
    public static async Task<string> EncodeAsync(short[] pcm16kMono, CancellationToken cancellationToken = default)
    {
        var bytes = MemoryMarshal.AsBytes(pcm16kMono.AsSpan()).ToArray();
        var key = Convert.ToHexStringLower(SHA256.HashData(bytes))[..20];
        var target = Path.Combine(CacheDirectory, $"{key}.opus");
        if (File.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(CacheDirectory);
        var scratch = Path.Combine(CacheDirectory, $"{key}.{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllBytesAsync($"{scratch}.raw", bytes, cancellationToken);
            await RunOpusencAsync($"{scratch}.raw", $"{scratch}.opus", cancellationToken);
            File.Move($"{scratch}.opus", target, overwrite: true);
        }
        finally
        {
            File.Delete($"{scratch}.raw");
            File.Delete($"{scratch}.opus");
        }

        return target;
    }

    private static async Task RunOpusencAsync(string raw, string opus, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("opusenc")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--quiet", "--raw", "--raw-rate", "16000", "--raw-chan", "1", "--raw-bits", "16", "--raw-endianness", "0", "--speech", "--framesize", "20", raw, opus })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"opusenc did not start: {SetupHint}.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"opusenc is not installed: {SetupHint}.");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await output;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"opusenc failed ({process.ExitCode}): {await errors}");
            }
        }
    }
}
