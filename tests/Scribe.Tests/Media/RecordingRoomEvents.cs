using System.Threading.Channels;
using Scribe.Media;

namespace Scribe.Tests.Media;

/// <summary>Keeps every room event in order as "kind room detail"; tests wait for the next one they expect.</summary>
internal sealed class RecordingRoomEvents : IAgentRoomEvents
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    public List<string> Seen { get; } = [];

    /// <summary>Every track the media process subscribed to, in order, to read its frames.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<AgentTrack> Tracks { get; } = new();

    /// <summary>The next event that starts with <paramref name="prefix"/>; fails after <paramref name="patience"/>.</summary>
    public async Task<string> NextAsync(string prefix, TimeSpan? patience = null)
    {
        using var timeout = new CancellationTokenSource(patience ?? Eventually.DefaultPatience);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(timeout.Token);
                lock (Seen)
                {
                    Seen.Add(next);
                }

                if (next.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No '{prefix}' event; saw: {string.Join(" | ", Seen)}");
            throw;
        }
    }

    private ValueTask Record(string text) => _events.Writer.WriteAsync(text);

    public ValueTask OnJoinedAsync(AgentRoom room, IReadOnlyList<AgentParticipant> participants) =>
        Record($"joined {room.Name} {string.Join(',', participants.Select(p => p.Identity))}");

    public ValueTask OnJoinFailedAsync(AgentRoom room, string error) => Record($"joinFailed {room.Name} {error}");

    public ValueTask OnTrackAsync(AgentTrack track)
    {
        Tracks.Enqueue(track);
        return Record($"track {track.Room.Name} {track.Identity} {track.Handle}");
    }

    public ValueTask OnMutedAsync(AgentTrack track, bool muted) => Record($"muted {track.Room.Name} {track.Handle} {muted}");

    public ValueTask OnTrackEndedAsync(AgentTrack track, string reason) => Record($"trackEnded {track.Room.Name} {track.Handle} {reason}");

    public ValueTask OnParticipantLeftAsync(AgentRoom room, string identity, string participantSid) => Record($"participantLeft {room.Name} {identity}");

    public ValueTask OnReconnectingAsync(AgentRoom room) => Record($"reconnecting {room.Name}");

    public ValueTask OnReconnectedAsync(AgentRoom room) => Record($"reconnected {room.Name}");

    public ValueTask OnLeftAsync(AgentRoom room, string reason) => Record($"left {room.Name} {reason}");
}
