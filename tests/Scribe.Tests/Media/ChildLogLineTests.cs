using Microsoft.Extensions.Logging;
using Scribe.Media;

namespace Scribe.Tests.Media;

public sealed class ChildLogLineTests
{
    [Theory]
    [InlineData(20, LogLevel.Debug)]
    [InlineData(30, LogLevel.Information)]
    [InlineData(40, LogLevel.Warning)]
    [InlineData(50, LogLevel.Error)]
    [InlineData(60, LogLevel.Critical)]
    public void A_pino_level_maps_to_ours(int pino, LogLevel expected) =>
        Assert.Equal(expected, ChildLogLine.Parse($$"""{"level":{{pino}},"time":1,"name":"scribe-media","msg":"m"}""").Level);

    [Fact]
    public void Our_own_lines_keep_their_message_and_extra_fields_and_the_sdk_lines_say_whose_they_are()
    {
        var ours = ChildLogLine.Parse("""{"level":30,"time":1,"name":"scribe-media","msg":"joined room","room":"standup","participants":2}""");
        Assert.Equal("joined room", ours.Message);
        Assert.Equal("""{"room":"standup","participants":2}""", ours.Fields);

        var sdk = ChildLogLine.Parse("""{"level":40,"time":1,"pid":9,"hostname":"h","name":"lk-rtc","msg":"could not find participant"}""");
        Assert.Equal("lk-rtc: could not find participant", sdk.Message);
        Assert.Null(sdk.Fields);
    }

    [Fact]
    public void Anything_shaped_like_a_token_is_blanked_in_json_and_in_plain_lines()
    {
        const string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLWJ5dGVz";
        var json = ChildLogLine.Parse($$"""{"level":50,"msg":"failed with {{Jwt}}","url":"wss://x/rtc?access_token={{Jwt}}"}""");
        var plain = ChildLogLine.Parse($"thread panicked: token {Jwt}", LogLevel.Warning);

        Assert.DoesNotContain(Jwt, json.Message + json.Fields, StringComparison.Ordinal);
        Assert.Contains("[redacted-jwt]", json.Fields, StringComparison.Ordinal);
        Assert.DoesNotContain(Jwt, plain.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, plain.Level);
    }
}
