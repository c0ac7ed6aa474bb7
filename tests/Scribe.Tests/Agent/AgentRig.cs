using Scribe.Agent;

namespace Scribe.Tests.Agent;

/// <summary>
/// A <see cref="MeetingRig"/> in Agent mode: one silo, the strict fake vLLM, the fake LiveKit for webhooks (its egress
/// must stay unused), and <see cref="InMemoryRoomAgents"/> as the silo's media side. People are added to both fakes:
/// the agent's room plays their tone speech, the webhooks tell the silo about them.
/// </summary>
public sealed class AgentRig : IAsyncDisposable
{
    private AgentRig(MeetingRig rig, InMemoryRoomAgents agents)
    {
        Rig = rig;
        Agents = agents;
    }

    public MeetingRig Rig { get; }

    public InMemoryRoomAgents Agents { get; }

    /// <param name="silos">In-process silos; more than one runs on a private Redis, all sharing the one media side.</param>
    /// <param name="settings">Settings over the rig's own (e.g. <c>LiveKit:Url</c> of a stand-in SFU for agent dispatch).</param>
    public static async Task<AgentRig> StartAsync(string activation = "AllRooms", int silos = 1, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var agents = new InMemoryRoomAgents();
        var all = new Dictionary<string, string?>
        {
            ["LiveKit:Audio"] = "Agent",
            ["Transcription:Activation"] = activation,
            ["LiveKit:TranscriptInterimIntervalMs"] = "100",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var rig = await MeetingRig.StartAsync(new RigOptions
        {
            Silos = silos,
            Redis = silos > 1,
            Settings = all,
            Services = services => services.AddSingleton<IRoomAgents>(agents),
        });
        return new AgentRig(rig, agents);
    }

    public static short[] Speech(IReadOnlyList<string> sentences) => ToneSpeech.Synthesize(sentences, 16_000, leadingSilenceMs: 300);

    public async Task RoomStartedAsync(string room) =>
        Assert.Equal(200, (await Rig.Webhooks.RoomStartedAsync(Rig.WebhookUrl, new LiveKitRoom { Name = room, Sid = "RM_" + room }, CancellationToken.None)).HttpStatus);

    /// <summary>
    /// The person joins and publishes a microphone that plays <paramref name="pcm"/> (to the agent once subscribed),
    /// its feed held back once if <paramref name="stall"/> says where.
    /// </summary>
    public async Task JoinAndPublishAsync(string room, string identity, short[] pcm, (int AtSample, TimeSpan For)? stall = null)
    {
        Agents.Room(room).AddParticipant(identity);
        Agents.Room(room).Publish(identity, pcm, stall: stall);
        var participant = Rig.LiveKit.AddParticipant(room, identity, Names.Of(identity));
        var track = Rig.LiveKit.AddAudioTrack(room, identity, "TR_" + identity, ReadOnlyMemory<byte>.Empty);
        var info = Rig.LiveKit.GetRoom(room);
        Assert.Equal(200, (await Rig.Webhooks.ParticipantJoinedAsync(Rig.WebhookUrl, info, participant, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await Rig.Webhooks.TrackPublishedAsync(Rig.WebhookUrl, info, participant, track, CancellationToken.None)).HttpStatus);
    }

    public async Task LeaveAsync(string room, string identity)
    {
        var participant = Rig.LiveKit.GetParticipant(room, identity);
        Agents.Room(room).Leave(identity);
        Rig.LiveKit.RemoveParticipant(room, identity);
        Assert.Equal(200, (await Rig.Webhooks.ParticipantLeftAsync(Rig.WebhookUrl, Rig.LiveKit.GetRoom(room), participant, CancellationToken.None)).HttpStatus);
    }

    public Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(string room) => Rig.Silo.TranscriptAsync(room, CancellationToken.None);

    public async Task<IReadOnlyList<string>> FinalsOfAsync(string room, string identity) =>
        [.. (await TranscriptAsync(room)).Where(s => s.Speaker == identity && s.IsFinal).OrderBy(s => s.StartMs).Select(s => s.Text)];

    public Task<SpeakerStatus> StatusAsync(string room, string identity) =>
        Rig.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity)).GetStatusAsync();

    public ValueTask DisposeAsync() => Rig.DisposeAsync();
}
