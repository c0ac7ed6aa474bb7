using Microsoft.Extensions.Logging;

namespace Scribe.Endpoints;

/// <summary>
/// The cluster's one list of speech endpoints. Admin changes are persisted before they are acknowledged;
/// probe and session reports only update memory (they are refreshed every few seconds). Every turn is short:
/// probing and placing happen in the silos' own services.
/// </summary>
public sealed partial class EndpointRegistryGrain(
    [PersistentState("endpoints", StorageNames.State)] IPersistentState<EndpointRegistryRecord> record,
    TimeProvider time,
    ILogger<EndpointRegistryGrain> logger) : Grain, IEndpointRegistryGrain
{
    /// <summary>A silo that stopped reporting (crashed) stops counting after this long.</summary>
    private static readonly TimeSpan SessionReportLifetime = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, EndpointProbeReport> _probes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SiloSessions> _sessions = new(StringComparer.Ordinal);
    private long _version;
    private readonly Dictionary<string, DateTimeOffset> _resolvedAt = new(StringComparer.Ordinal);

    private EndpointRegistryRecord State => record.State;

    public async Task SeedAsync(IReadOnlyList<InferenceEndpoint> configured)
    {
        if (State.Seeded)
        {
            return;
        }

        foreach (var endpoint in configured.Where(e => Find(e.Name) is null))
        {
            State.Endpoints.Add(endpoint);
        }

        State.Seeded = true;
        await SaveAsync();
        LogSeeded(configured.Count);
    }

    public async Task<EndpointChange> AddAsync(InferenceEndpoint endpoint)
    {
        if (Find(endpoint.Name) is not null)
        {
            return EndpointChange.DuplicateName;
        }

        State.Seeded = true;
        State.Endpoints.Add(endpoint);
        await SaveAsync();
        LogAdded(endpoint.Name, endpoint.Url);
        return EndpointChange.Done;
    }

    public async Task<EndpointChange> RemoveAsync(string name)
    {
        if (Find(name) is not { } endpoint)
        {
            return EndpointChange.UnknownEndpoint;
        }

        Forget(endpoint);
        await SaveAsync();
        LogRemoved(endpoint.Name);
        return EndpointChange.Done;
    }

    public async Task<ReplicaChanges> ApplyDiscoveryAsync(string group, IReadOnlyList<InferenceEndpoint> resolved, DateTimeOffset resolvedAt)
    {
        if (_resolvedAt.TryGetValue(group, out var last) && last > resolvedAt)
        {
            return ReplicaChanges.None; // a slower silo's older answer
        }

        _resolvedAt[group] = resolvedAt;
        var current = State.Endpoints
            .Where(e => State.DiscoveredBy.GetValueOrDefault(e.Name) == group)
            .Select(e => new DiscoveredReplica(e, State.Drained.Contains(e.Name), State.DiscoveryDrained.Contains(e.Name), SessionsOn(e.Name)))
            .ToList();
        // A static or admin-added endpoint of the same name is the operator's: discovery leaves it alone.
        var changes = ReplicaReconciliation.Plan(current, [.. resolved.Where(e => Find(e.Name) is not { } other || State.DiscoveredBy.ContainsKey(other.Name))]);
        if (changes.IsEmpty)
        {
            return changes;
        }

        Apply(group, changes);
        await SaveAsync();
        LogDiscoveryChanged(group, changes.ToString());
        return changes;
    }

    private void Apply(string group, ReplicaChanges changes)
    {
        foreach (var endpoint in changes.Added)
        {
            State.Endpoints.Add(endpoint);
            State.DiscoveredBy[endpoint.Name] = group;
        }

        foreach (var endpoint in changes.Updated)
        {
            State.Endpoints[State.Endpoints.FindIndex(e => string.Equals(e.Name, endpoint.Name, StringComparison.OrdinalIgnoreCase))] = endpoint;
        }

        foreach (var name in changes.Drained)
        {
            State.Drained.Add(name);
            State.DiscoveryDrained.Add(name);
        }

        foreach (var name in changes.Undrained)
        {
            if (State.DiscoveryDrained.Remove(name))
            {
                State.Drained.Remove(name);
            }
        }

        foreach (var name in changes.Removed)
        {
            Forget(Find(name)!);
        }
    }

    private void Forget(InferenceEndpoint endpoint)
    {
        State.Endpoints.Remove(endpoint);
        State.Drained.Remove(endpoint.Name);
        State.DiscoveredBy.Remove(endpoint.Name);
        State.DiscoveryDrained.Remove(endpoint.Name);
        _probes.Remove(endpoint.Name);
    }

    private int SessionsOn(string endpoint) => _sessions.Values.Sum(s => s.Counts.GetValueOrDefault(endpoint));

    public Task<EndpointChange> DrainAsync(string name) => SetDrainedAsync(name, drained: true);

    public Task<EndpointChange> UndrainAsync(string name) => SetDrainedAsync(name, drained: false);

    public Task ReportProbesAsync(IReadOnlyList<EndpointProbeReport> reports)
    {
        foreach (var report in reports)
        {
            if (Find(report.Endpoint) is null)
            {
                continue;
            }

            var previous = _probes.GetValueOrDefault(report.Endpoint);
            if (previous is not null && previous.At > report.At)
            {
                continue; // a slower silo's older view
            }

            if (previous is null || previous.Healthy != report.Healthy)
            {
                _version++;
                LogHealthChanged(report.Endpoint, report.Healthy ? EndpointHealth.Healthy : EndpointHealth.Unhealthy, report.Error);
            }

            _probes[report.Endpoint] = report;
        }

        return Task.CompletedTask;
    }

    public Task ReportSessionsAsync(string silo, IReadOnlyDictionary<string, int> sessions)
    {
        _sessions[silo] = new SiloSessions(new Dictionary<string, int>(sessions, StringComparer.Ordinal), time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<EndpointSnapshot> GetSnapshotAsync()
    {
        var now = time.GetUtcNow();
        foreach (var stale in _sessions.Where(s => now - s.Value.At > SessionReportLifetime).Select(s => s.Key).ToList())
        {
            _sessions.Remove(stale);
        }

        var endpoints = State.Endpoints.Select(e => new RegisteredEndpoint(e, StatusOf(e))).ToList();
        return Task.FromResult(new EndpointSnapshot(_version, endpoints, Math.Max(1, _sessions.Count)));
    }

    private EndpointStatus StatusOf(InferenceEndpoint endpoint)
    {
        var probe = _probes.GetValueOrDefault(endpoint.Name);
        var sessions = SessionsOn(endpoint.Name);
        var drained = State.Drained.Contains(endpoint.Name);
        var health = probe is null ? EndpointHealth.Unknown : probe.Healthy ? EndpointHealth.Healthy : EndpointHealth.Unhealthy;
        return new EndpointStatus(
            endpoint.Name,
            endpoint.Url.ToString(),
            endpoint.Model,
            endpoint.MaxSessions,
            sessions,
            probe?.Load?.Total ?? 0,
            probe?.Load?.KvCacheUsage,
            health,
            probe?.ConsecutiveFailures ?? 0,
            drained,
            drained && sessions == 0,
            probe?.Error,
            probe?.At,
            endpoint.HealthBase.ToString(),
            endpoint.GenerationLimit,
            RequestsRunning: probe?.Load?.RequestsRunning,
            RequestsWaiting: probe?.Load?.RequestsWaiting);
    }

    private async Task<EndpointChange> SetDrainedAsync(string name, bool drained)
    {
        if (Find(name) is not { } endpoint)
        {
            return EndpointChange.UnknownEndpoint;
        }

        var changed = drained ? State.Drained.Add(endpoint.Name) : State.Drained.Remove(endpoint.Name);
        if (changed)
        {
            await SaveAsync();
            LogDrainChanged(endpoint.Name, drained);
        }

        return EndpointChange.Done;
    }

    private InferenceEndpoint? Find(string name) =>
        State.Endpoints.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private async Task SaveAsync()
    {
        _version++;
        await record.WriteStateAsync();
    }

    private sealed record SiloSessions(Dictionary<string, int> Counts, DateTimeOffset At);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint registry seeded with {Count} configured endpoint(s)")]
    private partial void LogSeeded(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint} added ({Url})")]
    private partial void LogAdded(string endpoint, Uri url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint} removed")]
    private partial void LogRemoved(string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint} drained: {Drained}")]
    private partial void LogDrainChanged(string endpoint, bool drained);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery group {Group}: {Changes}")]
    private partial void LogDiscoveryChanged(string group, string changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {Endpoint} is now {Health}: {Error}")]
    private partial void LogHealthChanged(string endpoint, EndpointHealth health, string? error);
}
