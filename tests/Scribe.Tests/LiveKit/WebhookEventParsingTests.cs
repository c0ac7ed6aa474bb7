using System.Text;

namespace Scribe.Tests.LiveKit;

/// <summary>Protobuf JSON leaves defaults out and writes int64 as strings; our reading must not care.</summary>
public sealed class WebhookEventParsingTests
{
    private static WebhookEvent Parse(string json) => WebhookReceiver.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void An_audio_track_has_no_type_and_a_standard_participant_has_no_kind()
    {
        var parsed = Parse("""
            {"event":"track_published","id":"EV_1","createdAt":"1764000000",
             "participant":{"sid":"PA_1","identity":"alice","state":"ACTIVE"},
             "track":{"sid":"TR_1","source":"MICROPHONE","mimeType":"audio/opus"}}
            """);

        Assert.Equal(TrackType.Audio, parsed.Track!.Type);
        Assert.Equal(TrackSource.Microphone, parsed.Track.Source);
        Assert.Equal("audio/opus", parsed.Track.MimeType);
        Assert.False(parsed.Track.Muted);
        Assert.Equal(ParticipantKind.Standard, parsed.Participant!.Kind);
        Assert.Equal(ParticipantState.Active, parsed.Participant.State);
        Assert.Empty(parsed.Participant.Attributes);
        Assert.Equal(0, parsed.NumDropped);
        Assert.Null(parsed.Room);
        Assert.Null(parsed.EgressInfo);
    }

    [Fact]
    public void A_starting_egress_has_no_status()
    {
        var parsed = Parse("""{"event":"egress_started","id":"EV_2","egressInfo":{"egressId":"EG_1","roomName":"standup","roomId":"RM_1"}}""");
        Assert.Equal(EgressStatus.Starting, parsed.EgressInfo!.Status);
        Assert.Equal("EG_1", parsed.EgressInfo.EgressId);
        Assert.Equal(0, parsed.EgressInfo.StartedAt);
    }

    [Theory]
    [InlineData("EGRESS_ACTIVE", EgressStatus.Active)]
    [InlineData("EGRESS_ENDING", EgressStatus.Ending)]
    [InlineData("EGRESS_COMPLETE", EgressStatus.Complete)]
    [InlineData("EGRESS_FAILED", EgressStatus.Failed)]
    [InlineData("EGRESS_ABORTED", EgressStatus.Aborted)]
    [InlineData("EGRESS_LIMIT_REACHED", EgressStatus.LimitReached)]
    [InlineData("EGRESS_SOMETHING_NEW", EgressStatus.Starting)]
    public void Egress_statuses_are_read_by_name(string name, EgressStatus expected)
    {
        var parsed = Parse("{\"event\":\"egress_updated\",\"egressInfo\":{\"egressId\":\"EG_1\",\"status\":\"" + name + "\"}}");
        Assert.Equal(expected, parsed.EgressInfo!.Status);
    }

    [Theory]
    [InlineData("\"AGENT\"", ParticipantKind.Agent)]
    [InlineData("\"EGRESS\"", ParticipantKind.Egress)]
    [InlineData("\"SIP\"", ParticipantKind.Sip)]
    [InlineData("\"INGRESS\"", ParticipantKind.Ingress)]
    [InlineData("4", ParticipantKind.Agent)]
    [InlineData("\"A_KIND_FROM_THE_FUTURE\"", ParticipantKind.Standard)]
    [InlineData("99", ParticipantKind.Standard)]
    [InlineData("\"4\"", ParticipantKind.Standard)]
    public void Participant_kinds_are_read_by_name_or_number_and_unknown_ones_are_standard(string kind, ParticipantKind expected)
    {
        var parsed = Parse("""{"event":"participant_joined","participant":{"identity":"x","kind":""" + kind + "}}");
        Assert.Equal(expected, parsed.Participant!.Kind);
    }

    [Theory]
    [InlineData("SCREEN_SHARE_AUDIO", TrackSource.ScreenShareAudio)]
    [InlineData("SCREEN_SHARE", TrackSource.ScreenShare)]
    [InlineData("CAMERA", TrackSource.Camera)]
    [InlineData("UNKNOWN", TrackSource.Unknown)]
    public void Track_sources_are_read_by_name(string name, TrackSource expected)
    {
        var parsed = Parse("""{"event":"track_published","track":{"sid":"TR_1","type":"AUDIO","source":""" + "\"" + name + "\"}}");
        Assert.Equal(expected, parsed.Track!.Source);
    }

    [Fact]
    public void Int64_fields_may_be_strings_or_numbers()
    {
        var asStrings = Parse("""{"event":"room_started","createdAt":"1764000000","numDropped":2,"room":{"name":"r","creationTime":"1763999999","numParticipants":3}}""");
        var asNumbers = Parse("""{"event":"room_started","createdAt":1764000000,"numDropped":2,"room":{"name":"r","creationTime":1763999999,"numParticipants":3}}""");

        Assert.Equal(1_764_000_000, asStrings.CreatedAt);
        Assert.Equal(asStrings.CreatedAt, asNumbers.CreatedAt);
        Assert.Equal(1_763_999_999, asStrings.Room!.CreationTime);
        Assert.Equal(asStrings.Room, asNumbers.Room);
        Assert.Equal(2, asStrings.NumDropped);
        Assert.Equal(3, asStrings.Room.NumParticipants);
    }

    [Fact]
    public void Snake_case_names_and_unknown_fields_are_tolerated()
    {
        var parsed = Parse("""
            {"event":"egress_ended","created_at":"5","something_new":{"x":[1,2]},
             "egress_info":{"egress_id":"EG_9","room_name":"r","status":"EGRESS_COMPLETE","started_at":"1","ended_at":"2","error":"","track":{"track_id":"TR_1","websocket_url":"wss://h/x?token={...}"}},
             "participant":{"identity":"bob","attributes":{"lk.agent":"yes"},"joined_at":"7"}}
            """);
        Assert.Equal(5, parsed.CreatedAt);
        Assert.Equal(EgressStatus.Complete, parsed.EgressInfo!.Status);
        Assert.Equal(2, parsed.EgressInfo.EndedAt);
        Assert.Equal("TR_1", parsed.EgressInfo.TrackId);
        Assert.Equal("wss://h/x?token={...}", parsed.EgressInfo.WebsocketUrl);
        Assert.Equal("yes", parsed.Participant!.Attributes["lk.agent"]);
        Assert.Equal(7, parsed.Participant.JoinedAt);
    }

    [Fact]
    public void A_newer_servers_fields_and_enum_names_are_skipped_not_fatal()
    {
        var parsed = Parse("""
            {"event":"track_published","id":"EV_3","a_new_field":[{"x":1}],"job":{"id":"J_1","type":"JT_FROM_THE_FUTURE"},
             "participant":{"identity":"alice","state":"STATE_FROM_THE_FUTURE","kind":"KIND_FROM_THE_FUTURE",
                            "kindDetails":["DETAIL_FROM_THE_FUTURE","FORWARDED"],"permission":{"canSubscribe":true,"newPermission":true}},
             "track":{"sid":"TR_1","type":"TYPE_FROM_THE_FUTURE","source":"SOURCE_FROM_THE_FUTURE","muted":true,
                      "audioFeatures":["TF_FROM_THE_FUTURE","TF_NO_DTX"],"codecs":[{"mimeType":"audio/opus","newCodecField":1}]}}
            """);

        Assert.Equal("EV_3", parsed.Id);
        Assert.Equal("alice", parsed.Participant!.Identity);
        Assert.Equal(ParticipantState.Joining, parsed.Participant.State);
        Assert.Equal(ParticipantKind.Standard, parsed.Participant.Kind);
        Assert.Equal(TrackType.Audio, parsed.Track!.Type);
        Assert.Equal(TrackSource.Unknown, parsed.Track.Source);
        Assert.True(parsed.Track.Muted);

        // An unknown name in a repeated enum is dropped, not read as the zero value (TF_STEREO).
        Assert.False(parsed.Track.Stereo);
    }

    [Theory]
    [InlineData("""{"stereo":true}""")]
    [InlineData("""{"audioFeatures":["TF_NO_DTX","TF_STEREO"]}""")]
    [InlineData("""{"audio_features":[0]}""")]
    public void A_stereo_track_is_read_from_the_deprecated_flag_or_its_audio_features(string track)
    {
        var parsed = Parse("""{"event":"track_published","track":""" + track + "}");
        Assert.True(parsed.Track!.Stereo);
    }

    [Theory]
    [InlineData("""{"event":"room_started","numDropped":1e20}""")]
    [InlineData("""{"event":"room_started","room":{"numParticipants":-1}}""")]
    [InlineData("""{"event":"room_started","createdAt":"soon"}""")]
    [InlineData("""{"event":"room_started","room":"standup"}""")]
    [InlineData("""{"event":"room_started","participant":{"attributes":{"a":1}}}""")]
    [InlineData("""{"event":"room_started","participant":{"tracks":{"sid":"TR_1"}}}""")]
    [InlineData("""{"event":7}""")]
    public void A_value_of_the_wrong_type_is_a_malformed_body_not_an_exception(string json)
    {
        var ex = Assert.Throws<WebhookRejectedException>(() => Parse(json));
        Assert.Equal(WebhookRejection.MalformedBody, ex.Reason);
    }

    [Fact]
    public void Null_values_read_as_defaults()
    {
        var parsed = Parse("""{"event":"room_finished","room":null,"createdAt":null,"participant":{"kind":null,"identity":"a"}}""");
        Assert.Null(parsed.Room);
        Assert.Equal(0, parsed.CreatedAt);
        Assert.Equal(ParticipantKind.Standard, parsed.Participant!.Kind);
    }
}
