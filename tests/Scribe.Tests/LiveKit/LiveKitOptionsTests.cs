using System.ComponentModel.DataAnnotations;

namespace Scribe.Tests.LiveKit;

public sealed class LiveKitOptionsTests
{
    private static List<string> Errors(LiveKitOptions options) => [.. OptionsValidation.Validate(options).SelectMany(r => r.MemberNames)];

    [Theory]
    [InlineData("ws://localhost:7880")]
    [InlineData("wss://lk.example.com")]
    [InlineData("http://127.0.0.1:7880")]
    [InlineData("HTTPS://lk.example.com")]
    public void Http_and_websocket_urls_are_valid(string url)
    {
        Assert.Empty(Errors(new LiveKitOptions { Url = url, ApiKey = "k", ApiSecret = "s" }));
    }

    [Fact]
    public void Missing_values_and_other_schemes_are_reported()
    {
        Assert.Equal(["Url", "ApiKey", "ApiSecret"], Errors(new LiveKitOptions()));
        Assert.Equal(["Url"], Errors(new LiveKitOptions { Url = "ftp://lk", ApiKey = "k", ApiSecret = "s" }));
        Assert.Equal("LiveKit", LiveKitOptions.Section);
    }
}
