using BenchmarkDotNet.Attributes;
using Scribe.Rooms;

namespace Scribe.Benchmarks;

/// <summary>
/// One busy room: ten speakers, 10,000 segments, each spoken as three interim updates and a final one,
/// with speakers overlapping so some segments land behind later ones.
/// </summary>
[MemoryDiagnoser]
public class TranscriptBenchmarks
{
    private const int Segments = 10_000;
    private const int UpdatesPerSegment = 4;

    private TranscriptSegment[] _updates = [];
    private RoomTranscript _full = new();
    private long _catchUpFrom;
    private TranscriptSegment _toggle = null!;
    private bool _toggled;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var updates = new List<TranscriptSegment>(Segments * UpdatesPerSegment);
        var clock = new long[10];
        var pending = new List<Queue<TranscriptSegment>>();
        for (var n = 0; n < Segments; n++)
        {
            var s = n % 10;
            clock[s] = Math.Max(clock[s], n * 700L) + random.Next(0, 1500);
            var start = clock[s];
            var words = "so the plan for this sprint is to finish the export and the storage work first".Split(' ');
            var sequence = new Queue<TranscriptSegment>();
            for (var u = 1; u <= UpdatesPerSegment; u++)
            {
                var final = u == UpdatesPerSegment;
                var text = string.Join(' ', words.Take(words.Length * u / UpdatesPerSegment));
                sequence.Enqueue(new TranscriptSegment($"spk{s}:TR_{s}:{n}", "bench", $"spk{s}", $"Speaker {s}", $"TR_{s}", start, start + 600 * u, text, final));
            }

            pending.Add(sequence);
            // Interleave: a few speakers' segments are in flight at once, as in a real meeting.
            while (pending.Count > 4 || (n == Segments - 1 && pending.Count > 0))
            {
                var pick = random.Next(pending.Count);
                updates.Add(pending[pick].Dequeue());
                if (pending[pick].Count == 0)
                {
                    pending.RemoveAt(pick);
                }
            }
        }

        _updates = [.. updates];
        _full = new RoomTranscript();
        foreach (var update in _updates)
        {
            _full.Upsert(update);
        }

        // A reader 100 changes behind: corrections spread over the whole meeting.
        _catchUpFrom = _full.Revision;
        for (var i = 0; i < 100; i++)
        {
            _full.TryGet($"spk{i % 10}:TR_{i % 10}:{random.Next(Segments / 10) * 10 + i % 10}", out var segment);
            _full.Upsert(segment! with { Text = segment.Text + $" (corrected {i})" });
        }

        _full.TryGet("spk0:TR_0:0", out var first);
        _toggle = first!;
    }

    /// <summary>Time per upsert (divide 1 s by it for upserts/s) into one room, 10,000 segments × 4 updates.</summary>
    [Benchmark(OperationsPerInvoke = Segments * UpdatesPerSegment)]
    public RoomTranscript Upsert()
    {
        var transcript = new RoomTranscript();
        foreach (var update in _updates)
        {
            transcript.Upsert(update);
        }

        return transcript;
    }

    /// <summary>The whole 10,000-segment transcript right after a change, so the snapshot is rebuilt.</summary>
    [Benchmark]
    public IReadOnlyList<TranscriptSegment> FullQueryAfterChange()
    {
        _toggled = !_toggled;
        _full.Upsert(_toggle with { Text = _toggled ? "toggled" : "untoggled" });
        return _full.Segments;
    }

    /// <summary>The whole transcript again with no change in between: the cached snapshot.</summary>
    [Benchmark]
    public IReadOnlyList<TranscriptSegment> FullQueryUnchanged() => _full.Segments;

    /// <summary>A reader catching up on the last 100 changes (plus the toggled one above, if any).</summary>
    [Benchmark]
    public TranscriptChanges ChangesSinceCatchUp() => _full.ChangesSince(_catchUpFrom);

    [Benchmark]
    public string ExportWebVtt() => WebVtt.Write(_full.Segments, includeInterim: true);
}
