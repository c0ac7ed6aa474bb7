using System.Security.Cryptography;
using System.Text;
using Scribe.Ingest;

namespace Scribe.Silo.Api;

/// <summary>
/// A short-lived credential that reads one room's transcript and live stream, for a page shown to meeting
/// participants. It is an <see cref="IngestToken"/> (grant, expiry, HMAC-SHA256) signed under a key derived from
/// the cluster's token secret for viewers only, so an ingest URL's token never passes for a viewer token, nor
/// the reverse; every silo holds the secret, so any silo checks a token another issued.
/// </summary>
public sealed class ViewerToken(byte[] clusterSecret)
{
    // Fixed fields of the grant: a viewer token names a room and nothing else.
    private const string Identity = "viewer";
    private const string Subject = "transcript";

    private readonly IngestToken _token = new(HMACSHA256.HashData(clusterSecret, Encoding.UTF8.GetBytes("scribe/viewer-token/v1")));

    public string Create(string room, DateTimeOffset expiresAt) => _token.Create(new IngestGrant(room, Identity, Subject, expiresAt));

    /// <returns>The room the token opens, or null when it is not a valid, unexpired viewer token.</returns>
    public string? RoomOf(string? token, DateTimeOffset now) => Read(token, now)?.Room;

    /// <returns>The grant of a valid, unexpired viewer token (its room and expiry), or null.</returns>
    public IngestGrant? Read(string? token, DateTimeOffset now) =>
        _token.TryValidate(token, now, out var grant, out _) && grant is { Identity: Identity, TrackSid: Subject } ? grant : null;
}
