using System.Globalization;
using Scribe.Endpoints;

namespace Scribe.Benchmarks;

/// <summary>
/// GPU capacity at fleet scale in virtual time, without sockets: N rooms of M speakers talk by
/// <see cref="MeetingTurnModel"/> over E endpoints, and the fleet is sized three ways: counting sockets as today
/// (released after 10 s of silence, or held for the whole meeting, placed by the real <see cref="PlacementPolicy"/>),
/// and counting generations through the real <see cref="GenerationAdmission"/>. For each it finds the fewest
/// slots at which the admission wait's p99 stays within 300 ms, and what that fleet gives.
/// </summary>
internal static class CapacitySimulation
{
    private const double ClosingPauseS = 0.6;   // the transcriber's PauseMs: the generation ends after it
    private const double DoneS = 0.1;           // final commit to transcription.done
    private const double PreRollS = 0.5;
    private const double CatchUp = 8;           // how much faster than real time held audio goes out once admitted
    private const double WindowS = 30;          // MaxGenerationMs
    private const double TargetP99Ms = 300;

    private enum Mode { SocketsIdle10s, SocketsWholeMeeting, Generations }

    public static Task<int> RunAsync(string[] args)
    {
        var rooms = Option(args, "--rooms", 100);
        var speakers = Option(args, "--speakers", 8);
        var endpoints = Option(args, "--endpoints", 10);
        var minutes = Option(args, "--minutes", 30);
        var seed = Option(args, "--seed", 1);

        var random = new Random(seed);
        var windows = Enumerable.Range(0, rooms)
            .SelectMany(r => MeetingTurnModel.Room(r, speakers, minutes, random))
            .SelectMany(Windows)
            .OrderBy(w => w.Onset).ToList();
        var span = minutes * 60.0;
        var demand = windows.Sum(w => w.End + ClosingPauseS + DoneS - w.Onset) / span;
        var speech = windows.Sum(w => w.End - w.Onset);
        Console.WriteLine($"capacity: {rooms} rooms × {speakers} speakers, {minutes} min, {endpoints} endpoints, seed {seed}: " +
            $"{windows.Count} generations, {speech / 3600:F1} h of speech; mean concurrent generations (the floor) {demand:F1}");
        Console.WriteLine();
        Console.WriteLine($"Fewest slots with admission wait p99 ≤ {TargetP99Ms} ms:");
        Console.WriteLine();
        Console.WriteLine("| counting | slots | slots / floor | speakers per slot | slot utilisation | wait p50 | wait p99 | speech waited > 500 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        var sized = new Dictionary<Mode, int>();
        foreach (var mode in Enum.GetValues<Mode>())
        {
            sized[mode] = Size(mode, windows, endpoints, rooms * speakers, demand);
            Print(mode, Run(mode, windows, Split(sized[mode], endpoints)), sized[mode], demand, rooms * speakers, span);
        }

        var fleet = sized[Mode.Generations];
        Console.WriteLine();
        Console.WriteLine($"On the fleet generation counting needs ({fleet} slots):");
        Console.WriteLine();
        Console.WriteLine("| counting | slots | slots / floor | speakers per slot | slot utilisation | wait p50 | wait p99 | speech waited > 500 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var mode in Enum.GetValues<Mode>())
        {
            Print(mode, Run(mode, windows, Split(fleet, endpoints)), fleet, demand, rooms * speakers, span);
        }

        var met = fleet <= demand * 1.15;
        Console.WriteLine();
        Console.WriteLine(met ? $"aim met: generation counting needs {fleet / demand:F2} × the floor (≤ 1.15)" : $"AIM MISSED: {fleet / demand:F2} × the floor");
        return Task.FromResult(met ? 0 : 1);
    }

    private sealed record Window(int Room, int Speaker, double Onset, double End)
    {
        public string Key => $"room-{Room}/speaker-{Speaker}";
    }

    private sealed record Outcome(List<double> WaitsMs, double SpeechWaitedS, double SpeechS, double BusyS);

    /// <summary>A monologue is cut at the window: each piece is a generation that queues on its own.</summary>
    private static IEnumerable<Window> Windows(Utterance u)
    {
        for (var start = u.Onset; start < u.End; start += WindowS)
        {
            yield return new Window(u.Room, u.Speaker, start, Math.Min(u.End, start + WindowS));
        }
    }

    private static int Size(Mode mode, List<Window> windows, int endpoints, int speakers, double demand)
    {
        // Below the mean concurrency the queue only grows; above it, double until the aim holds, then bisect.
        var low = Math.Max(endpoints, (int)Math.Floor(demand));
        var high = low;
        while (high < speakers && P99(Run(mode, windows, Split(high, endpoints)).WaitsMs) > TargetP99Ms)
        {
            low = high + 1;
            high = Math.Min(speakers, (int)(high * 1.25) + 1);
        }

        while (low < high)
        {
            var mid = (low + high) / 2;
            if (P99(Run(mode, windows, Split(mid, endpoints)).WaitsMs) <= TargetP99Ms)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }

    private static int[] Split(int slots, int endpoints) =>
        [.. Enumerable.Range(0, endpoints).Select(i => slots / endpoints + (i < slots % endpoints ? 1 : 0))];

    private static Outcome Run(Mode mode, List<Window> windows, int[] capacity) =>
        mode == Mode.Generations ? new GenerationRun(windows, capacity).Run() : new SocketRun(windows, capacity, mode == Mode.SocketsIdle10s ? 10 : double.PositiveInfinity).Run();

    private static void Print(Mode mode, Outcome outcome, int slots, double demand, int speakers, double span)
    {
        var label = mode switch
        {
            Mode.SocketsIdle10s => "sockets, 10 s idle release",
            Mode.SocketsWholeMeeting => "sockets, held all meeting",
            _ => "generations",
        };
        var waits = outcome.WaitsMs;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {slots} | {slots / demand:F2} | {speakers / (double)slots:F2} | {outcome.BusyS / span / slots:P0} | " +
            $"{Ms(Percentile(waits, 0.5))} | {Ms(P99(waits))} | {outcome.SpeechWaitedS / outcome.SpeechS:P2} |"));
    }

    /// <summary>When a generation admitted at <paramref name="admitted"/> gives its slot back.</summary>
    private static double ReleaseAt(Window w, double admitted) =>
        Math.Max(w.End + ClosingPauseS + DoneS, admitted + (w.End + ClosingPauseS - w.Onset + PreRollS) / CatchUp + DoneS);

    /// <summary>Generation counting: one <see cref="GenerationAdmission"/> for the fleet, asked at every generation start.</summary>
    private sealed class GenerationRun(List<Window> windows, int[] capacity) : EventRun(windows)
    {
        private static readonly DateTimeOffset Epoch = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        private readonly GenerationAdmission _admission = new();
        private readonly GenerationCapacity[] _endpoints = [.. capacity.Select((c, i) => new GenerationCapacity($"gpu-{i}", c, c > 0))];
        private readonly Dictionary<Window, long> _slots = [];
        private readonly Dictionary<string, string> _current = [];

        protected override bool TryStart(Window w, double now)
        {
            var slot = _admission.TryAcquire(
                new GenerationSlotRequest(w.Key, Epoch.AddSeconds(w.Onset), _current.GetValueOrDefault(w.Key), _endpoints, TimeSpan.FromMinutes(2)),
                Epoch.AddSeconds(now));
            if (slot is null)
            {
                return false;
            }

            _slots[w] = slot.Id;
            _current[w.Key] = slot.Endpoint;
            return true;
        }

        protected override void Ended(Window w, double now)
        {
            _admission.Release(_slots[w], Epoch.AddSeconds(now));
            _slots.Remove(w);
        }
    }

    /// <summary>Socket counting: a speaker needs a socket (placed by <see cref="PlacementPolicy"/>) and keeps it until idle release.</summary>
    private sealed class SocketRun(List<Window> windows, int[] capacity, double idleReleaseS) : EventRun(windows)
    {
        private readonly int[] _sockets = new int[capacity.Length];
        private readonly Dictionary<string, int> _socketOf = [];
        private readonly Dictionary<string, double> _lastEnd = [];
        private readonly Random _random = new(7);

        protected override bool TryStart(Window w, double now)
        {
            if (_socketOf.ContainsKey(w.Key))
            {
                return true;
            }

            var candidates = capacity.Select((c, i) => new PlacementCandidate($"gpu-{i}", c, _sockets[i])).ToList();
            if (PlacementPolicy.Choose(candidates, null, null, _random) is not { } chosen)
            {
                return false;
            }

            var index = int.Parse(chosen.AsSpan(4), CultureInfo.InvariantCulture);
            _sockets[index]++;
            _socketOf[w.Key] = index;
            return true;
        }

        protected override void Ended(Window w, double now)
        {
            _lastEnd[w.Key] = now;
            if (!double.IsPositiveInfinity(idleReleaseS))
            {
                At(now + idleReleaseS, () =>
                {
                    if (_lastEnd[w.Key] == now && !IsBusy(w.Key) && _socketOf.Remove(w.Key, out var index))
                    {
                        _sockets[index]--;
                        RetryWaiters(now + idleReleaseS);
                    }
                });
            }
        }
    }

    private static string Ms(double ms) => double.IsPositiveInfinity(ms) ? "never served" : string.Create(CultureInfo.InvariantCulture, $"{ms:F0} ms");

    private static double P99(List<double> waits) => Percentile(waits, 0.99);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// The event loop both countings share: a speaker's generations run one after another; one that cannot start
    /// waits (its audio held) and asks again whenever a slot frees, waiters in the order their speech began (the
    /// transcriber also polls every 50 ms for slots freed on other silos; here every release is seen at once).
    /// </summary>
    private abstract class EventRun(List<Window> windows)
    {
        private readonly PriorityQueue<Action, (double, long)> _events = new();
        private readonly Dictionary<string, Queue<Window>> _pending = [];
        private readonly HashSet<string> _busy = [];
        private readonly SortedSet<(double Onset, string Key)> _waiting = [];
        private readonly List<double> _waits = [];
        private long _sequence;
        private double _speechWaited, _speech, _busyTime;

        protected abstract bool TryStart(Window w, double now);

        protected abstract void Ended(Window w, double now);

        protected bool IsBusy(string key) => _busy.Contains(key) || _pending.GetValueOrDefault(key)?.Count > 0;

        protected void At(double time, Action action) => _events.Enqueue(action, (time, _sequence++));

        public Outcome Run()
        {
            foreach (var w in windows)
            {
                At(w.Onset, () => Arrive(w, w.Onset));
            }

            while (_events.TryDequeue(out var action, out _))
            {
                action();
            }

            // Speech still waiting when everything else is over never got a slot: an endless wait.
            foreach (var w in _pending.Values.SelectMany(q => q))
            {
                _waits.Add(double.PositiveInfinity);
                _speech += w.End - w.Onset;
                _speechWaited += w.End - w.Onset;
            }

            return new Outcome(_waits, _speechWaited, _speech, _busyTime);
        }

        private void Arrive(Window w, double now)
        {
            if (!_pending.TryGetValue(w.Key, out var queue))
            {
                _pending[w.Key] = queue = new Queue<Window>();
            }

            queue.Enqueue(w);
            if (queue.Count == 1 && !_busy.Contains(w.Key))
            {
                Next(w.Key, now);
            }
        }

        private void Next(string key, double now)
        {
            if (_pending[key].TryPeek(out var w) && !_busy.Contains(key))
            {
                if (TryStart(w, now))
                {
                    Start(w, now);
                }
                else
                {
                    _waiting.Add((w.Onset, key));
                }
            }
        }

        private void Start(Window w, double now)
        {
            _waiting.Remove((w.Onset, w.Key));
            _pending[w.Key].Dequeue();
            _busy.Add(w.Key);
            var wait = now - w.Onset;
            _waits.Add(wait * 1000);
            _speech += w.End - w.Onset;
            if (wait > 0.5)
            {
                _speechWaited += w.End - w.Onset;
            }

            var release = ReleaseAt(w, now);
            _busyTime += release - now;
            At(release, () =>
            {
                _busy.Remove(w.Key);
                Ended(w, release);
                RetryWaiters(release);
                Next(w.Key, release);
            });
        }

        protected void RetryWaiters(double now)
        {
            while (_waiting.Count > 0)
            {
                var w = _pending[_waiting.Min.Key].Peek();
                if (!TryStart(w, now))
                {
                    break; // the earliest waiter could not start: later ones must not overtake it
                }

                Start(w, now);
            }
        }
    }
}
