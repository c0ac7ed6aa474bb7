using System.Text.Json.Nodes;

namespace Scribe.Tests.LiveKit;

/// <summary>The media process's agent token, checked against the official livekit-server-sdk.</summary>
public sealed class AgentTokenMinterTests
{
    private const string Key = "APIagent";
    private const string Secret = "agent-secret-with-some-length-0123456789";

    [Fact]
    public async Task The_agent_token_carries_exactly_the_claims_the_js_sdk_puts_on_the_same_agent_token()
    {
        var ours = new AgentTokenMinter(Key, Secret) { Ttl = TimeSpan.FromMinutes(5) }.Mint("standup", "scribe-agent", "Scribe");
        var grant = new JsonObject
        {
            ["roomJoin"] = true, ["room"] = "standup", ["hidden"] = true, ["agent"] = true, ["canSubscribe"] = true, ["canPublishData"] = true, ["canPublish"] = false,
        };
        var theirs = (await NodeInterop.RunAsync("make-token", new JsonObject
        {
            ["apiKey"] = Key, ["apiSecret"] = Secret, ["identity"] = "scribe-agent", ["name"] = "Scribe", ["ttlSeconds"] = 300, ["kind"] = "agent", ["grant"] = grant,
        }))["token"]!.GetValue<string>();

        var verified = (await NodeInterop.RunAsync("verify-token", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = Secret, ["token"] = ours }))["claims"]!.AsObject();
        var reference = JwtPayload.Claims(theirs);

        Assert.True(JsonNode.DeepEquals(reference["video"], verified["video"]), $"ours {verified["video"]} vs the SDK's {reference["video"]}");
        Assert.True(JsonNode.DeepEquals(grant, verified["video"]));
        foreach (var claim in new[] { "kind", "sub", "name", "iss" })
        {
            Assert.Equal(reference[claim]!.GetValue<string>(), verified[claim]!.GetValue<string>());
        }

        Assert.Equal("agent", verified["kind"]!.GetValue<string>());
        Assert.Equal(300, verified["exp"]!.GetValue<long>() - verified["nbf"]!.GetValue<long>());
        Assert.Equal(
            reference.Select(c => c.Key).Where(k => k is not ("jti" or "iat")).Order(),
            verified.Select(c => c.Key).Order());
    }

    [Fact]
    public void The_token_is_short_lived_by_default_and_starts_now()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);
        var jwt = new AgentTokenMinter(Key, Secret, new FakeTimeProvider(now)).Mint("r", "scribe-agent");
        var claims = new AccessTokenVerifier(Key, Secret).Verify(jwt, now);
        Assert.Equal(now + AgentTokenMinter.DefaultTtl, claims.ExpiresAt);
        Assert.Equal(new VideoGrant { RoomJoin = true, Room = "r", Hidden = true, Agent = true, CanPublish = false, CanSubscribe = true, CanPublishData = true }, claims.Video);
        Assert.Null(JwtPayload.Claims(jwt)["name"]);
    }
}
