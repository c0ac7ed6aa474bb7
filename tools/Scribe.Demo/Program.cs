using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Scribe;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;
using Scribe.LiveKit;

// Runs one silo on its embedded defaults (local clustering and storage, the built-in PocketSphinx endpoint),
// plays a three-speaker meeting into it exactly as LiveKit would (signed webhooks, track egress over a
// WebSocket), and prints the room transcript as it forms.
if (args is not ["--silo", var siloDll, ..])
{
    Console.Error.WriteLine("usage: Scribe.Demo --silo <path to Scribe.Silo.dll> [--port 5080] [--pace 1.0]");
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
var meeting = new MeetingAudio([.. script.Select(t => (t.Speaker, t.Line.Pcm48kStereo))]);

await using var liveKit = await FakeLiveKitServer.StartAsync(apiKey, apiSecret, pace);
Directory.CreateDirectory("artifacts");
var logPath = Path.GetFullPath("artifacts/demo-silo.log");
Console.WriteLine($"Starting a silo on http://127.0.0.1:{port} (log: {logPath})…");
using var silo = StartSilo(siloDll, port, liveKit.Url, apiSecret, adminKey, logPath);
var siloUrl = new Uri($"http://127.0.0.1:{port}/");
using var http = new HttpClient { BaseAddress = siloUrl };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
try
{
    await WaitForReadyAsync(http, silo);

    var webhooks = new LiveKitWebhookSender(http, apiKey, apiSecret);
    var webhookUrl = new Uri(siloUrl, "livekit/webhook");
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
    Console.WriteLine("  time   speaker  text   (~ interim, ✓ final)");
    var egressesDone = Task.WhenAll(participants.Select(async p =>
    {
        var egress = await liveKit.WaitForTrackEgressAsync(p.Track.Sid, CancellationToken.None);
        await liveKit.WaitForEgressEndAsync(egress.EgressId, CancellationToken.None);
    }));

    var shown = new Dictionary<string, string>();
    var revision = 0L;
    IReadOnlyList<TranscriptSegment> latest = [];
    var deadline = DateTime.UtcNow.AddSeconds(meeting.DurationMs / 1000.0 / pace + 60);
    while (DateTime.UtcNow < deadline)
    {
        var changes = await http.GetFromJsonAsync<TranscriptResponse>($"api/rooms/{roomName}/transcript?since={revision}", JsonSerializerOptions.Web);
        revision = changes!.Revision;
        foreach (var segment in changes.Segments)
        {
            var line = $"{(segment.IsFinal ? "✓" : "~")} {segment.Text}";
            if (shown.GetValueOrDefault(segment.Id) != line && segment.Text.Length > 0)
            {
                shown[segment.Id] = line;
                Console.WriteLine($"  {TimeSpan.FromMilliseconds(segment.StartMs):mm\\:ss\\.f}  {segment.SpeakerName,-7}  {line}");
            }
        }

        latest = (await http.GetFromJsonAsync<TranscriptResponse>($"api/rooms/{roomName}/transcript", JsonSerializerOptions.Web))!.Segments;
        if (egressesDone.IsCompleted && latest.Count >= script.Length && latest.All(s => s.IsFinal))
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

    Console.WriteLine("\nThe room transcript:\n");
    foreach (var segment in latest)
    {
        Console.WriteLine($"  [{TimeSpan.FromMilliseconds(segment.StartMs):mm\\:ss}] {segment.SpeakerName}: {segment.Text}");
    }

    var wer = WordErrorRate.Compute(string.Join(' ', script.Select(t => t.Line.Text)), string.Join(' ', latest.Select(s => s.Text)));
    Console.WriteLine($"\n{latest.Count} segments for {script.Length} spoken lines; word error rate against the script: {wer:P1}");
    return latest.Count > 0 ? 0 : 1;
}
finally
{
    Stop(silo);
}

string Argument(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

static Process StartSilo(string dll, string port, Uri liveKitUrl, string apiSecret, string adminKey, string logPath)
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
            ["LiveKit__ApiKey"] = "devkey",
            ["LiveKit__ApiSecret"] = apiSecret,
            ["LiveKit__Audio"] = "Egress", // this demo plays the egress path on the fake LiveKit
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Orleans"] = "Warning",
            ["Logging__LogLevel__Microsoft"] = "Warning",
        },
    };
    var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo");
    var log = new StreamWriter(logPath) { AutoFlush = true };
    void Write(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (log)
            {
                log.WriteLine(e.Data);
            }
        }
    }

    process.OutputDataReceived += Write;
    process.ErrorDataReceived += Write;
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
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

internal sealed record TranscriptResponse(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);
