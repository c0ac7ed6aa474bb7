using System.Buffers.Binary;
using System.Text;
using Scribe.Media;

namespace Scribe.Tests.Media;

public sealed class MediaChannelTests
{
    public static TheoryData<MediaMessage> Messages() =>
    [
        new JoinMessage("standup", "ws://127.0.0.1:7880", "eyJ.token.x", "scribe-agent", ["standard", "sip"]),
        new LeaveMessage("standup"),
        new TranscriptionMessage("standup", "alice", "TR_1", "seg-1", "hello there", false, 120, 980, "en"),
        new TranscriptionMessage("standup", "alice", "TR_1", "seg-1", "hello there", true, 120, 980),
        new DataMessage("standup", "lk.scribe.transcript", [0, 1, 2, 255]),
        new HelloMessage(new string('a', 64), 1, 4242),
        new ReadyMessage(),
        new JoinedMessage("standup", "PA_agent", [new AgentParticipant("alice", "PA_1", "Alice", "standard")]),
        new JoinFailedMessage("standup", "connection refused"),
        new TrackMessage("standup", 7, "alice", "PA_1", "Alice", "standard", "TR_1", true),
        new MutedMessage("standup", 7, false),
        new TrackEndedMessage("standup", 7, "unpublished"),
        new ParticipantLeftMessage("standup", "alice", "PA_1"),
        new ReconnectingMessage("standup"),
        new ReconnectedMessage("standup"),
        new LeftMessage("standup", "room_deleted"),
        new ErrorMessage("boom", "standup"),
        new ErrorMessage("no room"),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task Every_message_round_trips_through_a_frame(MediaMessage message)
    {
        var frame = MediaChannel.Encode(message);

        Assert.Equal(frame.Length - 4, MediaChannel.ReadLength(frame));
        Assert.Equal(MediaChannel.JsonKind, frame[4]);
        var read = Assert.IsType<MessageFrame>(await MediaChannel.ReadAsync(new MemoryStream(frame), CancellationToken.None));
        Assert.Equal(Canonical(message), Canonical(read.Message));
        Assert.Equal(message.GetType(), read.Message.GetType());
    }

    [Fact]
    public void Messages_carry_the_type_and_camel_case_names_the_media_process_reads()
    {
        var json = Encoding.UTF8.GetString(MediaChannel.Encode(new TrackEndedMessage("r", 3, "unsubscribed")).AsSpan(5));
        Assert.Equal("""{"type":"trackEnded","room":"r","handle":3,"reason":"unsubscribed"}""", json);
        var data = Encoding.UTF8.GetString(MediaChannel.Encode(new DataMessage("r", "t", [1, 2, 3])).AsSpan(5));
        Assert.Contains("\"payload\":\"AQID\"", data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_from_node_with_the_type_last_and_unknown_fields_still_parses()
    {
        var frame = Parse("""{"room":"r","handle":5,"muted":true,"extra":1,"type":"muted"}""");
        Assert.Equal(new MutedMessage("r", 5, true), Assert.IsType<MessageFrame>(frame).Message);
    }

    [Fact]
    public void Secrets_and_tokens_stay_out_of_a_message_printed_to_a_log()
    {
        Assert.DoesNotContain("tok3n", new JoinMessage("r", "ws://x", "tok3n", "agent", ["standard"]).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", new HelloMessage("s3cret", 1, 1).ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n", new AgentJoin("r", "ws://x", "agent", ["standard"], () => "tok3n").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audio_round_trips_with_its_handle_offset_and_samples()
    {
        var pcm = new byte[640];
        Random.Shared.NextBytes(pcm);
        var frame = MediaChannel.EncodeAudio(0xFEEDBEEF, 0x80000001, pcm);

        Assert.Equal(4 + 1 + 8 + 640, frame.Length);
        Assert.Equal(0xFEEDBEEFu, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(5)));
        var audio = Assert.IsType<TrackAudioFrame>(await MediaChannel.ReadAsync(new MemoryStream(frame), CancellationToken.None));
        Assert.Equal(0xFEEDBEEFu, audio.Handle);
        Assert.Equal(0x80000001u, audio.Pcm.SampleOffset);
        Assert.Equal(320, audio.Pcm.Samples);
        Assert.Equal(pcm, audio.Pcm.Pcm.ToArray());
    }

    [Fact]
    public async Task Frames_back_to_back_are_read_one_by_one_and_a_clean_end_reads_as_null()
    {
        var stream = new MemoryStream([.. MediaChannel.Encode(new ReadyMessage()), .. MediaChannel.EncodeAudio(1, 0, new byte[4]), .. MediaChannel.Encode(new LeaveMessage("r"))]);
        Assert.IsType<MessageFrame>(await MediaChannel.ReadAsync(stream, CancellationToken.None));
        Assert.IsType<TrackAudioFrame>(await MediaChannel.ReadAsync(stream, CancellationToken.None));
        Assert.Equal(new LeaveMessage("r"), Assert.IsType<MessageFrame>(await MediaChannel.ReadAsync(stream, CancellationToken.None)).Message);
        Assert.Null(await MediaChannel.ReadAsync(stream, CancellationToken.None));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(MediaChannel.MaxFrameLength + 1u)]
    [InlineData(uint.MaxValue)]
    public void A_length_outside_the_limits_is_refused(uint length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        Assert.Throws<MediaChannelException>(() => MediaChannel.ReadLength(header));
    }

    [Theory]
    [InlineData(new byte[] { 3, 1, 2 })] // unknown kind
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0, 0 })] // audio shorter than its header
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0, 0, 0, 9 })] // odd PCM length: half a sample
    public void A_malformed_body_is_refused(byte[] body) =>
        Assert.Throws<MediaChannelException>(() => MediaChannel.Parse(body));

    [Theory]
    [InlineData("""{"room":"r"}""")] // no type
    [InlineData("""{"type":"teleport","room":"r"}""")] // unknown type
    [InlineData("""[{"type":"leave","room":"r"}]""")] // not an object
    [InlineData("""{"type":"leave"}""")] // a required field missing
    [InlineData("""{"type":"leave","room":null}""")] // null where a string is required
    [InlineData("""{"type":"leave","room":"r" """)] // cut short
    [InlineData("null")]
    public void A_json_frame_that_is_not_a_known_message_is_refused(string json) =>
        Assert.Throws<MediaChannelException>(() => Parse(json));

    [Fact]
    public async Task A_stream_cut_inside_a_frame_is_an_error_not_an_end()
    {
        var frame = MediaChannel.Encode(new LeaveMessage("standup"));
        await Assert.ThrowsAsync<MediaChannelException>(async () => await MediaChannel.ReadAsync(new MemoryStream(frame[..2]), CancellationToken.None));
        await Assert.ThrowsAsync<MediaChannelException>(async () => await MediaChannel.ReadAsync(new MemoryStream(frame[..^1]), CancellationToken.None));
    }

    private static MediaFrame Parse(string json) => MediaChannel.Parse((byte[])[MediaChannel.JsonKind, .. Encoding.UTF8.GetBytes(json)]);

    private static string Canonical(MediaMessage message) => Encoding.UTF8.GetString(MediaChannel.Encode(message));
}
