namespace Scribe.Endpoints;

/// <summary>
/// The last <see cref="Window"/> of generation slots in use and speakers waiting, in buckets of <see cref="Period"/>:
/// what an operator reads at a glance to size a fleet. A bucket keeps the highest figures seen in it, so a short
/// peak is not lost between two readings; a bucket with no change repeats the one before it.
/// </summary>
public sealed class CapacityHistory
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static readonly int Buckets = (int)(Window / Period);

    private readonly LinkedList<CapacitySample> _samples = new();
    private readonly Queue<(DateTimeOffset At, double Ms)> _waits = new();

    /// <summary>Notes the figures as they are at <paramref name="now"/>.</summary>
    public void Record(DateTimeOffset now, IReadOnlyDictionary<string, int> running, int waiting)
    {
        var bucket = BucketOf(now);
        if (_samples.Last?.Value is { } last && last.At == bucket)
        {
            var highest = new Dictionary<string, int>(last.Running, StringComparer.Ordinal);
            foreach (var (endpoint, count) in running)
            {
                highest[endpoint] = Math.Max(count, highest.GetValueOrDefault(endpoint));
            }

            _samples.Last.Value = new CapacitySample(bucket, highest, Math.Max(waiting, last.Waiting));
        }
        else
        {
            _samples.AddLast(new CapacitySample(bucket, new Dictionary<string, int>(running, StringComparer.Ordinal), waiting));
        }

        while (_samples.First is { } first && first.Value.At <= bucket - Window)
        {
            _samples.RemoveFirst();
        }
    }

    /// <summary>Notes that a generation was admitted at <paramref name="now"/> after waiting <paramref name="waited"/> (zero when a slot was free).</summary>
    public void RecordAdmission(DateTimeOffset now, TimeSpan waited)
    {
        _waits.Enqueue((now, waited.TotalMilliseconds));
        while (_waits.TryPeek(out var oldest) && oldest.At <= now - Window)
        {
            _waits.Dequeue();
        }
    }

    /// <summary>The 99th percentile of admission waits over the window (nearest rank), in ms; null when none was admitted.</summary>
    public double? AdmissionWaitP99(DateTimeOffset now)
    {
        var waits = _waits.Where(w => w.At > now - Window).Select(w => w.Ms).Order().ToList();
        return waits.Count == 0 ? null : waits[(int)Math.Ceiling(0.99 * waits.Count) - 1];
    }

    /// <summary>One sample per period over the window up to <paramref name="now"/>, oldest first; empty before any record.</summary>
    public IReadOnlyList<CapacitySample> Read(DateTimeOffset now)
    {
        var end = BucketOf(now);
        var start = end - Period * (Buckets - 1);
        var result = new List<CapacitySample>(Buckets);
        CapacitySample? current = null;
        var next = _samples.First;
        while (next is not null && next.Value.At < start)
        {
            current = next.Value; // what held when the window opened
            next = next.Next;
        }

        for (var at = start; at <= end; at += Period)
        {
            while (next is not null && next.Value.At <= at)
            {
                current = next.Value;
                next = next.Next;
            }

            if (current is not null)
            {
                result.Add(current with { At = at });
            }
        }

        return result;
    }

    private static DateTimeOffset BucketOf(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % Period.Ticks), TimeSpan.Zero);
}
