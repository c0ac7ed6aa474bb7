using System.Text.Json.Nodes;

namespace Scribe.Tests.LiveKit;

public sealed class AccessTokenTests
{
    private const string Key = "APIkey";
    private const string Secret = "secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

    [Fact]
    public void The_token_is_hs256_with_issuer_subject_times_and_only_the_grants_that_are_set()
    {
        var jwt = new AccessToken(Key, Secret)
        {
            Identity = "alice",
            Name = "Alice",
            Ttl = TimeSpan.FromMinutes(10),
            Metadata = "m",
            Attributes = new Dictionary<string, string> { ["a"] = "1" },
            Grant = new VideoGrant { RoomAdmin = true, Room = "standup", CanPublish = false },
        }.ToJwt(Now);

        Assert.Equal("HS256", JwtPayload.Header(jwt)["alg"]!.GetValue<string>());
        var claims = JwtPayload.Claims(jwt);
        Assert.Equal(Key, claims["iss"]!.GetValue<string>());
        Assert.Equal("alice", claims["sub"]!.GetValue<string>());
        Assert.Equal(Now.ToUnixTimeSeconds(), claims["nbf"]!.GetValue<long>());
        Assert.Equal(Now.ToUnixTimeSeconds() + 600, claims["exp"]!.GetValue<long>());
        Assert.Equal("Alice", claims["name"]!.GetValue<string>());
        Assert.Equal("m", claims["metadata"]!.GetValue<string>());
        Assert.Equal("1", claims["attributes"]!["a"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"roomAdmin":true,"room":"standup","canPublish":false}"""), claims["video"]));
        Assert.Null(claims["sha256"]);
    }

    [Fact]
    public void The_egress_grant_is_room_record_only()
    {
        var claims = JwtPayload.Claims(new AccessToken(Key, Secret) { Grant = new VideoGrant { RoomRecord = true } }.ToJwt(Now));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"roomRecord":true}"""), claims["video"]));
        Assert.Null(claims["sub"]);
    }

    [Fact]
    public void A_token_round_trips_through_our_verifier()
    {
        var jwt = new AccessToken(Key, Secret) { Identity = "bob", Grant = new VideoGrant { RoomList = true } }.ToJwt(Now);
        var claims = new AccessTokenVerifier(Key, Secret).Verify(jwt, Now.AddMinutes(1));
        Assert.Equal("bob", claims.Identity);
        Assert.Equal(new VideoGrant { RoomList = true }, claims.Video);
        Assert.Equal(Now + AccessToken.DefaultTtl, claims.ExpiresAt);
    }

    [Fact]
    public void Joining_a_room_needs_an_identity()
    {
        Assert.Throws<InvalidOperationException>(() => new AccessToken(Key, Secret) { Grant = new VideoGrant { RoomJoin = true, Room = "r" } }.ToJwt());
    }

    [Fact]
    public void The_verifier_refuses_expired_early_forged_and_foreign_tokens()
    {
        var verifier = new AccessTokenVerifier(Key, Secret);
        var jwt = new AccessToken(Key, Secret) { Ttl = TimeSpan.FromMinutes(1) }.ToJwt(Now);

        Assert.Equal(AccessTokenRejection.Expired, Assert.Throws<AccessTokenRejectedException>(() => verifier.Verify(jwt, Now.AddMinutes(2))).Reason);
        Assert.Equal(AccessTokenRejection.NotYetValid, Assert.Throws<AccessTokenRejectedException>(() => verifier.Verify(jwt, Now.AddMinutes(-1))).Reason);
        Assert.Equal(AccessTokenRejection.BadSignature, Assert.Throws<AccessTokenRejectedException>(() =>
            verifier.Verify(JwtPayload.WithClaims(jwt, c => c["video"] = new JsonObject { ["roomAdmin"] = true }), Now)).Reason);
        Assert.Equal(AccessTokenRejection.UnknownKey, Assert.Throws<AccessTokenRejectedException>(() =>
            verifier.Verify(new AccessToken("other", Secret).ToJwt(Now), Now)).Reason);
        Assert.Equal(AccessTokenRejection.Malformed, Assert.Throws<AccessTokenRejectedException>(() => verifier.Verify("not.a-jwt", Now)).Reason);
        // Within the clock skew LiveKit's SDKs allow, a token is still good.
        verifier.Verify(jwt, Now.AddMinutes(1).AddSeconds(5));
    }
}
