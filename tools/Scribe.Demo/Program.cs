using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Scribe;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;
using Scribe.LiveKit;

// Runs one silo on its embedded defaults (local clustering and storage, the built-in PocketSphinx endpoint),
// plays a three-speaker meeting into it as LiveKit would, and prints the room transcript as it forms. By default
// the meeting is a room on the stand-in SFU that the silo joins as a hidden agent (`LiveKit:Audio=Agent`), and the
// captions a viewer in that room received are printed too; `--audio egress` plays it through track egress instead.
if (args is not ["--silo", var siloDll, ..])
{
    Console.Error.WriteLine("usage: Scribe.Demo --silo <path to Scribe.Silo.dll> [--audio agent|egress] [--port 5080] [--pace 1.0 (egress only)]");
    return 2;
}

var clock = Stopwatch.StartNew();
var audio = Argument("--audio", "agent").ToLowerInvariant();
if (audio is not ("agent" or "egress"))
{
    Console.Error.WriteLine($"--audio {audio}: agent or egress");
    return 2;
}

var port = Argument("--port", "5080");
var pace = double.Parse(Argument("--pace", "1.0"), System.Globalization.CultureInfo.InvariantCulture);
const string apiKey = "devkey";
var apiSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
var adminKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
const string roomName = "demo-standup";

Console.WriteLine("Synthesizing a meeting of three speakers with flite…");
var corpus = await FliteCorpus.LoadAsync();
(string Speaker, string Name, SpokenSentence Line)[] script =
[
    ("alice", "Alice", corpus[0]), ("bob", "Bob", corpus[5]), ("carol", "Carol", corpus[10]),
    ("bob", "Bob", corpus[6]), ("alice", "Alice", corpus[1]), ("carol", "Carol", corpus[12]),
];

await using var sfu = audio == "agent" ? await StandInSfu.StartAsync(apiKey, apiSecret) : null;
await using var liveKit = audio == "egress" ? await FakeLiveKitServer.StartAsync(apiKey, apiSecret, pace) : null;
Directory.CreateDirectory("artifacts");
var logPath = Path.GetFullPath("artifacts/demo-silo.log");
Console.WriteLine(sfu is null
    ? $"Starting a silo on http://127.0.0.1:{port}, audio by track egress (log: {logPath})…"
    : $"Starting a silo on http://127.0.0.1:{port}, audio by its agent in the room on the stand-in SFU (log: {logPath})…");
using var silo = StartSilo(siloDll, port, sfu?.Url ?? liveKit!.Url, audio, apiSecret, adminKey, logPath);
var siloUrl = new Uri($"http://127.0.0.1:{port}/");
using var http = new HttpClient { BaseAddress = siloUrl };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
try
{
    await WaitForReadyAsync(http, silo);
    var webhooks = new LiveKitWebhookSender(http, apiKey, apiSecret);
    var webhookUrl = new Uri(siloUrl, "livekit/webhook");
    IReadOnlyList<TranscriptSegment> latest;
    IReadOnlyList<StandInSegment>? captions = null;
    if (sfu is not null)
    {
        var meeting = new AgentMeeting(sfu, new StandInWebhooks(sfu, webhooks, webhookUrl), roomName);
        latest = await meeting.PlayAsync(http, script, CancellationToken.None);
        captions = meeting.FinalCaptions;
    }
    else
    {
        latest = await PlayThroughEgressAsync(liveKit!, webhooks, webhookUrl, http);
    }

    Console.WriteLine("\nThe room transcript:\n");
    foreach (var segment in latest)
    {
        Console.WriteLine($"  [{TimeSpan.FromMilliseconds(segment.StartMs):mm\\:ss}] {segment.SpeakerName}: {segment.Text}");
    }

    var reference = string.Join(' ', script.Select(t => t.Line.Text));
    var wer = WordErrorRate.Compute(reference, string.Join(' ', latest.Select(s => s.Text)));
    Console.WriteLine($"\n{latest.Count} segments for {script.Length} spoken lines; word error rate against the script: {wer:P1}");
    if (captions is not null)
    {
        var captionWer = WordErrorRate.Compute(reference, string.Join(' ', captions.OrderBy(c => c.StartTime).Select(c => c.Text)));
        Console.WriteLine($"A viewer in the room received {captions.Count} final captions; their word error rate: {captionWer:P1}");
    }

    Console.WriteLine($"Demo wall time: {clock.Elapsed.TotalSeconds:F0} s");
    return latest.Count > 0 && captions is not { Count: 0 } ? 0 : 1;
}
finally
{
    Stop(silo);
}

async Task<IReadOnlyList<TranscriptSegment>> PlayThroughEgressAsync(FakeLiveKitServer liveKit, LiveKitWebhookSender webhooks, Uri webhookUrl, HttpClient http)
{
    var meeting = new MeetingAudio([.. script.Select(t => (t.Speaker, t.Line.Pcm48kStereo))]);
    var room = new LiveKitRoom { Name = roomName, Sid = "RM_demo" };
    await webhooks.RoomStartedAsync(webhookUrl, room, CancellationToken.None);
    var participants = new List<(LiveKitParticipant Participant, LiveKitTrack Track)>();
    foreach (var (speaker, name, _) in script.DistinctBy(t => t.Speaker))
    {
        var participant = liveKit.AddParticipant(roomName, speaker, name);
        var track = liveKit.AddAudioTrack(roomName, speaker, "TR_" + speaker, meeting.Tracks[speaker]);
        room = liveKit.GetRoom(roomName);
        await webhooks.ParticipantJoinedAsync(webhookUrl, room, participant, CancellationToken.None);
        await webhooks.TrackPublishedAsync(webhookUrl, room, participant, track, CancellationToken.None);
        participants.Add((participant, track));
    }

    Console.WriteLine($"Meeting '{roomName}' is live: {meeting.DurationMs / 1000.0:F0} s of audio at {pace}× real time.\n");
    TranscriptFollower.PrintHeader();
    var egressesDone = Task.WhenAll(participants.Select(async p =>
    {
        var egress = await liveKit.WaitForTrackEgressAsync(p.Track.Sid, CancellationToken.None);
        await liveKit.WaitForEgressEndAsync(egress.EgressId, CancellationToken.None);
    }));

    var follower = new TranscriptFollower(http, roomName);
    var deadline = DateTime.UtcNow.AddSeconds(meeting.DurationMs / 1000.0 / pace + 60);
    while (DateTime.UtcNow < deadline)
    {
        await follower.PollAsync(CancellationToken.None);
        if (egressesDone.IsCompleted && follower.Latest.Count >= script.Length && follower.Latest.All(s => s.IsFinal))
        {
            break;
        }

        await Task.Delay(300);
    }

    foreach (var (participant, _) in participants)
    {
        await webhooks.ParticipantLeftAsync(webhookUrl, room, participant, CancellationToken.None);
    }

    await webhooks.RoomFinishedAsync(webhookUrl, room, CancellationToken.None);
    return follower.Latest;
}

string Argument(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

static Process StartSilo(string dll, string port, Uri liveKitUrl, string audio, string apiSecret, string adminKey, string logPath)
{
    var start = new ProcessStartInfo("dotnet", [dll])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        Environment =
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Admin__ApiKey"] = adminKey,
            ["LiveKit__Url"] = liveKitUrl.ToString(),
            ["LiveKit__Audio"] = audio == "agent" ? "Agent" : "Egress",
            ["LiveKit__ApiKey"] = "devkey",
            ["LiveKit__ApiSecret"] = apiSecret,
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Microsoft"] = "Warning",
        },
    };
    var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
    ChildProcessLog.WriteTo(process, logPath);
    return process;
}

static async Task WaitForReadyAsync(HttpClient http, Process silo)
{
    for (var i = 0; i < 240; i++)
    {
        if (silo.HasExited)
        {
            throw new InvalidOperationException($"the silo exited with code {silo.ExitCode}; see artifacts/demo-silo.log");
        }

        try
        {
            if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(250);
    }

    throw new TimeoutException("the silo did not become ready within 60 s");
}

static void Stop(Process silo)
{
    if (silo.HasExited)
    {
        return;
    }

    using var term = Process.Start("kill", ["-TERM", silo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
    term?.WaitForExit();
    if (!silo.WaitForExit(20_000))
    {
        silo.Kill(entireProcessTree: true);
    }
}

