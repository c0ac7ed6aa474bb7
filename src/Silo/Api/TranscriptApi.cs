using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Scribe.Rooms;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/rooms/{room}/transcript</c>: the transcript (or its changes since a revision) as JSON, text, WebVTT or SubRip.</summary>
public static class TranscriptApi
{
    public static RouteGroupBuilder MapTranscriptApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms/{room}/transcript", GetAsync).RequireScope(ApiScope.TranscriptsRead).AllowViewer()
            .WithSummary("The transcript, or its changes since a revision, as JSON, text, WebVTT or SubRip.")
            .Produces<string>(StatusCodes.Status200OK, TranscriptText.MediaType, WebVtt.MediaType, SubRip.MediaType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/rooms/{room}/transcript", EraseAsync).RequireScope(ApiScope.TranscriptsDelete)
            .WithSummary("Erases a finished room: its transcript, its record, its speakers' records, its webhook ledger and its directory entry.");
        return api;
    }

    /// <param name="format">json (default), text, vtt or srt.</param>
    /// <param name="since">Only segments changed after this revision (default 0: all).</param>
    /// <param name="interim">Include interim segments (default true for json, false for the exports).</param>
    internal static async Task<Results<Ok<TranscriptView>, ContentHttpResult, ProblemHttpResult>> GetAsync(
        string room, HttpResponse response, IGrainFactory grains, string? format = null, string? since = null, string? interim = null)
    {
        // Bound as text and parsed here, so a wrong value is answered with problem JSON naming it.
        if (!TranscriptQuery.TryParse(format, since, interim, out var query, out var error))
        {
            return ApiProblems.BadRequest(error);
        }

        var grain = grains.GetGrain<IRoomGrain>(room);
        if (await grain.GetSummaryAsync() is null)
        {
            return ApiProblems.UnknownRoom(room);
        }

        var changes = await grain.GetChangesAsync(query.Since);
        if (query.Format == TranscriptFormat.Json)
        {
            var segments = query.IncludeInterim ? changes.Segments : [.. changes.Segments.Where(s => s.IsFinal)];
            return TypedResults.Ok(new TranscriptView(room, changes.Revision, segments));
        }

        var (body, mediaType, extension) = query.Format switch
        {
            TranscriptFormat.Text => (TranscriptText.Write(changes.Segments, query.IncludeInterim), TranscriptText.MediaType, "txt"),
            TranscriptFormat.Vtt => (WebVtt.Write(changes.Segments, query.IncludeInterim), WebVtt.MediaType, "vtt"),
            _ => (SubRip.Write(changes.Segments, query.IncludeInterim), SubRip.MediaType, "srt"),
        };
        response.Headers.ContentDisposition = Attachment(room, extension);
        response.Headers.ETag = $"\"{changes.Revision}\"";
        return TypedResults.Text(body, mediaType, Encoding.UTF8);
    }

    /// <summary>Refused (409) while the room is active: its speakers would write it again.</summary>
    internal static async Task<Results<NoContent, ProblemHttpResult>> EraseAsync(string room, IGrainFactory grains) =>
        await grains.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).EraseAsync(room) switch
        {
            RoomErasure.Erased => TypedResults.NoContent(),
            RoomErasure.Active => ApiProblems.Conflict("Room active", $"Room '{room}' is active; erase it once it has finished."),
            _ => ApiProblems.UnknownRoom(room),
        };

    /// <summary>The JSON form of a transcript.</summary>
    public sealed record TranscriptView(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);

    /// <summary><c>attachment; filename="standup.vtt"</c>, with an RFC 5987 <c>filename*</c> keeping a non-ASCII room name intact.</summary>
    internal static string Attachment(string room, string extension)
    {
        var ascii = new StringBuilder(room.Length);
        foreach (var c in room)
        {
            ascii.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        var disposition = new ContentDispositionHeaderValue("attachment");
        var name = ascii.ToString();
        disposition.SetHttpFileName($"{name}.{extension}");
        if (name != room)
        {
            disposition.FileNameStar = $"{room}.{extension}";
        }

        return disposition.ToString();
    }
}
