using System.Text;

namespace Scribe.Tests.Realtime;

public sealed class RealtimeProtocolTests
{
    [Fact]
    public void An_append_is_a_text_event_with_base64_pcm16_little_endian()
    {
        short[] samples = [1, -2, short.MaxValue, short.MinValue];
        var buffer = new byte[RealtimeClientMessages.AppendSize(samples.Length)];
        var length = RealtimeClientMessages.WriteAppend(samples, buffer);

        using var json = JsonDocument.Parse(buffer.AsMemory(0, length));
        Assert.Equal("input_audio_buffer.append", json.RootElement.GetProperty("type").GetString());
        var pcm = Convert.FromBase64String(json.RootElement.GetProperty("audio").GetString()!);
        Assert.Equal([1, 0, 0xFE, 0xFF, 0xFF, 0x7F, 0x00, 0x80], pcm);
    }

    [Fact]
    public void Session_update_carries_the_model_at_top_level_and_the_language_when_set()
    {
        using var withLanguage = JsonDocument.Parse(RealtimeClientMessages.SessionUpdate("voxtral", "fr"));
        Assert.Equal("session.update", withLanguage.RootElement.GetProperty("type").GetString());
        Assert.Equal("voxtral", withLanguage.RootElement.GetProperty("model").GetString());
        Assert.Equal("fr", withLanguage.RootElement.GetProperty("language").GetString());

        using var without = JsonDocument.Parse(RealtimeClientMessages.SessionUpdate("voxtral", null));
        Assert.False(without.RootElement.TryGetProperty("language", out _));
    }

    [Fact]
    public void Commits_are_plain_and_final()
    {
        Assert.Equal("""{"type":"input_audio_buffer.commit"}""", Encoding.UTF8.GetString(RealtimeClientMessages.Commit.Span));
        using var final = JsonDocument.Parse(RealtimeClientMessages.CommitFinal);
        Assert.True(final.RootElement.GetProperty("final").GetBoolean());
    }

    [Theory]
    [InlineData("""{"type":"session.created","id":"sess-1","created":1}""", "SessionCreated { Id = sess-1 }")]
    [InlineData("""{"type":"transcription.delta","delta":" hello"}""", "TranscriptionDelta { Delta =  hello }")]
    [InlineData("""{"type":"error","error":"bad","code":"invalid_audio"}""", "RealtimeError { Message = bad, Code = invalid_audio }")]
    [InlineData("""{"type":"rate_limits.updated"}""", "UnknownEvent { Type = rate_limits.updated }")]
    [InlineData("""not json""", "UnknownEvent { Type = (invalid json) }")]
    public void Server_events_parse(string json, string expected)
    {
        Assert.Equal(expected, RealtimeServerEvent.Parse(Encoding.UTF8.GetBytes(json)).ToString());
    }

    [Fact]
    public void Done_carries_text_and_usage_which_may_be_null()
    {
        var done = Assert.IsType<TranscriptionDone>(RealtimeServerEvent.Parse(
            """{"type":"transcription.done","text":"hi there","usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"""u8));
        Assert.Equal("hi there", done.Text);
        Assert.Equal(new TokenUsage(12, 3, 15), done.Usage);

        var bare = Assert.IsType<TranscriptionDone>(RealtimeServerEvent.Parse("""{"type":"transcription.done","text":"x","usage":null}"""u8));
        Assert.Null(bare.Usage);
    }
}
