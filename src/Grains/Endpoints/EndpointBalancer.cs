namespace Scribe.Endpoints;

/// <summary>
/// Places realtime sessions on endpoints: the least loaded endpoint under its cap, avoiding one that just
/// failed for the speaker while another has room. Counts are this silo's own sessions.
/// </summary>
public sealed class EndpointBalancer : IEndpointPicker
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _sessions = new(StringComparer.Ordinal);
    private IReadOnlyList<InferenceEndpoint> _endpoints;

    public EndpointBalancer(IReadOnlyList<InferenceEndpoint> endpoints)
    {
        _endpoints = endpoints;
    }

    /// <summary>Replaces the endpoint list (e.g. when the embedded local endpoint learns its URL).</summary>
    public void SetEndpoints(IReadOnlyList<InferenceEndpoint> endpoints)
    {
        lock (_gate)
        {
            _endpoints = endpoints;
        }
    }

    public IReadOnlyList<InferenceEndpoint> Endpoints
    {
        get { lock (_gate) return _endpoints; }
    }

    public int SessionsOn(string endpoint)
    {
        lock (_gate) return _sessions.GetValueOrDefault(endpoint);
    }

    public EndpointLease? TryAcquire(string speaker, InferenceEndpoint? avoid)
    {
        lock (_gate)
        {
            var open = _endpoints.Where(e => _sessions.GetValueOrDefault(e.Name) < e.MaxSessions).ToList();
            var candidates = open.Count > 1 && avoid is not null ? open.Where(e => e.Name != avoid.Name).ToList() : open;
            var chosen = candidates
                .OrderBy(e => _sessions.GetValueOrDefault(e.Name) / (double)e.MaxSessions)
                .ThenBy(e => e.Name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (chosen is null)
            {
                return null;
            }

            _sessions[chosen.Name] = _sessions.GetValueOrDefault(chosen.Name) + 1;
            return new EndpointLease(chosen, Release);
        }
    }

    private void Release(InferenceEndpoint endpoint)
    {
        lock (_gate)
        {
            _sessions[endpoint.Name] = Math.Max(0, _sessions.GetValueOrDefault(endpoint.Name) - 1);
        }
    }
}
