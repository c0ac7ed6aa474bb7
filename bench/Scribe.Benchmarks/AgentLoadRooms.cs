using System.Diagnostics;
using System.Globalization;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using static Scribe.Benchmarks.IngestLoad;

namespace Scribe.Benchmarks;

/// <summary>
/// An <c>agent-load</c> run's rooms on the stand-in SFU and its /proc readings: rooms of ten speakers are added
/// step by step, each room a meeting in which one speaker talks at a time until <paramref name="horizon"/>.
/// </summary>
internal sealed class AgentLoadRooms(
    StandInSfu sfu, StandInWebhooks webhooks, IReadOnlyList<(string File, TimeSpan Duration)> sentences,
    IReadOnlyList<FakeVllmServer> endpoints, int siloPid, int mediaPid, TimeSpan horizon, bool silent)
{
    private const int RoomSize = 10;
    private static readonly TimeSpan Gap = TimeSpan.FromMilliseconds(400);
    // The agent subscribes to a microphone when it sees it published: the first utterance starts after that.
    private static readonly TimeSpan Lead = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(90);
    private readonly List<string> _rooms = [];
    private readonly long _mediaBaseline = Rss(mediaPid);
    private double _talkShare;

    public int Speakers => _rooms.Count * RoomSize;

    /// <summary>Adds rooms until there are <paramref name="speakers"/> speakers, at most <paramref name="perSecond"/> a second; false when the agent did not subscribe to them all.</summary>
    public async Task<bool> GrowAsync(int speakers, int perSecond)
    {
        var added = new List<string>();
        while (Speakers < speakers)
        {
            var began = Stopwatch.GetTimestamp();
            var room = $"load-{_rooms.Count}";
            _rooms.Add(room);
            added.Add(room);
            for (var k = 0; k < RoomSize; k++)
            {
                await sfu.AddParticipantAsync(room, $"s{k}", $"Speaker {k}");
            }

            await webhooks.DeliverAsync(CancellationToken.None);
            var plan = Plan(_rooms.Count - 1);
            for (var k = 0; k < RoomSize; k++)
            {
                await sfu.PublishMicrophoneAsync(room, $"s{k}", plan[k]);
            }

            await webhooks.DeliverAsync(CancellationToken.None);
            var due = TimeSpan.FromSeconds(RoomSize / (double)perSecond) - Stopwatch.GetElapsedTime(began);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }

        var until = Stopwatch.GetTimestamp() + (long)(SubscribeTimeout.TotalSeconds * Stopwatch.Frequency);
        var missing = added;
        while (Stopwatch.GetTimestamp() < until)
        {
            await webhooks.DeliverAsync(CancellationToken.None);
            missing = [.. (await Task.WhenAll(added.Select(async r => (Room: r, Subscribed: SubscribedTracks(await sfu.GetRoomAsync(r))))))
                .Where(r => r.Subscribed < RoomSize).Select(r => r.Room)];
            if (missing.Count == 0)
            {
                return true;
            }

            await Task.Delay(500);
        }

        Console.WriteLine($"\nStopped at {Speakers} speakers: the agent had not subscribed to every microphone in {missing.Count} room(s) ({string.Join(", ", missing.Take(5))}) after {SubscribeTimeout.TotalSeconds:F0} s; see artifacts/agent-load-silo.log.");
        return false;
    }

    /// <summary>Reads CPU and memory over <paramref name="seconds"/> and returns the table row.</summary>
    public async Task<string> MeasureAsync(int speakers, int seconds, int siloCores)
    {
        var (siloBefore, mediaBefore, sfuBefore) = (CpuSeconds(siloPid), CpuSeconds(mediaPid), CpuSeconds(sfu.ProcessId));
        var busyBefore = BusySeconds(siloCores);
        var packetsBefore = await PacketsAsync();
        var generationsBefore = endpoints.Sum(e => e.Generations.Count);
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed.TotalSeconds;
        var siloUse = (CpuSeconds(siloPid) - siloBefore) / elapsed;
        var mediaUse = (CpuSeconds(mediaPid) - mediaBefore) / elapsed;
        var sfuUse = (CpuSeconds(sfu.ProcessId) - sfuBefore) / elapsed;
        var others = siloCores == 0 ? double.NaN : Math.Max(0, (BusySeconds(siloCores) - busyBefore) / elapsed - siloUse - mediaUse);
        var packets = (await PacketsAsync() - packetsBefore) / elapsed;
        var generations = endpoints.Sum(e => e.Generations.Count) - generationsBefore;
        var tree = siloUse + mediaUse;
        var mediaRss = Rss(mediaPid);
        var planned = speakers / (double)RoomSize * 50 * _talkShare;
        return string.Create(CultureInfo.InvariantCulture,
            $"| {speakers} | {tree:F2} | {tree / speakers * 1000:F2} | {siloUse / tree:P0} | {mediaUse / tree:P0} | {mediaRss / 1e6:F0} | {(mediaRss - _mediaBaseline) / 1e6 / speakers:F2} | {Rss(siloPid) / 1e6:F0} | {sfuUse:F2} | {packets:F0} ({planned:F0}) | {generations} | {(siloCores == 0 ? "n/a" : others.ToString("F2", CultureInfo.InvariantCulture))} |");
    }

    private static int SubscribedTracks(StandInRoom? room) =>
        room?.Participants.Where(p => p.Kind == "agent").Sum(p => p.Subscriptions.Count) ?? 0;

    private async Task<long> PacketsAsync()
    {
        var rooms = await Task.WhenAll(_rooms.Select(r => sfu.GetRoomAsync(r)));
        return rooms.Sum(r => r?.Participants.Sum(p => p.Tracks.Sum(t => t.PacketsSent)) ?? 0);
    }

    /// <summary>Room <paramref name="index"/>'s turns: speaker k, k+1, … in order, each a corpus sentence, with a short gap, until the horizon.</summary>
    private List<StandInUtterance>[] Plan(int index)
    {
        var plan = Enumerable.Range(0, RoomSize).Select(_ => new List<StandInUtterance>()).ToArray();
        var cursor = Lead;
        var talking = TimeSpan.Zero;
        for (var turn = 0; cursor < horizon && !silent; turn++)
        {
            var (file, duration) = sentences[(index * 7 + turn) % sentences.Count];
            plan[(index + turn) % RoomSize].Add(new StandInUtterance(cursor, file));
            cursor += duration + Gap;
            talking += duration;
        }

        _talkShare = silent ? 0 : talking / (cursor - Lead);
        return plan;
    }

    // In a /proc/stat cpu line: user nice system idle iowait irq softirq steal; busy is all but idle and iowait.
    private static readonly int[] BusyFields = [1, 2, 3, 6, 7, 8];

    private static double BusySeconds(int cpus)
    {
        var busy = 0L;
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[0].StartsWith("cpu", StringComparison.Ordinal) && fields[0].Length > 3
                && int.Parse(fields[0].AsSpan(3), CultureInfo.InvariantCulture) < Math.Max(cpus, 1))
            {
                busy += BusyFields.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            }
        }

        return busy / 100.0; // USER_HZ
    }
}
