using BenchmarkDotNet.Running;

namespace Scribe.Benchmarks;

/// <summary>
/// Load runs by name (<c>Scribe.Benchmarks local-speech …</c>); anything else goes to BenchmarkDotNet
/// (<c>--filter '*TranscriptBenchmarks*'</c>, <c>--list flat</c>, …).
/// </summary>
// A named class rather than top-level statements: the silo's own top-level Program is visible here too.
internal static class Program
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Runs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["local-speech"] = LocalSpeechBenchmark.RunAsync,
        ["ingest-load"] = IngestLoad.RunAsync,
        ["agent-load"] = AgentLoad.RunAsync,
        ["vad"] = VadBenchmark.RunAsync,
        ["placement"] = PlacementSimulation.RunAsync,
        ["capacity"] = CapacitySimulation.RunAsync,
    };

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && Runs.TryGetValue(args[0], out var run))
        {
            return await run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
