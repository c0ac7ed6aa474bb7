namespace Scribe.Endpoints;

/// <summary>
/// Admission at the generation boundary, pure and in virtual time (the caller passes <c>now</c>). A speaker's next
/// generation starts only on an endpoint with a free generation slot: its <see cref="GenerationCapacity.MaxGenerations"/>
/// less our slots held on it and other clients' requests seen in its <c>/metrics</c>. While the fleet has fewer free
/// slots than speakers waiting, slots go in the order speech began, so a waiting speaker is never overtaken by
/// one who started later; a monologue is cut at the transcriber's window and its next window queues like anyone's.
/// <list type="bullet">
/// <item>Held slots expire after the lifetime the caller gave: a silo that dies leaks its slots for that long at most.</item>
/// <item>Waiters that stop asking (their silo went, their speaker left) drop out after <see cref="WaiterLifetime"/>.</item>
/// <item>Sticky: the speaker's current endpoint when it has a slot (its socket is open); else the freest.</item>
/// </list>
/// </summary>
public sealed class GenerationAdmission
{
    /// <summary>A waiter that has not asked again for this long has gone.</summary>
    public static readonly TimeSpan WaiterLifetime = TimeSpan.FromSeconds(5);

    /// <summary>How much of our own count history is kept to read probes against.</summary>
    private static readonly TimeSpan HistoryKept = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A probe's figures were read some time before it was stamped; our count is taken at its highest over this
    /// much before (and a little after, for clock skew), so our own finished generations never look like others' load.
    /// </summary>
    private static readonly TimeSpan ProbeWindowBefore = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeWindowAfter = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<long, Held> _held = [];
    private readonly Dictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(DateTimeOffset At, int Running)>> _history = new(StringComparer.Ordinal);
    private long _nextSlot;

    public int Waiting => _waiters.Count;

    public IReadOnlyDictionary<string, int> Running => _running;

    public int RunningOn(string endpoint) => _running.GetValueOrDefault(endpoint);

    public GenerationSlot? TryAcquire(GenerationSlotRequest request, DateTimeOffset now) => TryAcquire(request, now, out _);

    /// <param name="waited">On a grant, how long the speaker had been refused (zero when a slot was free at once).</param>
    public GenerationSlot? TryAcquire(GenerationSlotRequest request, DateTimeOffset now, out TimeSpan waited)
    {
        waited = TimeSpan.Zero;
        Expire(now);
        var free = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var endpoint in request.Endpoints)
        {
            if (endpoint.Open)
            {
                var slots = endpoint.MaxGenerations - _running.GetValueOrDefault(endpoint.Endpoint) - OtherClients(endpoint, now);
                if (slots > 0)
                {
                    free[endpoint.Endpoint] = slots;
                }
            }
        }

        // Slots are kept for the speakers whose speech began before this one's.
        var ahead = _waiters.Count(w => !string.Equals(w.Key, request.Speaker, StringComparison.Ordinal) && Before(w.Value, w.Key, request));
        var chosen = free.Values.Sum() > ahead ? Choose(free, request.Current) : null;
        if (chosen is null)
        {
            var known = _waiters.GetValueOrDefault(request.Speaker);
            var since = known is not null && known.SpeechStartedAt <= request.SpeechStartedAt ? known.SpeechStartedAt : request.SpeechStartedAt;
            _waiters[request.Speaker] = new Waiter(since, now, known?.FirstRefusedAt ?? now);
            return null;
        }

        if (_waiters.Remove(request.Speaker, out var refused))
        {
            waited = now - refused.FirstRefusedAt;
        }

        var id = ++_nextSlot;
        var slot = new GenerationSlot(id, chosen, now + request.Lifetime);
        _held[id] = new Held(chosen, slot.ExpiresAt);
        Count(chosen, +1, now);
        return slot;
    }

    public void Release(long slot, DateTimeOffset now)
    {
        if (_held.Remove(slot, out var held))
        {
            Count(held.Endpoint, -1, now);
        }
    }

    /// <summary>Slots held past their lifetime and waiters that stopped asking.</summary>
    public void Expire(DateTimeOffset now)
    {
        foreach (var (id, held) in _held.Where(h => h.Value.ExpiresAt <= now).ToList())
        {
            _held.Remove(id);
            Count(held.Endpoint, -1, now);
        }

        foreach (var gone in _waiters.Where(w => now - w.Value.LastAskedAt > WaiterLifetime).Select(w => w.Key).ToList())
        {
            _waiters.Remove(gone);
        }
    }

    /// <summary>Requests on the endpoint that are not ours: its reported running and waiting less ours at that time.</summary>
    private int OtherClients(GenerationCapacity endpoint, DateTimeOffset now)
    {
        if (endpoint.ReportedRequests is not { } reported || endpoint.ProbedAt is not { } probedAt || reported <= 0)
        {
            return 0;
        }

        var ours = _running.GetValueOrDefault(endpoint.Endpoint);
        if (_history.TryGetValue(endpoint.Endpoint, out var history))
        {
            // Our count at the probe: the last change before the window, then every change inside it.
            var from = probedAt - ProbeWindowBefore;
            var to = probedAt + ProbeWindowAfter;
            var before = history.FindLastIndex(h => h.At < from);
            ours = before >= 0 ? history[before].Running : 0;
            foreach (var (at, running) in history)
            {
                if (at >= from && at <= to)
                {
                    ours = Math.Max(ours, running);
                }
            }

            if (to > now)
            {
                ours = Math.Max(ours, _running.GetValueOrDefault(endpoint.Endpoint));
            }
        }

        return Math.Max(0, reported - ours);
    }

    private static bool Before(Waiter other, string otherSpeaker, GenerationSlotRequest request) =>
        other.SpeechStartedAt < request.SpeechStartedAt
        || (other.SpeechStartedAt == request.SpeechStartedAt && string.CompareOrdinal(otherSpeaker, request.Speaker) < 0);

    private static string Choose(Dictionary<string, int> free, string? current)
    {
        if (current is not null && free.ContainsKey(current))
        {
            return current;
        }

        return free.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).First().Key;
    }

    private void Count(string endpoint, int change, DateTimeOffset now)
    {
        var running = Math.Max(0, _running.GetValueOrDefault(endpoint) + change);
        _running[endpoint] = running;
        if (!_history.TryGetValue(endpoint, out var history))
        {
            _history[endpoint] = history = [];
        }

        history.Add((now, running));
        var old = history.FindIndex(h => now - h.At <= HistoryKept);
        if (old > 1)
        {
            history.RemoveRange(0, old - 1); // keep one entry before the horizon: the count then
        }
    }

    private sealed record Held(string Endpoint, DateTimeOffset ExpiresAt);

    private sealed record Waiter(DateTimeOffset SpeechStartedAt, DateTimeOffset LastAskedAt, DateTimeOffset FirstRefusedAt);
}
