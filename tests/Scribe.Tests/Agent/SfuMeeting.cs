using Scribe.Fakes.Speech;
using Scribe.Media;

namespace Scribe.Tests.Agent;

/// <summary>
/// A meeting on the stand-in SFU with a real silo in Agent mode: the silo's own media process (the real SDK) joins
/// the SFU as the agent participant, the embedded local speech endpoint (PocketSphinx) hears flite speech played as
/// Opus RTP, and every event the SFU logs is relayed to the silo as the signed webhook LiveKit would send, in order,
/// the agent's own joins and leaves included.
/// </summary>
public sealed class SfuMeeting : IAsyncDisposable
{
    public const string AgentIdentity = "scribe";

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _relay;
    private Exception? _relayFailure;

    private SfuMeeting(StandInSfu sfu, MeetingRig rig)
    {
        Sfu = sfu;
        Rig = rig;
        _relay = Task.Run(() => RelayAsync(_stop.Token));
    }

    public StandInSfu Sfu { get; }

    public MeetingRig Rig { get; }

    public MediaProcess Media => Rig.Silo.Services.GetRequiredService<MediaProcess>();

    /// <param name="settings">Settings added to (or overriding) the meeting's own, e.g. <c>Transcription:Activation</c>.</param>
    public static async Task<SfuMeeting> StartAsync(CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var sfu = await StandInSfu.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, cancellationToken: cancellationToken);
        try
        {
            var all = new Dictionary<string, string?>
            {
                ["LiveKit:Audio"] = "Agent",
                ["LiveKit:Url"] = sfu.Url.ToString(),
                ["LiveKit:AgentIdentity"] = AgentIdentity,
                ["LiveKit:TranscriptInterimIntervalMs"] = "100",
                // Real speech, so the real gate.
                ["Transcription:VadMode"] = "Silero",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            var rig = await MeetingRig.StartAsync(new RigOptions { FakeVllm = false, LiveKitPace = null, Settings = all });
            return new SfuMeeting(sfu, rig);
        }
        catch
        {
            await sfu.DisposeAsync();
            throw;
        }
    }

    /// <summary>Each sentence of flite's corpus as an Ogg Opus file, with its reference.</summary>
    public static async Task<IReadOnlyList<(SpokenSentence Sentence, string File)>> UtterancesAsync(CancellationToken cancellationToken)
    {
        var corpus = await FliteCorpus.LoadAsync(cancellationToken);
        var files = new List<(SpokenSentence, string)>();
        foreach (var sentence in corpus)
        {
            files.Add((sentence, await OggOpusFiles.EncodeAsync(sentence, cancellationToken)));
        }

        return files;
    }

    /// <summary>
    /// The person joins and publishes a silent microphone; returns its track sid once the agent is subscribed to it
    /// (audio before that is heard by nobody, as in a real room).
    /// </summary>
    public async Task<string> JoinAndPublishAsync(string room, string identity, CancellationToken cancellationToken)
    {
        await Sfu.AddParticipantAsync(room, identity, Names.Of(identity), cancellationToken: cancellationToken);
        var trackSid = await Sfu.PublishMicrophoneAsync(room, identity, [], cancellationToken);
        await WaitSubscribedAsync(room, trackSid, cancellationToken);
        return trackSid;
    }

    public async Task WaitSubscribedAsync(string room, string trackSid, CancellationToken cancellationToken, TimeSpan? patience = null) =>
        await Eventually.HoldsAsync(
            async () => ThrowIfRelayFailed() && (await Sfu.GetRoomAsync(room, cancellationToken))?.Participants.Any(p => p.Identity == AgentIdentity && p.Subscriptions.Contains(trackSid)) == true,
            $"the agent is subscribed to {trackSid} in {room}",
            patience ?? TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(50));

    /// <summary>Plays the files one after the other from now, <paramref name="gap"/> of no packets between them.</summary>
    public Task SpeakAsync(string room, string identity, IReadOnlyList<(SpokenSentence Sentence, string File)> utterances, TimeSpan gap, CancellationToken cancellationToken)
    {
        var at = TimeSpan.Zero;
        var plan = new List<StandInUtterance>();
        foreach (var (sentence, file) in utterances)
        {
            plan.Add(new StandInUtterance(at, file));
            at += sentence.Duration + gap;
        }

        return Sfu.PublishMicrophoneAsync(room, identity, plan, cancellationToken);
    }

    /// <summary>Waits until every utterance played by <paramref name="identity"/> so far has a final (transcription and text stream) received after its last packet.</summary>
    public async Task<StandInReceived> WaitForFinalsAsync(string room, string identity, int utterances, CancellationToken cancellationToken, TimeSpan? patience = null)
    {
        StandInReceived received = null!;
        await Eventually.HoldsAsync(
            async () =>
            {
                ThrowIfRelayFailed();
                var played = (await Sfu.GetEventsAsync(cancellationToken)).Where(e => e.Event == "utterance_played" && e.Room == room && e.Identity == identity).ToList();
                received = await Sfu.GetReceivedAsync(room, cancellationToken);
                // Both forms of a final: the legacy transcription and its lk.transcription text stream.
                var streamed = received.TextStreams.Where(s => s.Attributes.GetValueOrDefault("lk.transcription_final") == "true")
                    .Select(s => s.Attributes.GetValueOrDefault("lk.segment_id")).ToHashSet();
                var finals = received.Transcriptions.Where(t => t.TranscribedParticipantIdentity == identity && t.Segments.Any(s => s.Final && streamed.Contains(s.Id))).ToList();
                return played.Count >= utterances && played.All(p => finals.Any(f => f.ReceivedAt >= p.LastPacketAt));
            },
            $"{utterances} utterance(s) of {identity} are transcribed into {room}",
            patience ?? TimeSpan.FromSeconds(120),
            TimeSpan.FromMilliseconds(100));
        return received;
    }

    /// <summary>A webhook the silo refused stops the relay: the test fails with it rather than waiting out its patience.</summary>
    private bool ThrowIfRelayFailed() =>
        _relayFailure is null ? true : throw new InvalidOperationException("relaying the SFU's events as webhooks failed", _relayFailure);

    /// <summary>The agent's joins the SFU logged for <paramref name="room"/>.</summary>
    public async Task<IReadOnlyList<StandInEvent>> AgentJoinsAsync(string room, CancellationToken cancellationToken) =>
        [.. (await Sfu.GetEventsAsync(cancellationToken)).Where(e => e.Event == "participant_joined" && e.Room == room && e.Identity == AgentIdentity)];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _relay.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        await Rig.DisposeAsync();
        await Sfu.DisposeAsync();
    }

    /// <summary>LiveKit delivers webhooks asynchronously and in order per room: so does this relay.</summary>
    private async Task RelayAsync(CancellationToken cancellationToken)
    {
        var webhooks = new StandInWebhooks(Sfu, Rig.Webhooks, Rig.WebhookUrl);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await webhooks.DeliverAsync(cancellationToken);
            }
            catch (HttpRequestException)
            {
                return; // the SFU or the silo is gone: the meeting is being torn down
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _relayFailure = e;
                return;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
