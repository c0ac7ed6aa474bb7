using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Scribe.Fakes.Speech;

/// <summary>
/// Real (synthetic) speech for tests: sentences spoken by Debian's flite voices, converted by sox to the
/// speech-model format and the egress format, and cached under the temp folder across runs.
/// </summary>
public static class FliteCorpus
{
    private const string SetupHint = "run scripts/setup/speech.sh (installs flite and sox)";

    /// <summary>
    /// Plain English of varied length and sound. Several start with a plosive (p, b, t, d, g, k) and end
    /// on a soft consonant (s, f, th, v, z), the edges a voice-activity cut clips first.
    /// </summary>
    public static IReadOnlyList<(string Voice, string Text)> Script { get; } =
    [
        ("slt", "Bring the quarterly report to the finance office"),
        ("slt", "The weather will be sunny and warm this afternoon"),
        ("slt", "Could you send me the notes from yesterday's meeting"),
        ("slt", "Turn left at the next corner and follow the river path"),
        ("slt", "We need three more volunteers for the weekend"),
        ("awb", "Good morning everyone and welcome to the project review"),
        ("awb", "The train to the city leaves every half hour"),
        ("awb", "Please remember to lock the door when you leave"),
        ("awb", "My brother bought a new car last month"),
        ("awb", "Keep the receipts until the end of the year"),
        ("rms", "Dinner will be ready in about ten minutes"),
        ("rms", "She plays the piano every evening after work"),
        ("rms", "Can we move the deadline to next Friday"),
        ("rms", "The children are playing football in the park"),
        ("rms", "Put the heavy boxes near the back of the house"),
    ];

    private static readonly string[] Tools = ["flite", "sox"];
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IReadOnlyList<SpokenSentence>? s_loaded;

    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "scribe-flite-corpus");

    /// <summary>The whole <see cref="Script"/>, synthesized once per machine and loaded once per process.</summary>
    public static async Task<IReadOnlyList<SpokenSentence>> LoadAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref s_loaded) is { } loaded)
        {
            return loaded;
        }

        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (s_loaded is null)
            {
                EnsureTools();
                Directory.CreateDirectory(CacheDirectory);
                var sentences = new List<SpokenSentence>(Script.Count);
                foreach (var (voice, text) in Script)
                {
                    sentences.Add(await SpeakAsync(voice, text, cancellationToken));
                }

                Volatile.Write(ref s_loaded, sentences);
            }

            return s_loaded;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<SpokenSentence> SpeakAsync(string voice, string text, CancellationToken cancellationToken)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{voice}\n{text}")))[..16];
        var mono16k = Path.Combine(CacheDirectory, $"{voice}-{key}.16k-mono.s16le");
        var stereo48k = Path.Combine(CacheDirectory, $"{voice}-{key}.48k-stereo.s16le");
        if (!File.Exists(mono16k) || !File.Exists(stereo48k))
        {
            // Unique scratch names, then a rename: parallel test runs never read a half-written file.
            var scratch = Path.Combine(CacheDirectory, $"{voice}-{key}.{Guid.NewGuid():N}");
            try
            {
                await RunAsync("flite", ["-voice", voice, "-t", text, "-o", $"{scratch}.wav"], cancellationToken);
                await RunAsync("sox", [$"{scratch}.wav", "-L", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", "-t", "raw", $"{scratch}.16k"], cancellationToken);
                await RunAsync("sox", [$"{scratch}.wav", "-L", "-r", "48000", "-c", "2", "-b", "16", "-e", "signed-integer", "-t", "raw", $"{scratch}.48k"], cancellationToken);
                File.Move($"{scratch}.16k", mono16k, overwrite: true);
                File.Move($"{scratch}.48k", stereo48k, overwrite: true);
            }
            finally
            {
                foreach (var leftover in Directory.GetFiles(CacheDirectory, $"{Path.GetFileName(scratch)}.*"))
                {
                    File.Delete(leftover);
                }
            }
        }

        var mono = await File.ReadAllBytesAsync(mono16k, cancellationToken);
        var stereo = await File.ReadAllBytesAsync(stereo48k, cancellationToken);
        return new SpokenSentence(text, voice, MemoryMarshal.Cast<byte, short>(mono).ToArray(), stereo);
    }

    private static void EnsureTools()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var missing = Tools.Where(tool => !path.Any(folder => File.Exists(Path.Combine(folder, tool)))).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Synthetic speech needs {string.Join(" and ", missing)}: {SetupHint}.");
        }
    }

    private static async Task RunAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}: {SetupHint}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}");
        }
    }
}
