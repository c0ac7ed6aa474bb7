namespace Scribe.Silo.Api;

/// <summary>
/// The credential an open stream was opened with, watched for as long as the stream runs: <see cref="Lapsed"/> fires
/// when a viewer token reaches its expiry, or when a configuration reload leaves the request's credential unknown or
/// without the room's read access; <see cref="Reason"/> then says which (<c>expired</c>, <c>revoked</c>).
/// </summary>
public sealed class StreamCredential : IDisposable
{
    public const string Expired = "expired";
    public const string Revoked = "revoked";

    private readonly string? _presented;
    private readonly ApiCredentials _credentials;
    private readonly CancellationTokenSource _lapsed;
    private readonly ITimer? _expiry;
    private readonly string _room;
    private string? _reason;

    public StreamCredential(HttpRequest request, ApiCredentials credentials, TimeProvider time, string room)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        _presented = ApiCredentials.Presented(request);
        _credentials = credentials;
        _room = room;
        _lapsed = new CancellationTokenSource();
        if (ApiCaller.Of(request.HttpContext).ExpiresAt is { } expiresAt)
        {
            var left = expiresAt - time.GetUtcNow();
            _expiry = time.CreateTimer(_ => Lapse(Expired), null, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        credentials.KeysReloaded += Recheck;
    }

    public CancellationToken Lapsed => _lapsed.Token;

    /// <summary>Why the credential lapsed; null while it holds.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    public void Dispose()
    {
        _credentials.KeysReloaded -= Recheck;
        _expiry?.Dispose();
        _lapsed.Dispose();
    }

    private void Recheck()
    {
        var caller = _credentials.Resolve(_presented);
        if (caller is null || !caller.MayAccessRoom(_room) || (caller.Room is null && !caller.Holds(ApiScope.TranscriptsRead)))
        {
            Lapse(Revoked);
        }
    }

    /// <summary>The reason first, then the token: whoever sees the token cancelled finds the reason set.</summary>
    private void Lapse(string reason)
    {
        Interlocked.CompareExchange(ref _reason, reason, null);
        try
        {
            _lapsed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }
}
