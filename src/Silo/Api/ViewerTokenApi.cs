using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary><c>POST /api/rooms/{room}/viewer-token</c>: a short-lived token that reads that one room's transcript and live stream.</summary>
public static class ViewerTokenApi
{
    public static RouteGroupBuilder MapViewerTokenApi(this RouteGroupBuilder api)
    {
        api.MapPost("/rooms/{room}/viewer-token", Issue).RequireScope(ApiScope.Transcription)
            .WithSummary("Issues a token that reads this room's transcript and stream (Bearer, or ?access_token= on the stream) until it expires.");
        return api;
    }

    // A token may be issued before the room exists: a meeting page is often opened before anyone speaks.
    internal static Ok<ViewerTokenView> Issue(string room, ViewerToken tokens, IOptions<ApiOptions> options, TimeProvider time)
    {
        var expiresAt = time.GetUtcNow().Add(options.Value.ViewerTokenLifetime);
        // Whole seconds: the token carries its expiry in Unix seconds.
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds());
        return TypedResults.Ok(new ViewerTokenView(tokens.Create(room, expiresAt), expiresAt));
    }

    public sealed record ViewerTokenView(string Token, DateTimeOffset ExpiresAt);
}
