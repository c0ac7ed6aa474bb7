using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Media;

namespace Scribe.Agent;

/// <summary>
/// The room agents of this silo, played by its media process (<see cref="MediaProcess"/>): the grains' seam mapped onto
/// the media channel. A join returns on the media side's first <c>joined</c> and throws on its <c>joinFailed</c>. After
/// a media restart the process rejoins on its own (with a freshly minted token): the room hears that as a reconnect,
/// its tracks ended and then subscribed again; a rejoin that fails is a lost connection, left to the room's own rejoin.
/// </summary>
public sealed class MediaRoomAgents(MediaProcess media, IOptions<LiveKitOptions> options, TimeProvider time) : IRoomAgents
{
    public async Task<IAgentRoomConnection> JoinAsync(AgentJoin join, IAgentRoomEvents events, CancellationToken cancellationToken)
    {
        var bridge = new Bridge(events);
        var first = join.Token;
        var room = await media.JoinAsync(
            new Media.AgentJoin(join.Room, join.Url, join.Identity, join.TranscribeKinds,
                () => Interlocked.Exchange(ref first, null) ?? bridge.Rejoining(options.Value, join.Room, time.GetUtcNow())),
            bridge,
            cancellationToken).ConfigureAwait(false);
        try
        {
            var participants = await bridge.Joined.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Connection(room, participants);
        }
        catch
        {
            // The media side keeps a room registered until it is left: this join is over.
            _ = room.LeaveAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>LiveKit's disconnect reasons (lower-cased by the media process) as the room grain weighs them.</summary>
    public static AgentLeftReason WhyLeft(string reason) => reason switch
    {
        "leave" or "client_initiated" => AgentLeftReason.Asked,
        "room_deleted" or "room_closed" => AgentLeftReason.RoomClosed,
        "participant_removed" or "duplicate_identity" => AgentLeftReason.Removed,
        _ => AgentLeftReason.Lost,
    };

    private sealed class Connection(AgentRoom room, IReadOnlyList<AgentParticipant> participants) : IAgentRoomConnection
    {
        public string Room => room.Name;

        public IReadOnlyList<AgentParticipant> Participants => participants;

        public async Task PublishTranscriptionAsync(AgentCaption caption, CancellationToken cancellationToken)
        {
            var sent = await room.PublishTranscriptionAsync(
                new AgentTranscription(caption.Speaker, caption.TrackSid, caption.SegmentId, caption.Text, caption.Final, caption.StartMs, caption.EndMs, caption.Language),
                cancellationToken).ConfigureAwait(false);
            ThrowIfUnsent(sent);
        }

        /// <summary>The channel's <c>data</c> has no destinations: a status meant for one newcomer goes to everyone, which is harmless.</summary>
        public async Task SendDataAsync(string topic, ReadOnlyMemory<byte> payload, IReadOnlyList<string>? destinations, CancellationToken cancellationToken) =>
            ThrowIfUnsent(await room.SendDataAsync(topic, payload, cancellationToken).ConfigureAwait(false));

        public Task LeaveAsync(CancellationToken cancellationToken) => room.LeaveAsync(cancellationToken);

        private static void ThrowIfUnsent(bool sent)
        {
            if (!sent)
            {
                throw new InvalidOperationException("The media process is restarting: nothing can be sent into the room now.");
            }
        }
    }

    /// <summary>The media side's events, told to the room in the seam's terms; after the room is out for good, silent.</summary>
    private sealed class Bridge(IAgentRoomEvents events) : Media.IAgentRoomEvents
    {
        /// <summary>The reason the media side gives the tracks it ends when its process died.</summary>
        private const string MediaRestarted = "mediaRestarted";

        private readonly TaskCompletionSource<IReadOnlyList<AgentParticipant>> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _over;

        public Task<IReadOnlyList<AgentParticipant>> Joined => _joined.Task;

        /// <summary>A rejoin after a media restart: the room hears its session is over, then it gets a token of ours.</summary>
        public string Rejoining(LiveKitOptions options, string room, DateTimeOffset now)
        {
            events.Rejoining();
            return AgentToken.Mint(options, room, now);
        }

        public ValueTask OnJoinedAsync(AgentRoom room, IReadOnlyList<Media.AgentParticipant> participants)
        {
            if (!_joined.TrySetResult([.. participants.Select(p => new AgentParticipant(p.Identity, p.Sid, p.Name, p.Kind))]) && !_over)
            {
                // In again after a media restart: to the room, a connection that came back.
                events.Reconnecting();
                events.Reconnected();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnJoinFailedAsync(AgentRoom room, string error)
        {
            if (!_joined.TrySetException(new AgentJoinFailedException(room.Name, error)))
            {
                Over(AgentLeftReason.Lost, $"rejoin after a media restart failed: {error}");
                _ = room.LeaveAsync(CancellationToken.None);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnTrackAsync(Media.AgentTrack track)
        {
            if (!_over)
            {
                events.TrackSubscribed(new AgentTrack(
                    (int)track.Handle, track.Identity, track.ParticipantSid, track.Name, track.Kind, track.TrackSid, track.Muted, new SampleReader(track.Frames)));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnMutedAsync(Media.AgentTrack track, bool muted) => Tell(() => events.MuteChanged((int)track.Handle, muted));

        public ValueTask OnTrackEndedAsync(Media.AgentTrack track, string reason) => Tell(() =>
        {
            if (reason == MediaRestarted)
            {
                events.Rejoining(); // the first sign the session is gone: LiveKit may end the job before the rejoin
            }

            events.TrackEnded((int)track.Handle, reason);
        });

        public ValueTask OnParticipantLeftAsync(AgentRoom room, string identity, string participantSid) => Tell(() => events.ParticipantLeft(identity, participantSid));

        public ValueTask OnReconnectingAsync(AgentRoom room) => Tell(events.Reconnecting);

        public ValueTask OnReconnectedAsync(AgentRoom room) => Tell(events.Reconnected);

        public ValueTask OnLeftAsync(AgentRoom room, string reason)
        {
            _joined.TrySetException(new AgentJoinFailedException(room.Name, $"left before joining: {reason}"));
            Over(WhyLeft(reason), reason);
            return ValueTask.CompletedTask;
        }

        private void Over(AgentLeftReason why, string reason)
        {
            if (!_over)
            {
                _over = true;
                events.Left(why, reason);
            }
        }

        private ValueTask Tell(Action tell)
        {
            if (!_over)
            {
                tell();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The media side's PCM16 bytes as the samples the speaker's stream takes, read through without a pump of its own.</summary>
    private sealed class SampleReader(ChannelReader<Media.PcmFrame> frames) : ChannelReader<PcmFrame>
    {
        public override Task Completion => frames.Completion;

        public override bool TryRead([MaybeNullWhen(false)] out PcmFrame item)
        {
            if (frames.TryRead(out var frame))
            {
                item = new PcmFrame(frame.SampleOffset, MemoryMarshal.Cast<byte, short>(frame.Pcm.Span).ToArray());
                return true;
            }

            item = default;
            return false;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => frames.WaitToReadAsync(cancellationToken);
    }
}
