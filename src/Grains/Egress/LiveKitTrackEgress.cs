using Scribe.LiveKit;

namespace Scribe.Egress;

/// <summary>Track egress through LiveKit's Egress service.</summary>
public sealed class LiveKitTrackEgress(EgressClient egress) : ITrackEgress
{
    public async Task<string> StartAsync(string room, string trackSid, Uri websocketUrl, CancellationToken cancellationToken)
    {
        var info = await egress.StartTrackEgressAsync(room, trackSid, websocketUrl, cancellationToken).ConfigureAwait(false);
        return info.EgressId;
    }

    public Task StopAsync(string egressId, CancellationToken cancellationToken) => egress.StopEgressAsync(egressId, cancellationToken);
}
