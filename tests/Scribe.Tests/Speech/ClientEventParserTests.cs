using System.Text;
using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

/// <summary>Client text frames to typed events or vLLM's error codes, without a socket.</summary>
public sealed class ClientEventParserTests
{
    private static ClientEvent Parse(string text) => ClientEventParser.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Session_update_carries_its_model_and_ignores_other_fields()
    {
        var parsed = Parse("""{"type":"session.update","model":"m","language":"fr","target_streaming_delay_ms":480}""");
        Assert.Equal(new ClientEvent.SessionUpdate("m"), parsed);
    }

    [Theory]
    [InlineData("""{"type":"session.update"}""")]
    [InlineData("""{"type":"session.update","model":""}""")]
    [InlineData("""{"type":"session.update","model":7}""")]
    public void Session_update_without_a_model_is_an_invalid_event(string text) =>
        Assert.Equal(RealtimeErrorCode.InvalidEvent, Assert.IsType<ClientEvent.Refused>(Parse(text)).Code);

    [Fact]
    public void An_append_carries_little_endian_pcm16_samples()
    {
        var audio = Convert.ToBase64String([0x01, 0x00, 0xFF, 0x7F, 0x00, 0x80]);
        var append = Assert.IsType<ClientEvent.Append>(Parse($$"""{"type":"input_audio_buffer.append","audio":"{{audio}}"}"""));
        Assert.Equal(new short[] { 1, short.MaxValue, short.MinValue }, append.Samples);
    }

    [Theory]
    [InlineData("""{"type":"input_audio_buffer.append","audio":""}""", RealtimeErrorCode.InvalidAudio)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"not base64!"}""", RealtimeErrorCode.InvalidAudio)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":"AAEC"}""", RealtimeErrorCode.InvalidAudio)]
    [InlineData("""{"type":"input_audio_buffer.append"}""", RealtimeErrorCode.ProcessingError)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":null}""", RealtimeErrorCode.ProcessingError)]
    [InlineData("""{"type":"input_audio_buffer.append","audio":[1,2]}""", RealtimeErrorCode.ProcessingError)]
    public void Bad_appends_get_vllms_codes(string text, string code)
    {
        var refused = Assert.IsType<ClientEvent.Refused>(Parse(text));
        Assert.Equal(code, refused.Code);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Theory]
    [InlineData("""{"type":"input_audio_buffer.commit"}""", false)]
    [InlineData("""{"type":"input_audio_buffer.commit","final":false}""", false)]
    [InlineData("""{"type":"input_audio_buffer.commit","final":"true"}""", false)]
    [InlineData("""{"type":"input_audio_buffer.commit","final":true}""", true)]
    public void A_commit_is_final_only_with_final_true(string text, bool final) =>
        Assert.Equal(new ClientEvent.Commit(final), Parse(text));

    [Theory]
    [InlineData("{not json", RealtimeErrorCode.InvalidJson)]
    [InlineData("", RealtimeErrorCode.InvalidJson)]
    [InlineData("[1, 2]", RealtimeErrorCode.ProcessingError)]
    [InlineData("42", RealtimeErrorCode.ProcessingError)]
    [InlineData("\"session.update\"", RealtimeErrorCode.ProcessingError)]
    [InlineData("""{"type":"response.create"}""", RealtimeErrorCode.UnknownEvent)]
    [InlineData("""{"audio":"AAAA"}""", RealtimeErrorCode.UnknownEvent)]
    [InlineData("""{"type":3}""", RealtimeErrorCode.UnknownEvent)]
    public void Frames_that_are_not_events_get_vllms_codes(string text, string code) =>
        Assert.Equal(code, Assert.IsType<ClientEvent.Refused>(Parse(text)).Code);
}
