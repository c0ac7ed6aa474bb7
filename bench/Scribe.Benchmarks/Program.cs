using Scribe.Benchmarks;

// Load runs by name: `dotnet run -c Release --project bench/Scribe.Benchmarks -- <run> [arguments]`.
// Add a run by adding a line here.
var runs = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.OrdinalIgnoreCase)
{
    ["local-speech"] = LocalSpeechBenchmark.RunAsync,
};

if (args.Length == 0 || !runs.TryGetValue(args[0], out var run))
{
    Console.Error.WriteLine($"usage: Scribe.Benchmarks <run> [arguments]; runs: {string.Join(", ", runs.Keys)}");
    return 2;
}

return await run(args[1..]);
