using Scribe.Telemetry;

namespace Scribe.Endpoints;

/// <summary>
/// This silo's placement of realtime sessions: <see cref="PlacementPolicy"/> applied to the latest registry
/// snapshot (refreshed by <see cref="EndpointRegistryLink"/>, never fetched per call) plus this silo's own
/// sessions counted the moment they are placed. Without a snapshot it places over the endpoints it was built
/// with, all assumed healthy. Sockets are placed here; generations are admitted by the cluster's slot count
/// through <see cref="GenerationSlotClient"/> (the GPU's real limit), asked with this view of which endpoints
/// may take one.
/// </summary>
public sealed class EndpointBalancer : IEndpointPicker
{
    /// <summary>Sticky entries kept for speakers; older ones go when the table grows past this.</summary>
    private const int StickyLimit = 10_000;

    private readonly object _gate = new();
    private readonly Random _random;
    private readonly Dictionary<string, int> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _previous = new(StringComparer.Ordinal);
    private readonly GenerationSlotClient _generations;
    private Dictionary<string, RegisteredEndpoint> _known = new(StringComparer.Ordinal);
    private IReadOnlyList<InferenceEndpoint> _endpoints;
    private int _placingSilos = 1;
    private TaskCompletionSource _capacityChanged = NewSignal();

    /// <param name="metrics">Where fallbacks are counted; none in tests that do not look.</param>
    public EndpointBalancer(IReadOnlyList<InferenceEndpoint> endpoints, Random? random = null, IGenerationSlots? slots = null, ScribeMetrics? metrics = null)
    {
        _endpoints = endpoints;
        _random = random ?? new Random();
        _generations = new GenerationSlotClient(slots ?? new LocalGenerationSlots(), metrics);
    }

    /// <summary>Where generation slots are counted (the API reads running generations and waiting speakers there).</summary>
    public IGenerationSlots Slots => _generations.Slots;

    public async ValueTask<GenerationTicket?> TryStartGenerationAsync(
        string speaker, DateTimeOffset speechStartedAt, string? current, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        GenerationSlotRequest request;
        lock (_gate)
        {
            request = new GenerationSlotRequest(speaker, speechStartedAt, current, [.. _endpoints.Select(e => CapacityLocked(e, current))], lifetime);
        }

        var ticket = await _generations.TryStartAsync(request, SignalCapacity, cancellationToken).ConfigureAwait(false);
        if (ticket?.Endpoint is { } admitted)
        {
            lock (_gate)
            {
                // The socket follows the slot: the next placement for this speaker prefers the endpoint it was admitted to.
                _previous[speaker] = admitted;
            }
        }

        return ticket;
    }

    /// <summary>Replaces the endpoint list (e.g. when the embedded local endpoint learns its URL).</summary>
    public void SetEndpoints(IReadOnlyList<InferenceEndpoint> endpoints)
    {
        lock (_gate)
        {
            _endpoints = endpoints;
            _known = new(StringComparer.Ordinal);
            SignalLocked();
        }
    }

    /// <summary>Adopts the registry's view: definitions, health, drain flags, other silos' sessions, reported load.</summary>
    public void Apply(EndpointSnapshot snapshot)
    {
        lock (_gate)
        {
            _endpoints = [.. snapshot.Endpoints.Select(e => e.Definition)];
            _known = snapshot.Endpoints.ToDictionary(e => e.Definition.Name, StringComparer.Ordinal);
            _placingSilos = Math.Max(1, snapshot.PlacingSilos);
            SignalLocked();
        }
    }

    public IReadOnlyList<InferenceEndpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return _endpoints;
            }
        }
    }

    /// <summary>This silo's sessions on an endpoint.</summary>
    public int SessionsOn(string endpoint)
    {
        lock (_gate)
        {
            return _sessions.GetValueOrDefault(endpoint);
        }
    }

    /// <summary>
    /// This silo's sessions per endpoint, for the registry. Remembered as "reported", so the next snapshot's
    /// cluster count can be split into other silos' sessions and ours (which we know better, live).
    /// </summary>
    public IReadOnlyDictionary<string, int> TakeSessionReport()
    {
        lock (_gate)
        {
            _reported.Clear();
            foreach (var (name, count) in _sessions)
            {
                if (count > 0)
                {
                    _reported[name] = count;
                }
            }

            return new Dictionary<string, int>(_reported, StringComparer.Ordinal);
        }
    }

    public SessionPlacement? TryPlace(string speaker, InferenceEndpoint? avoid)
    {
        lock (_gate)
        {
            var candidates = _endpoints.Select(CandidateLocked).ToList();
            var chosenName = PlacementPolicy.Choose(candidates, _previous.GetValueOrDefault(speaker), avoid?.Name, _random);
            if (chosenName is null)
            {
                return null;
            }

            var chosen = _endpoints.First(e => e.Name == chosenName);
            _sessions[chosen.Name] = _sessions.GetValueOrDefault(chosen.Name) + 1;
            if (_previous.Count >= StickyLimit && !_previous.ContainsKey(speaker))
            {
                _previous.Clear(); // stickiness is an optimisation: forgetting it is safe
            }

            _previous[speaker] = chosen.Name;
            return new SessionPlacement(chosen, Release);
        }
    }

    public bool ShouldLeave(SessionPlacement placement)
    {
        lock (_gate)
        {
            var current = _endpoints.FirstOrDefault(e => e.Name == placement.Endpoint.Name);
            return PlacementPolicy.ShouldLeave(current is null ? null : CandidateLocked(current));
        }
    }

    public async Task WaitForCapacityAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _capacityChanged.Task;
        }

        try
        {
            await signal.WaitAsync(atMost, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Poll anyway: capacity may come from outside (another silo's sessions ended).
        }
    }

    /// <summary>
    /// The policy's view of an endpoint: our live sessions, other silos' reported ones, other clients' load, and
    /// what the other silos have probably added since the snapshot. Every silo places from the same snapshot, so
    /// an endpoint that looked light attracts all of them at once; assuming the others placed as we did since
    /// the snapshot (our growth there × the other silos) damps that herding.
    /// </summary>
    private PlacementCandidate CandidateLocked(InferenceEndpoint endpoint)
    {
        var ours = _sessions.GetValueOrDefault(endpoint.Name);
        if (!_known.TryGetValue(endpoint.Name, out var registered))
        {
            return new PlacementCandidate(endpoint.Name, endpoint.MaxSessions, ours, EndpointHealth.Unknown);
        }

        var status = registered.Status;
        var reported = _reported.GetValueOrDefault(endpoint.Name);
        var otherSilos = Math.Max(0, status.Sessions - reported);
        var otherClients = Math.Max(0, status.ReportedLoad - status.Sessions);
        var othersSinceSnapshot = Math.Max(0, ours - reported) * (_placingSilos - 1);
        var load = ours + otherSilos + otherClients;
        // The projection ranks endpoints; the cap check uses what is known, so it never refuses a free slot.
        return new PlacementCandidate(
            endpoint.Name, endpoint.MaxSessions, load, status.Health, status.Drained, status.KvCacheUsage, Projected: load + othersSinceSnapshot);
    }

    /// <summary>
    /// An endpoint as admission sees it: open when it may take the generation (serving, KV cache not full, and a
    /// socket to run it on: the speaker's own, or room under the socket cap), with its /metrics load at the probe.
    /// </summary>
    private GenerationCapacity CapacityLocked(InferenceEndpoint endpoint, string? current)
    {
        var candidate = CandidateLocked(endpoint);
        var socket = string.Equals(endpoint.Name, current, StringComparison.Ordinal) ? candidate.Serving : candidate.HasRoom;
        var open = socket && candidate.KvCacheUsage is not >= PlacementCandidate.KvCacheFull;
        if (!_known.TryGetValue(endpoint.Name, out var registered) || registered.Status.RequestsRunning is null && registered.Status.RequestsWaiting is null)
        {
            return new GenerationCapacity(endpoint.Name, endpoint.GenerationLimit, open);
        }

        var status = registered.Status;
        return new GenerationCapacity(
            endpoint.Name, endpoint.GenerationLimit, open, (status.RequestsRunning ?? 0) + (status.RequestsWaiting ?? 0), status.LastProbedAt);
    }

    private void Release(InferenceEndpoint endpoint)
    {
        lock (_gate)
        {
            _sessions[endpoint.Name] = Math.Max(0, _sessions.GetValueOrDefault(endpoint.Name) - 1);
            SignalLocked();
        }
    }

    private void SignalCapacity()
    {
        lock (_gate)
        {
            SignalLocked();
        }
    }

    private void SignalLocked()
    {
        _capacityChanged.TrySetResult();
        _capacityChanged = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
