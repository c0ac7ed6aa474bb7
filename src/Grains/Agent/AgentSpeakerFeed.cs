using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Participants;

namespace Scribe.Agent;

/// <summary>
/// One subscribed microphone on its way into its speaker's stream: has the speaker's grain build the stream on this
/// silo (placing it here, or moving it here), takes the stream's one feed (as the ingest socket does), runs
/// the <see cref="TrackFeeder"/>, completes the stream so its last segments are delivered, and discards whatever audio
/// still comes for a track no stream takes, so nothing piles up.
/// </summary>
public sealed partial class AgentSpeakerFeed
{
    /// <summary>How long the attach waits for the speaker's grain to move to this silo.</summary>
    public static readonly TimeSpan AttachPatience = TimeSpan.FromSeconds(10);

    private readonly string _room;
    private readonly RoomAgentHost _host;
    private readonly DateTimeOffset _clockOrigin;
    private readonly ILogger _logger;
    private Task _done = Task.CompletedTask;

    internal AgentSpeakerFeed(string room, AgentTrack track, RoomAgentHost host, DateTimeOffset clockOrigin, ILogger logger)
    {
        _room = room;
        Track = track;
        _host = host;
        _clockOrigin = clockOrigin;
        _logger = logger;
        Feeder = new TrackFeeder(track.Frames, track.Muted);
    }

    public AgentTrack Track { get; }

    public TrackFeeder Feeder { get; }

    /// <summary>Completes once the stream is complete and returned (or was never had).</summary>
    public Task Done => _done;

    internal void Start(Action finished, CancellationToken cancellationToken) =>
        _done = Task.Run(async () =>
        {
            try
            {
                await RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
            {
                // Done never faults: a leave waits on it. Cancelled means the room's agent is going away.
                if (e is not OperationCanceledException)
                {
                    LogFeedFailed(e, _room, Track.Identity, Track.TrackSid);
                }
            }
            finally
            {
                Feeder.Dispose();
                finished();
            }
        }, CancellationToken.None);

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var identity = Track.Identity;
        if (!await AttachAsync(cancellationToken).ConfigureAwait(false) || !_host.Streams.TryTakeFeed(_room, identity, Track.TrackSid, out var feed))
        {
            LogNotAttached(_room, identity, Track.TrackSid);
            await DiscardAsync(Track.Frames, cancellationToken).ConfigureAwait(false);
            return;
        }

        var stream = feed!.Stream;
        _host.Metrics.AgentTracks.Add(1);
        try
        {
            await Feeder.RunAsync(stream, cancellationToken).ConfigureAwait(false);
            await stream.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFeedFailed(e, _room, identity, Track.TrackSid); // this speaker idles; the room and its other speakers go on
        }
        finally
        {
            _host.Metrics.AgentTracks.Add(-1);
            await _host.Streams.StopAsync(stream).ConfigureAwait(false);
            await feed.DisposeAsync().ConfigureAwait(false);
        }

        // Transcription of this speaker stopped under a track still subscribed: its audio goes nowhere.
        await DiscardAsync(Track.Frames, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the speaker's grain, placed on this silo, to build its stream here; a grain living elsewhere moves, and is asked again.</summary>
    private async Task<bool> AttachAsync(CancellationToken cancellationToken)
    {
        var participant = _host.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(_room, Track.Identity));
        var info = new ParticipantInfo(Track.Identity, string.IsNullOrEmpty(Track.Name) ? Track.Identity : Track.Name, Track.ParticipantSid);
        var delay = TimeSpan.FromMilliseconds(50);
        var clock = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // A speaker not yet active is placed here, beside the agent's PCM.
                using (PlacementHintScope.Toward(_host.Silo))
                {
                    if (await participant.AttachAgentTrackAsync(info, Track.TrackSid, _clockOrigin, _host.Silo).ConfigureAwait(false))
                    {
                        return true;
                    }
                }
            }
            catch (Exception e) when (e is OrleansMessageRejectionException or TimeoutException && clock.Elapsed < AttachPatience)
            {
                LogAttachRetry(_room, Track.Identity, e.Message);
            }

            if (clock.Elapsed + delay >= AttachPatience)
            {
                return false;
            }

            await Task.Delay(delay, _host.Time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }

        return false;
    }

    /// <summary>Reads and drops a track's frames until it ends.</summary>
    internal static async Task DiscardAsync(ChannelReader<PcmFrame> frames, CancellationToken cancellationToken)
    {
        try
        {
            while (await frames.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (frames.TryRead(out _))
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent in room {Room}: no stream of {Identity} takes track {TrackSid} here; its audio is discarded")]
    private partial void LogNotAttached(string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent in room {Room}: feeding track {TrackSid} of {Identity} failed")]
    private partial void LogFeedFailed(Exception exception, string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent in room {Room}: speaker {Identity} is not reachable yet ({Reason}); asking again")]
    private partial void LogAttachRetry(string room, string identity, string reason);
}
