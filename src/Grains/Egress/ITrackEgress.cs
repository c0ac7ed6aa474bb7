namespace Scribe.Egress;

/// <summary>Asks LiveKit to stream a track's audio to a WebSocket of ours, and to stop.</summary>
public interface ITrackEgress
{
    /// <returns>The egress id.</returns>
    Task<string> StartAsync(string room, string trackSid, Uri websocketUrl, CancellationToken cancellationToken);

    Task StopAsync(string egressId, CancellationToken cancellationToken);
}
