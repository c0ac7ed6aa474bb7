using System.Text;
using Scribe.Ingest;

namespace Scribe.Tests.Ingest;

public sealed class IngestTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private readonly IngestToken _tokens = new(Encoding.UTF8.GetBytes("cluster-secret-cluster-secret"));
    private readonly IngestGrant _grant = new("room/with/slashes", "ann", "TR_1", Now.AddMinutes(5));

    [Fact]
    public void A_token_round_trips_its_grant_and_is_url_safe()
    {
        var token = _tokens.Create(_grant);

        Assert.DoesNotContain(token, c => c is '+' or '/' or '=');
        Assert.True(_tokens.TryValidate(token, Now, out var grant, out var reason), reason);
        Assert.Equal(_grant with { ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(_grant.ExpiresAt.ToUnixTimeSeconds()) }, grant);
    }

    [Fact]
    public void An_expired_token_is_refused()
    {
        Assert.False(_tokens.TryValidate(_tokens.Create(_grant), Now.AddMinutes(6), out _, out var reason));
        Assert.Equal("expired token", reason);
    }

    [Fact]
    public void A_token_signed_with_another_secret_or_altered_is_refused()
    {
        var stranger = new IngestToken(Encoding.UTF8.GetBytes("another-secret-entirely"));
        Assert.False(_tokens.TryValidate(stranger.Create(_grant), Now, out _, out var reason));
        Assert.Equal("bad signature", reason);

        var token = _tokens.Create(_grant);
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        Assert.False(_tokens.TryValidate(altered, Now, out _, out reason));
        Assert.Equal("bad signature", reason);
    }

    [Theory]
    [InlineData(null, "missing token")]
    [InlineData("", "missing token")]
    [InlineData("no-dot", "malformed token")]
    [InlineData(".abc", "malformed token")]
    [InlineData("abc.", "malformed token")]
    [InlineData("a+b/c=.abc", "malformed token")]
    [InlineData("!!!.???", "malformed token")]
    public void A_malformed_token_says_so(string? token, string expected)
    {
        Assert.False(_tokens.TryValidate(token, Now, out var grant, out var reason));
        Assert.Null(grant);
        Assert.Equal(expected, reason);
    }
}
