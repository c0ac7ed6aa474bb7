using System.Text.Json;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Api;

/// <summary>
/// <c>PUT</c>, <c>DELETE</c> and <c>GET /api/rooms/{room}/transcription</c>: start, stop and read a room's
/// transcription. Start and stop are idempotent and answer the status.
/// </summary>
public static class TranscriptionApi
{
    /// <summary>A start body is a few bytes; anything larger is refused before it is read.</summary>
    private const int MaxBodyBytes = 4 * 1024;

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static RouteGroupBuilder MapTranscriptionApi(this RouteGroupBuilder api)
    {
        api.MapPut("/rooms/{room}/transcription", StartAsync).RequireScope(ApiScope.Transcription);
        api.MapDelete("/rooms/{room}/transcription", StopAsync).RequireScope(ApiScope.Transcription);
        api.MapGet("/rooms/{room}/transcription", GetAsync).RequireScope(ApiScope.Transcription);
        return api;
    }

    private static async Task<IResult> StartAsync(string room, HttpRequest request, IGrainFactory grains, RoomReconciler reconciler)
    {
        // Read at most one byte past the limit, whatever Content-Length says (or whether it is sent at all).
        var body = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < body.Length && (read = await request.Body.ReadAsync(body.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            return ApiProblems.BadRequest($"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (!TranscriptionStartBody.TryParse(body.AsSpan(0, length), out var language, out var error))
        {
            return ApiProblems.BadRequest(error);
        }

        var grain = grains.GetGrain<IRoomGrain>(room);
        var status = await grain.StartTranscriptionAsync(new TranscriptionRequest(language, ApiCaller.Of(request.HttpContext).Name));
        if (await grain.GetSummaryAsync() is { State: RoomState.Active })
        {
            // Webhooks may have missed someone: ask LiveKit who is in the room now, so speakers already talking are caught.
            reconciler.Request(room);
        }

        return TypedResults.Json(status, Json);
    }

    private static async Task<IResult> StopAsync(string room, HttpContext http, IGrainFactory grains) =>
        TypedResults.Json(await grains.GetGrain<IRoomGrain>(room).StopTranscriptionAsync(ApiCaller.Of(http).Name), Json);

    private static async Task<IResult> GetAsync(string room, IGrainFactory grains) =>
        TypedResults.Json(await grains.GetGrain<IRoomGrain>(room).GetTranscriptionAsync(), Json);
}
