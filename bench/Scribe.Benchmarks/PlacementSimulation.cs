using System.Diagnostics;
using System.Globalization;
using Scribe.Endpoints;

namespace Scribe.Benchmarks;

/// <summary>
/// Placement at fleet scale, without sockets: several silos' real <see cref="EndpointBalancer"/>s place sessions
/// that start in bursts over many endpoints. Each silo sees its own sessions live and everyone else's through a
/// registry snapshot refreshed once per probe interval (virtual time), with simulated load from other clients
/// of the same servers. Then one endpoint dies and its sessions are re-placed concurrently, one thread per silo,
/// the way their transcribers reconnect.
/// </summary>
internal static class PlacementSimulation
{
    public static Task<int> RunAsync(string[] args)
    {
        var sessions = Option(args, "--sessions", 2_000);
        var endpoints = Option(args, "--endpoints", 10);
        var silos = Option(args, "--silos", 4);
        var seed = Option(args, "--seed", 1);

        Console.WriteLine($"placement: {sessions} sessions in bursts of 100 (50 ms each, 500 ms apart) over {endpoints} endpoints from {silos} silos; snapshot every 2 s; seed {seed}");
        Console.WriteLine();
        Console.WriteLine("| capacities | sessions | max/mean utilisation | min/mean | overbooked | place p50 | place p99 | failover (re-placed) | failover time |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var ok = true;
        ok &= Run("equal (300 each)", [.. Enumerable.Repeat(300, endpoints)], sessions, silos, seed);
        ok &= Run("mixed (100…550)", [.. Enumerable.Range(0, endpoints).Select(i => 100 + 50 * i)], sessions, silos, seed);
        Console.WriteLine();
        Console.WriteLine(ok ? "aims met: max/mean ≤ 1.1, failover ≤ 1 s" : "AIMS MISSED");
        return Task.FromResult(ok ? 0 : 1);
    }

    private static bool Run(string label, int[] capacities, int sessions, int siloCount, int seed)
    {
        var random = new Random(seed);
        var definitions = capacities.Select((cap, i) => new InferenceEndpoint($"gpu-{i}", new Uri($"ws://gpu-{i}:8000/v1/realtime"), "voxtral", cap)).ToList();
        var silos = Enumerable.Range(0, siloCount).Select(s => new EndpointBalancer(definitions, new Random(seed * 31 + s))).ToList();
        // Other clients of the same vLLM servers: a few sessions each that we do not own.
        var foreign = definitions.Select(_ => random.Next(0, 11)).ToArray();
        var placements = new SessionPlacement?[sessions];
        var placeTimes = new List<double>(sessions);

        // Virtual time: arrivals (bursts of 100 within 50 ms, every 500 ms) interleaved with snapshot ticks.
        const double snapshotEveryMs = 2_000;
        var nextSnapshot = 0.0;
        for (var i = 0; i < sessions; i++)
        {
            var arrivalMs = i / 100 * 500 + random.NextDouble() * 50;
            while (arrivalMs >= nextSnapshot)
            {
                Refresh(silos, definitions, foreign, unhealthy: null);
                nextSnapshot += snapshotEveryMs;
            }

            var silo = silos[i % silos.Count];
            var watch = Stopwatch.StartNew();
            placements[i] = silo.TryPlace($"room-{i / 8}/speaker-{i}", null);
            placeTimes.Add(watch.Elapsed.TotalMicroseconds);
        }

        var loads = Loads(silos, definitions);
        var utilisation = loads.Select((load, e) => (load + foreign[e]) / (double)capacities[e]).ToArray();
        var mean = utilisation.Average();
        var overbooked = loads.Select((load, e) => Math.Max(0, load + foreign[e] - capacities[e])).Sum();
        var unplaced = placements.Count(l => l is null);

        // Failover: the busiest endpoint dies; every session on it reconnects through its own silo, avoiding it.
        var dead = definitions[Array.IndexOf(loads, loads.Max())];
        var victims = Enumerable.Range(0, sessions).Where(i => placements[i]?.Endpoint.Name == dead.Name).ToList();
        var failover = Stopwatch.StartNew();
        Parallel.ForEach(victims.GroupBy(i => i % silos.Count), group =>
        {
            foreach (var i in group)
            {
                placements[i]!.Dispose();
                placements[i] = silos[i % silos.Count].TryPlace($"room-{i / 8}/speaker-{i}", dead);
            }
        });
        var failoverMs = failover.Elapsed.TotalMilliseconds;
        var lost = victims.Count(i => placements[i] is null || placements[i]!.Endpoint.Name == dead.Name);

        placeTimes.Sort();
        var maxOverMean = utilisation.Max() / mean;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {sessions - unplaced} | {maxOverMean:F3} | {utilisation.Min() / mean:F3} | {overbooked} | {Percentile(placeTimes, 0.50):F1} µs | {Percentile(placeTimes, 0.99):F1} µs | {victims.Count - lost} of {victims.Count} | {failoverMs:F1} ms |"));
        return unplaced == 0 && lost == 0 && maxOverMean <= 1.1 && failoverMs <= 1_000;
    }

    /// <summary>What the registry would hand out: every silo's reported sessions plus the servers' own load.</summary>
    private static void Refresh(List<EndpointBalancer> silos, List<InferenceEndpoint> definitions, int[] foreign, string? unhealthy)
    {
        var reports = silos.Select(s => s.TakeSessionReport()).ToList();
        var snapshot = new EndpointSnapshot(0, [.. definitions.Select((d, e) =>
        {
            var ours = reports.Sum(r => r.GetValueOrDefault(d.Name));
            var status = new EndpointStatus(d.Name, d.Url.ToString(), d.Model, d.MaxSessions, ours, ours + foreign[e], null,
                d.Name == unhealthy ? EndpointHealth.Unhealthy : EndpointHealth.Healthy, 0, false, false, null, null, d.HealthBase.ToString());
            return new RegisteredEndpoint(d, status);
        })], silos.Count);
        foreach (var silo in silos)
        {
            silo.Apply(snapshot);
        }
    }

    private static int[] Loads(List<EndpointBalancer> silos, List<InferenceEndpoint> definitions) =>
        [.. definitions.Select(d => silos.Sum(s => s.SessionsOn(d.Name)))];

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
