namespace Scribe.Tests.Infrastructure;

/// <summary>What the admin API answers for a transcript.</summary>
public sealed record TranscriptResponse(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);

/// <summary>Plays meetings into a silo as LiveKit would, and reads the transcripts back.</summary>
public static class MeetingPlayback
{
    /// <summary>room_started, then each speaker joins and publishes a microphone track whose egress plays <paramref name="tracks"/>.</summary>
    /// <returns>The track sids, one per speaker (<c>TR_{identity}</c>).</returns>
    public static async Task<IReadOnlyList<string>> PublishAsync(
        this LiveKitWebhookSender webhooks, FakeLiveKitServer liveKit, Uri webhookUrl, string room,
        IReadOnlyDictionary<string, byte[]> tracks, EgressAudioScript? script = null)
    {
        Assert.Equal(200, (await webhooks.RoomStartedAsync(webhookUrl, new LiveKitRoom { Name = room, Sid = "RM_" + room }, CancellationToken.None)).HttpStatus);
        var sids = new List<string>();
        foreach (var (identity, pcm) in tracks)
        {
            var participant = liveKit.AddParticipant(room, identity, Names.Of(identity));
            var track = liveKit.AddAudioTrack(room, identity, $"TR_{identity}", pcm, script);
            var info = liveKit.GetRoom(room);
            Assert.Equal(200, (await webhooks.ParticipantJoinedAsync(webhookUrl, info, participant, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await webhooks.TrackPublishedAsync(webhookUrl, info, participant, track, CancellationToken.None)).HttpStatus);
            sids.Add(track.Sid);
        }

        return sids;
    }

    /// <summary>Waits until the egress of each track has played all its audio.</summary>
    public static async Task WaitForEgressesAsync(this FakeLiveKitServer liveKit, IEnumerable<string> trackSids, CancellationToken cancellationToken)
    {
        foreach (var track in trackSids)
        {
            var egress = await liveKit.WaitForTrackEgressAsync(track, cancellationToken);
            Assert.Equal(EgressStatus.Complete, (await liveKit.WaitForEgressEndAsync(egress.EgressId, cancellationToken)).Status);
        }
    }

    /// <summary>The room's transcript through the admin API; empty while the room is unknown.</summary>
    public static Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(this TestSilo silo, string room, CancellationToken cancellationToken) =>
        silo.Admin.TranscriptAsync(room, cancellationToken);

    /// <summary>Polls until the room holds at least <paramref name="count"/> segments and all are final.</summary>
    public static Task<IReadOnlyList<TranscriptSegment>> WaitForFinalsAsync(this TestSilo silo, string room, int count, CancellationToken cancellationToken) =>
        silo.Admin.WaitForFinalsAsync(room, count, cancellationToken);

    /// <summary>The room's transcript through the admin API of the silo <paramref name="admin"/> talks to; empty while the room is unknown.</summary>
    public static async Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(this HttpClient admin, string room, CancellationToken cancellationToken)
    {
        using var response = await admin.GetAsync(new Uri($"/api/rooms/{room}/transcript", UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<TranscriptResponse>(JsonSerializerOptions.Web, cancellationToken))!.Segments
            : [];
    }

    /// <summary>The speech seconds the room's view counts for one speaker, over all its streams.</summary>
    public static async Task<double> SpeechSecondsAsync(this HttpClient admin, string room, string identity, CancellationToken cancellationToken)
    {
        var view = await admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/rooms/{room}", UriKind.Relative), cancellationToken);
        return view.GetProperty("speakerStatus").EnumerateArray()
            .Single(s => s.GetProperty("identity").GetString() == identity)
            .GetProperty("usage").GetProperty("speechSeconds").GetDouble();
    }

    /// <summary>Polls until the room holds at least <paramref name="count"/> segments and all are final.</summary>
    public static async Task<IReadOnlyList<TranscriptSegment>> WaitForFinalsAsync(this HttpClient admin, string room, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var segments = await admin.TranscriptAsync(room, cancellationToken);
            if (segments.Count >= count && segments.All(s => s.IsFinal))
            {
                return segments;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
