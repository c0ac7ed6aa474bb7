using System.Text;
using Microsoft.Net.Http.Headers;
using Scribe.Rooms;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/rooms/{room}/transcript</c>: the transcript (or its changes since a revision) as JSON, text, WebVTT or SubRip.</summary>
public static class TranscriptApi
{
    public static RouteGroupBuilder MapTranscriptApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms/{room}/transcript", async (string room, HttpContext http, IGrainFactory grains) =>
        {
            if (!TranscriptQuery.TryParse(http.Request.Query, out var query, out var error))
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
                return Results.Ok(new { room, revision = changes.Revision, segments });
            }

            var (body, mediaType, extension) = query.Format switch
            {
                TranscriptFormat.Text => (TranscriptText.Write(changes.Segments, query.IncludeInterim), TranscriptText.MediaType, "txt"),
                TranscriptFormat.Vtt => (WebVtt.Write(changes.Segments, query.IncludeInterim), WebVtt.MediaType, "vtt"),
                _ => (SubRip.Write(changes.Segments, query.IncludeInterim), SubRip.MediaType, "srt"),
            };
            http.Response.Headers.ContentDisposition = Attachment(room, extension);
            http.Response.Headers.ETag = $"\"{changes.Revision}\"";
            return Results.Text(body, mediaType, Encoding.UTF8);
        });

        return api;
    }

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
