namespace Scribe.Media;

/// <summary>
/// A room the media process is in (or trying to be in) as the hidden agent. It stays joined across media restarts
/// until <see cref="LeaveAsync"/> or until the room is left for good (<see cref="IAgentRoomEvents.OnLeftAsync"/>).
/// </summary>
public sealed class AgentRoom
{
    private readonly MediaProcess _media;
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal AgentRoom(MediaProcess media, AgentJoin join, IAgentRoomEvents events)
    {
        _media = media;
        Join = join;
        Events = events;
    }

    public string Name => Join.Room;

    public AgentJoin Join { get; }

    internal IAgentRoomEvents Events { get; }

    /// <summary>Asked to leave: no rejoin after a restart; it goes when the media process says it left.</summary>
    internal bool Leaving { get; set; }

    /// <summary>Completes when the room is left, for whatever reason.</summary>
    public Task Left => _left.Task;

    /// <summary>Publishes a segment update; false when the media process is not connected (it is restarting).</summary>
    public Task<bool> PublishTranscriptionAsync(AgentTranscription transcription, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(transcription.Text, nameof(transcription));
        return _media.SendAsync(new TranscriptionMessage(
            Name, transcription.Speaker, transcription.TrackSid, transcription.SegmentId, transcription.Text,
            transcription.Final, transcription.StartMs, transcription.EndMs, transcription.Language), ct);
    }

    /// <summary>Sends a reliable data packet on <paramref name="topic"/>; false when the media process is not connected.</summary>
    public Task<bool> SendDataAsync(string topic, ReadOnlyMemory<byte> payload, CancellationToken ct = default) =>
        _media.SendAsync(new DataMessage(Name, topic, payload.ToArray()), ct);

    /// <summary>Leaves the room and waits until the media process has.</summary>
    public Task LeaveAsync(CancellationToken ct = default) => _media.LeaveAsync(this, ct);

    internal JoinMessage ToJoinMessage() => new(Name, Join.Url, Join.Token(), Join.Identity, Join.TranscribeKinds);

    internal void MarkLeft() => _left.TrySetResult();
}
