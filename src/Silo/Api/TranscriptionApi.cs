using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Api;

/// <summary>
/// <c>PUT</c>, <c>DELETE</c> and <c>GET /api/rooms/{room}/transcription</c>: start, stop and read a room's
/// transcription. Start and stop are idempotent and answer the status; a viewer token of the room reads the status.
/// </summary>
public static class TranscriptionApi
{
    /// <summary>A start body is a few bytes; anything larger is refused before it is read.</summary>
    private const int MaxBodyBytes = 4 * 1024;

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static RouteGroupBuilder MapTranscriptionApi(this RouteGroupBuilder api)
    {
        api.MapPut("/rooms/{room}/transcription", StartAsync).RequireScope(ApiScope.Transcription)
            .WithSummary("Starts transcribing the room; optional body {\"language\": \"fr\"}. Idempotent: answers the status.")
            .Accepts<StartRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapDelete("/rooms/{room}/transcription", StopAsync).RequireScope(ApiScope.Transcription)
            .WithSummary("Stops transcribing the room at each speaker's next pause. Idempotent: answers the status.");
        api.MapGet("/rooms/{room}/transcription", GetAsync).RequireScope(ApiScope.Transcription).AllowViewer()
            .WithSummary("Whether the room is transcribed, since when, in which language, and who asked.");
        return api;
    }

    /// <summary>The body of a start, for the API description; the handler reads it itself, to refuse a bad one with problem JSON.</summary>
    public sealed record StartRequest(string? Language);

    internal static async Task<Results<JsonHttpResult<TranscriptionStatus>, ProblemHttpResult>> StartAsync(
        string room, HttpRequest request, ApiCaller caller, IGrainFactory grains, RoomReconciler reconciler)
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
        var status = await grain.StartTranscriptionAsync(new TranscriptionRequest(language, caller.Name));
        if (await grain.GetSummaryAsync() is { State: RoomState.Active })
        {
            // Webhooks may have missed someone: ask LiveKit who is in the room now, so speakers already talking are caught.
            reconciler.Request(room);
        }

        return TypedResults.Json(status, Json);
    }

    internal static async Task<JsonHttpResult<TranscriptionStatus>> StopAsync(string room, ApiCaller caller, IGrainFactory grains) =>
        TypedResults.Json(await grains.GetGrain<IRoomGrain>(room).StopTranscriptionAsync(caller.Name), Json);

    internal static async Task<JsonHttpResult<TranscriptionStatus>> GetAsync(string room, IGrainFactory grains) =>
        TypedResults.Json(await grains.GetGrain<IRoomGrain>(room).GetTranscriptionAsync(), Json);
}
