using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Scribe.LiveKit;
using Proto = LiveKit.Proto;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Twirp as LiveKit serves it: routes, content type, the auth middleware's plain-text 401s, grants checked per
/// method, and Twirp's error codes and statuses.
/// </summary>
public sealed partial class FakeLiveKitServer
{
    private readonly ConcurrentQueue<RecordedTwirpRequest> _requests = new();

    private async Task HandleAsync(HttpContext context, string service, string method)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var authorization = context.Request.Headers.Authorization.ToString();
        var reply = Dispatch(service, method, context.Request.ContentType, authorization, body);
        _requests.Enqueue(new RecordedTwirpRequest(service, method, Encoding.UTF8.GetString(body), authorization.Length == 0 ? null : authorization, reply.Status));
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.ContentType;
        await context.Response.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private Reply Dispatch(string service, string method, string? contentType, string authorization, byte[] body)
    {
        var route = $"{service}/{method}";
        if (route is not ("livekit.Egress/StartTrackEgress" or "livekit.Egress/StopEgress" or "livekit.Egress/ListEgress"
            or "livekit.RoomService/ListRooms" or "livekit.RoomService/ListParticipants" or "livekit.RoomService/SendData"))
        {
            return Reply.Error("bad_route", $"no handler for path \"/twirp/{route}\"");
        }

        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Reply.Error("bad_route", $"unexpected Content-Type: \"{contentType}\"");
        }

        // LiveKit's auth middleware answers bad credentials with plain-text 401s, before Twirp sees the call.
        AccessTokenClaims? claims = null;
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Reply.PlainUnauthorized("invalid authorization header. Must start with Bearer ");
            }

            try
            {
                claims = _verifier.Verify(authorization["Bearer ".Length..]);
            }
            catch (AccessTokenRejectedException ex)
            {
                return Reply.PlainUnauthorized(ex.Reason == AccessTokenRejection.UnknownKey
                    ? "invalid API key: " + ex.Message
                    : "invalid token: " + ex.Message);
            }
        }

        // Twirp decodes the request (skipping unknown fields) before LiveKit's handler checks the grant.
        var json = body.Length == 0 ? "{}" : Encoding.UTF8.GetString(body);
        var video = claims?.Video;
        try
        {
            return route switch
            {
                "livekit.Egress/StartTrackEgress" => Read<Proto.TrackEgressRequest>(json) is var start && video?.RoomRecord == true ? StartTrackEgress(start) : PermissionDenied(),
                "livekit.Egress/StopEgress" => Read<Proto.StopEgressRequest>(json) is var stop && video?.RoomRecord == true ? StopEgress(stop) : PermissionDenied(),
                "livekit.Egress/ListEgress" => Read<Proto.ListEgressRequest>(json) is var list && video?.RoomRecord == true ? ListEgress(list) : PermissionDenied(),
                "livekit.RoomService/ListRooms" => Read<Proto.ListRoomsRequest>(json) is var rooms && video?.RoomList == true ? ListRooms(rooms) : PermissionDenied(),
                "livekit.RoomService/ListParticipants" => Read<Proto.ListParticipantsRequest>(json) is var participants && IsAdminOf(video, participants.Room) ? ListParticipants(participants) : PermissionDenied(),
                _ => Read<Proto.SendDataRequest>(json) is var data && IsAdminOf(video, data.Room) ? SendData(data) : PermissionDenied(),
            };
        }
        catch (Exception ex) when (ex is InvalidJsonException or InvalidProtocolBufferException)
        {
            return Reply.Error("malformed", "the json request could not be decoded");
        }
    }

    private static T Read<T>(string json)
        where T : IMessage<T>, new() => ProtoJson.Parse<T>(json);

    /// <summary>LiveKit wraps missing grants as Twirp "unauthenticated" with "permissions denied".</summary>
    private static Reply PermissionDenied() => Reply.Error("unauthenticated", "permissions denied");

    private static bool IsAdminOf(VideoGrant? video, string room) =>
        video?.RoomAdmin == true && string.Equals(video.Room ?? "", room, StringComparison.Ordinal);

    private sealed record Reply(int Status, string ContentType, string Body)
    {
        public static Reply Ok(JsonObject body) => new(200, "application/json", body.ToJsonString());

        public static Reply Error(string code, string message) => new(StatusOf(code), "application/json", new JsonObject { ["code"] = code, ["msg"] = message }.ToJsonString());

        public static Reply PlainUnauthorized(string message) => new(401, "text/plain; charset=utf-8", message);

        /// <summary>Twirp's code → HTTP status table.</summary>
        private static int StatusOf(string code) => code switch
        {
            "invalid_argument" or "malformed" or "out_of_range" => 400,
            "unauthenticated" => 401,
            "permission_denied" or "resource_exhausted" => 403,
            "not_found" or "bad_route" => 404,
            "already_exists" or "aborted" => 409,
            "failed_precondition" => 412,
            "unavailable" => 503,
            _ => 500,
        };
    }
}
