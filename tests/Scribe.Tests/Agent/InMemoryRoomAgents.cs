using System.Collections.Concurrent;
using Scribe.Agent;

namespace Scribe.Tests.Agent;

/// <summary>
/// The media side of <see cref="IRoomAgents"/> in memory, behaving as AGENT-CONTRACT.md §1 says the media process
/// does: a join subscribes to the microphones already published and to later ones, each played as 16 kHz mono PCM in
/// 20 ms frames with sample offsets, frames of digital silence left out (DTX: the offsets show the gap); everything
/// the agent publishes is recorded, and a caption with empty text is recorded as a violation.
/// </summary>
public sealed class InMemoryRoomAgents : IRoomAgents
{
    private readonly ConcurrentDictionary<string, FakeAgentRoom> _rooms = new(StringComparer.Ordinal);

    /// <summary>How much faster than real time tracks play.</summary>
    public double Pace { get; init; } = 4.0;

    public FakeAgentRoom Room(string name) => _rooms.GetOrAdd(name, n => new FakeAgentRoom(n, Pace));

    public Task<IAgentRoomConnection> JoinAsync(AgentJoin join, IAgentRoomEvents events, CancellationToken cancellationToken) =>
        Room(join.Room).JoinAsync(join, events);
}

/// <summary>One room as the agent sees it, with the test's controls (people join, publish, mute, leave; the agent is dropped; the room closes).</summary>
public sealed class FakeAgentRoom(string name, double pace) : IAgentRoomConnection
{
    public const int FrameSamples = 320;
    private static int s_handles;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, AgentParticipant> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeMicrophone> _microphones = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AgentJoin> _joins = new();
    private readonly ConcurrentQueue<AgentCaption> _captions = new();
    private readonly ConcurrentQueue<(string Topic, byte[] Payload, IReadOnlyList<string>? To)> _data = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private IAgentRoomEvents? _events;
    private int _leaves;

    public string Room { get; } = name;

    public bool InRoom { get; private set; }

    public bool Closed { get; private set; }

    public IReadOnlyList<AgentJoin> Joins => [.. _joins];

    public int Leaves => _leaves;

    public IReadOnlyList<AgentCaption> Captions => [.. _captions];

    public IReadOnlyList<(string Topic, byte[] Payload, IReadOnlyList<string>? To)> Data => [.. _data];

    /// <summary>What the agent did that the contract forbids (a caption with empty text, anything sent while out of the room).</summary>
    public IReadOnlyList<string> Violations => [.. _violations];

    public IReadOnlyList<AgentParticipant> Participants
    {
        get
        {
            lock (_gate)
            {
                return [.. _participants.Values];
            }
        }
    }

    public void AddParticipant(string identity, string kind = "standard")
    {
        lock (_gate)
        {
            _participants[identity] = new AgentParticipant(identity, "PA_" + identity, Names.Of(identity), kind);
        }
    }

    /// <summary>Publishes the participant's microphone, playing <paramref name="pcm"/> from when the agent subscribes.</summary>
    public void Publish(string identity, short[] pcm, string? trackSid = null, (int AtSample, TimeSpan For)? stall = null)
    {
        FakeMicrophone microphone;
        lock (_gate)
        {
            microphone = new FakeMicrophone(_participants[identity], trackSid ?? "TR_" + identity, pcm) { Stall = stall };
            _microphones[identity] = microphone;
        }

        if (InRoom)
        {
            Subscribe(microphone);
        }
    }

    /// <summary>Publishes a microphone that sends exactly <paramref name="frames"/>, once subscribed.</summary>
    public void PublishRaw(string identity, IReadOnlyList<PcmFrame> frames)
    {
        FakeMicrophone microphone;
        lock (_gate)
        {
            microphone = new FakeMicrophone(_participants[identity], "TR_" + identity, []) { Raw = frames };
            _microphones[identity] = microphone;
        }

        if (InRoom)
        {
            Subscribe(microphone);
        }
    }

    public void Mute(string identity, bool muted)
    {
        var microphone = Microphone(identity);
        microphone.Muted = muted;
        if (microphone.Handle is { } handle)
        {
            _events?.MuteChanged(handle, muted);
        }
    }

    public void Unpublish(string identity)
    {
        FakeMicrophone? microphone;
        lock (_gate)
        {
            _microphones.Remove(identity, out microphone);
        }

        if (microphone is not null)
        {
            End(microphone, "unpublished");
        }
    }

    public void Leave(string identity)
    {
        Unpublish(identity);
        AgentParticipant? gone;
        lock (_gate)
        {
            _participants.Remove(identity, out gone);
        }

        if (gone is not null && InRoom)
        {
            _events?.ParticipantLeft(gone.Identity, gone.Sid);
        }
    }

    /// <summary>The SDK lost the SFU and resumes (<paramref name="resumed"/>), or is still trying; the subscriptions stay.</summary>
    public void Reconnect(bool resumed)
    {
        _events?.Reconnecting();
        if (resumed)
        {
            _events?.Reconnected();
        }
    }

    /// <summary>The agent's connection is lost for good (the SDK gave up, the media process died): its tracks end with it.</summary>
    public void DropAgent() => Out(AgentLeftReason.Lost, "connection lost");

    /// <summary>The room closes at LiveKit: everyone is disconnected.</summary>
    public void Close()
    {
        Closed = true;
        Out(AgentLeftReason.RoomClosed, "room closed");
    }

    public Task<IAgentRoomConnection> JoinAsync(AgentJoin join, IAgentRoomEvents events)
    {
        _joins.Enqueue(join);
        if (InRoom && _events is { } previous && !ReferenceEquals(previous, events))
        {
            // Another silo joins under the same identity (this one died): LiveKit replaces the older connection.
            Out(AgentLeftReason.Removed, "duplicate identity");
        }

        _events = events;
        InRoom = true;
        _ = Task.Run(async () =>
        {
            await Task.Delay(20);
            foreach (var microphone in Microphones())
            {
                Subscribe(microphone);
            }
        });
        return Task.FromResult<IAgentRoomConnection>(this);
    }

    public Task PublishTranscriptionAsync(AgentCaption caption, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(caption.Text))
        {
            _violations.Enqueue($"empty caption {caption.SegmentId}");
        }

        if (!InRoom)
        {
            _violations.Enqueue($"caption {caption.SegmentId} while out of the room");
            throw new InvalidOperationException("not in the room");
        }

        _captions.Enqueue(caption);
        return Task.CompletedTask;
    }

    public Task SendDataAsync(string topic, ReadOnlyMemory<byte> payload, IReadOnlyList<string>? destinations, CancellationToken cancellationToken)
    {
        if (!InRoom)
        {
            throw new InvalidOperationException("not in the room");
        }

        _data.Enqueue((topic, payload.ToArray(), destinations));
        return Task.CompletedTask;
    }

    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _leaves);
        Out(AgentLeftReason.Asked, "leave asked");
        return Task.CompletedTask;
    }

    private void Out(AgentLeftReason why, string reason)
    {
        if (!InRoom)
        {
            return;
        }

        InRoom = false;
        foreach (var microphone in Microphones())
        {
            End(microphone, reason);
        }

        _events?.Left(why, reason);
    }

    private List<FakeMicrophone> Microphones()
    {
        lock (_gate)
        {
            return [.. _microphones.Values];
        }
    }

    private FakeMicrophone Microphone(string identity)
    {
        lock (_gate)
        {
            return _microphones[identity];
        }
    }

    private void Subscribe(FakeMicrophone microphone)
    {
        var handle = Interlocked.Increment(ref s_handles);
        if (microphone.Open(handle) is not { } frames)
        {
            return; // subscribed already: one subscription per track
        }

        _events?.TrackSubscribed(new AgentTrack(
            handle, microphone.Participant.Identity, microphone.Participant.Sid, microphone.Participant.Name, microphone.Participant.Kind,
            microphone.TrackSid, microphone.Muted, frames));
        _ = microphone.PlayAsync(pace);
    }

    private void End(FakeMicrophone microphone, string reason)
    {
        if (microphone.Close() is { } handle)
        {
            _events?.TrackEnded(handle, reason);
        }
    }
}
