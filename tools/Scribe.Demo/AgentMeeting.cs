using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;

/// <summary>
/// The meeting played through the agent path: the stand-in SFU is the room, each speaker a simulated participant
/// whose microphone plays its turns as Ogg Opus with no packets between them (DTX); the silo, in
/// <c>LiveKit:Audio=Agent</c>, joins as a hidden agent when the webhooks say someone is there. Prints the room's
/// transcript as it forms and the captions a viewer in the room received.
/// </summary>
internal sealed class AgentMeeting(StandInSfu sfu, StandInWebhooks webhooks, string roomName)
{
    private static readonly TimeSpan AgentJoinTimeout = TimeSpan.FromSeconds(20);

    // The agent subscribes to a microphone once it sees it published (a renegotiation): the first turn starts after.
    private static readonly TimeSpan SubscribeLead = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettleAfterLastUtterance = TimeSpan.FromSeconds(2);
    private int _captionsPrinted;
    private IReadOnlyList<StandInSegment> _finalCaptions = [];

    public async Task<IReadOnlyList<Scribe.TranscriptSegment>> PlayAsync(
        HttpClient http, IReadOnlyList<(string Speaker, string Name, SpokenSentence Line)> script, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var turn in script)
        {
            files.Add(await OggOpusFiles.EncodeAsync(turn.Line, cancellationToken));
        }

        var layout = new MeetingAudio([.. script.Select(t => (t.Speaker, t.Line.Pcm48kStereo))]);
        var speakers = script.DistinctBy(t => t.Speaker).ToList();
        foreach (var (speaker, name, _) in speakers)
        {
            await sfu.AddParticipantAsync(roomName, speaker, name, cancellationToken: cancellationToken);
        }

        // LiveKit sends room_started and participant_joined; the silo's agent joins on them.
        await webhooks.DeliverAsync(cancellationToken);
        await WaitForAgentAsync(cancellationToken);
        var offsets = new Dictionary<string, List<StandInUtterance>>();
        for (var i = 0; i < script.Count; i++)
        {
            offsets.TryAdd(script[i].Speaker, []);
            offsets[script[i].Speaker].Add(new StandInUtterance(TimeSpan.FromMilliseconds(layout.StartMs[i]) + SubscribeLead, files[i]));
        }

        foreach (var (speaker, _, _) in speakers)
        {
            await sfu.PublishMicrophoneAsync(roomName, speaker, offsets[speaker], cancellationToken);
        }

        await webhooks.DeliverAsync(cancellationToken);
        Console.WriteLine($"Meeting '{roomName}' is live on the stand-in SFU ({sfu.Url}): {layout.DurationMs / 1000.0:F0} s of audio; the silo's agent has joined.\n");
        TranscriptFollower.PrintHeader();
        var follower = new TranscriptFollower(http, roomName);
        var deadline = DateTime.UtcNow.AddMilliseconds(layout.DurationMs + 60_000);
        DateTime? allPlayed = null;
        while (DateTime.UtcNow < deadline)
        {
            await follower.PollAsync(cancellationToken);
            await PrintCaptionsAsync(cancellationToken);
            var played = (await sfu.GetEventsAsync(cancellationToken)).Count(e => e.Event == "utterance_played" && e.Room == roomName);
            allPlayed ??= played >= script.Count ? DateTime.UtcNow : null;
            // A slow machine can split the last utterance: after it played, give the silo its closing pause and a
            // little more before taking "everything final" as the end.
            if (DateTime.UtcNow - allPlayed > SettleAfterLastUtterance && follower.Latest.Count >= script.Count && follower.Latest.All(s => s.IsFinal))
            {
                break;
            }

            await Task.Delay(300, cancellationToken);
        }

        await PrintCaptionsAsync(cancellationToken);
        _finalCaptions = [.. (await sfu.GetReceivedAsync(roomName, cancellationToken)).Transcriptions
            .SelectMany(t => t.Segments).Where(s => s.Final).DistinctBy(s => s.Id)];
        await sfu.CloseRoomAsync(roomName, cancellationToken);
        await webhooks.DeliverAsync(cancellationToken);
        return follower.Latest;
    }

    /// <summary>The final captions a viewer in the room had received when the meeting ended, one per segment.</summary>
    public IReadOnlyList<StandInSegment> FinalCaptions => _finalCaptions;

    private async Task PrintCaptionsAsync(CancellationToken cancellationToken)
    {
        // The received list only grows: print the packets that came since the last poll.
        var received = await sfu.GetReceivedAsync(roomName, cancellationToken);
        foreach (var transcription in received.Transcriptions.Skip(_captionsPrinted))
        {
            foreach (var segment in transcription.Segments)
            {
                Console.WriteLine($"  {TimeSpan.FromMilliseconds(segment.StartTime):mm\\:ss\\.f}  viewer   {transcription.TranscribedParticipantIdentity}: {(segment.Final ? "✓" : "~")} {segment.Text}");
            }
        }

        _captionsPrinted = received.Transcriptions.Count;
    }

    private async Task WaitForAgentAsync(CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + AgentJoinTimeout;
        while (DateTime.UtcNow < until)
        {
            var room = await sfu.GetRoomAsync(roomName, cancellationToken);
            if (room?.Participants.Any(p => p.Kind == "agent" && p.Connected) == true)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"the silo's agent did not join '{roomName}' within {AgentJoinTimeout.TotalSeconds:F0} s; see artifacts/demo-silo.log");
    }
}
