using System.Net;
using Scribe.Tests.Rooms;

namespace Scribe.Tests.Api;

/// <summary><c>GET /api/rooms/{room}</c> and <c>/transcript</c> over real HTTP: formats, filters and refusals.</summary>
public sealed class TranscriptApiTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private HttpClient Admin => fixture.Silo.Admin;

    private async Task<IRoomGrain> MeetingAsync(string room)
    {
        var grain = await fixture.StartRoomAsync(room, "alice", "bob");
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "Good morning, everyone."));
        await grain.UpsertSegmentAsync(Names.Segment(room, "bob", 1, "Morning! Shall we <start> & go?"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 2, "Yes.\nFirst item."));
        await grain.UpsertSegmentAsync(Names.Segment(room, "bob", 3, "still speaking", final: false));
        return grain;
    }

    private static Uri Url(string path) => new(path, UriKind.Relative);

    [Fact]
    public async Task Json_is_room_revision_and_segments_and_interim_false_keeps_only_finals()
    {
        await MeetingAsync("fmt-json");

        var all = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/fmt-json/transcript?format=json"));
        var finals = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/fmt-json/transcript?interim=false"));

        Assert.Equal("fmt-json", all.GetProperty("room").GetString());
        Assert.Equal(4, all.GetProperty("revision").GetInt64());
        Assert.Equal(4, all.GetProperty("segments").GetArrayLength());
        Assert.Equal(3, finals.GetProperty("segments").GetArrayLength());
        var first = all.GetProperty("segments")[0];
        Assert.Equal("alice:TR_alice:0.0", first.GetProperty("id").GetString());
        Assert.True(first.GetProperty("isFinal").GetBoolean());
        Assert.Equal(1, first.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task Since_returns_only_what_changed_after_that_revision()
    {
        var grain = await MeetingAsync("fmt-since");
        var revision = await grain.UpsertSegmentAsync(Names.Segment("fmt-since", "bob", 3, "still speaking, now done."));

        var changes = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/fmt-since/transcript?since=4"));

        Assert.Equal(revision, changes.GetProperty("revision").GetInt64());
        var segment = Assert.Single(changes.GetProperty("segments").EnumerateArray());
        Assert.Equal("still speaking, now done.", segment.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Text_export_is_valid_paragraphs_with_its_content_type_and_a_file_name()
    {
        await MeetingAsync("fmt-text");

        using var response = await Admin.GetAsync(Url("/api/rooms/fmt-text/transcript?format=text"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("fmt-text.txt", response.Content.Headers.ContentDisposition.FileName!.Trim('"'));
        var paragraphs = SubtitleValidator.Text(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            [("Alice", "Good morning, everyone."), ("Bob", "Morning! Shall we <start> & go?"), ("Alice", "Yes. First item.")],
            paragraphs);
    }

    [Fact]
    public async Task WebVtt_export_is_valid_and_carries_interim_cues_only_when_asked()
    {
        await MeetingAsync("fmt-vtt");

        using var response = await Admin.GetAsync(Url("/api/rooms/fmt-vtt/transcript?format=vtt"));
        var withInterim = await Admin.GetStringAsync(Url("/api/rooms/fmt-vtt/transcript?format=vtt&interim=true"));

        Assert.Equal("text/vtt", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("fmt-vtt.vtt", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var cues = SubtitleValidator.WebVtt(await response.Content.ReadAsStringAsync());
        Assert.Equal([0L, 1000L, 2000L], cues.Select(c => c.StartMs));
        Assert.Equal("<v Bob>Morning! Shall we &lt;start&gt; &amp; go?", cues[1].Lines[0]);
        Assert.Equal(4, SubtitleValidator.WebVtt(withInterim).Count);
    }

    [Fact]
    public async Task SubRip_export_is_valid_with_its_content_type()
    {
        await MeetingAsync("fmt-srt");

        using var response = await Admin.GetAsync(Url("/api/rooms/fmt-srt/transcript?format=srt"));

        Assert.Equal("application/x-subrip", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("fmt-srt.srt", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var cues = SubtitleValidator.SubRip(await response.Content.ReadAsStringAsync());
        Assert.Equal([1, 2, 3], cues.Select(c => c.Number!.Value));
        Assert.Equal("Alice: Yes. First item.", cues[2].Lines[0]);
    }

    [Fact]
    public async Task A_room_name_outside_ascii_keeps_its_name_in_filename_star()
    {
        await MeetingAsync("réunion 1");

        using var response = await Admin.GetAsync(Url("/api/rooms/r%C3%A9union%201/transcript?format=vtt"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("r_union_1.vtt", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        Assert.Equal("réunion 1.vtt", response.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Theory]
    [InlineData("format=xml")]
    [InlineData("format=")]
    [InlineData("since=-1")]
    [InlineData("since=abc")]
    [InlineData("since=1.5")]
    [InlineData("since=99999999999999999999999")]
    [InlineData("since=1&since=2")]
    [InlineData("interim=maybe")]
    public async Task A_query_we_do_not_understand_is_a_400_problem(string query)
    {
        // The query is checked before the room is looked up, so no room is needed.
        using var response = await Admin.GetAsync(Url($"/api/rooms/any-room/transcript?{query}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("/api/rooms/no-such-room")]
    [InlineData("/api/rooms/no-such-room/transcript")]
    [InlineData("/api/rooms/no-such-room/transcript?format=srt")]
    [InlineData("/api/rooms/no-such-room/transcript/stream")]
    public async Task An_unknown_room_is_a_404_problem(string path)
    {
        using var response = await Admin.GetAsync(Url(path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(404, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_room_shows_its_summary_and_each_speakers_status()
    {
        await MeetingAsync("detail");

        var room = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/detail"));

        Assert.Equal("detail", room.GetProperty("name").GetString());
        Assert.Equal("active", room.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, room.GetProperty("finishedAt").ValueKind);
        Assert.True(room.GetProperty("durationSeconds").GetDouble() >= 0);
        Assert.Equal(["alice", "bob"], room.GetProperty("speakers").EnumerateArray().Select(s => s.GetString()).Order());
        Assert.Equal(4, room.GetProperty("segmentCount").GetInt32());
        Assert.Equal(4, room.GetProperty("revision").GetInt64());
        var status = room.GetProperty("speakerStatus").EnumerateArray().ToList();
        Assert.Equal(2, status.Count);
        Assert.All(status, s => Assert.Equal("idle", s.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task After_the_room_finishes_its_transcript_stays_queryable_and_the_room_shows_finished()
    {
        var grain = await MeetingAsync("finished");
        await grain.FinishAsync();

        var room = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/finished"));
        var transcript = await Admin.GetFromJsonAsync<JsonElement>(Url("/api/rooms/finished/transcript"));
        var vtt = await Admin.GetStringAsync(Url("/api/rooms/finished/transcript?format=vtt"));

        Assert.Equal("finished", room.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, room.GetProperty("finishedAt").ValueKind);
        Assert.Equal(4, transcript.GetProperty("segments").GetArrayLength());
        Assert.Equal(3, SubtitleValidator.WebVtt(vtt).Count);
    }
}
