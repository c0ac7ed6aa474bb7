namespace Scribe.Ingest;

/// <summary>Builds the ingest URL for a track on this silo, carrying a fresh signed token.</summary>
public sealed class IngestAddress(Uri publicUrl, int tokenTtlSeconds, IngestToken tokens, TimeProvider time)
{
    public Uri For(string room, string identity, string trackSid)
    {
        var grant = new IngestGrant(room, identity, trackSid, time.GetUtcNow().AddSeconds(tokenTtlSeconds));
        var baseUrl = new UriBuilder(publicUrl);
        baseUrl.Scheme = baseUrl.Scheme switch { "http" => "ws", "https" => "wss", var s => s };
        if (baseUrl.Uri.IsDefaultPort)
        {
            baseUrl.Port = -1;
        }

        var path = baseUrl.Path.TrimEnd('/');
        baseUrl.Path = $"{path}/ingest/{Uri.EscapeDataString(trackSid)}";
        baseUrl.Query = $"token={tokens.Create(grant)}";
        return baseUrl.Uri;
    }
}
