using System.Text;
using Microsoft.AspNetCore.Http;
using Scribe.Silo.Api;
using Scribe.Silo.Dashboard;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Dashboard;

/// <summary>The rules behind the dashboard's two ways in that are not a bearer header.</summary>
public sealed class DashboardAuthTests
{
    private const string Key = "the-admin-key-0123456789";
    private readonly ApiCredentials _credentials = new(
        Microsoft.Extensions.Options.Options.Create(new AdminOptions { ApiKey = Key }),
        Microsoft.Extensions.Options.Options.Create(new ApiOptions()),
        new ViewerToken(Encoding.UTF8.GetBytes("a-cluster-secret")),
        TimeProvider.System);

    [Theory]
    [InlineData("GET", "/api/rooms/standup/transcript/stream", "?access_token=" + Key, true)]
    [InlineData("GET", "/api/rooms/standup/transcript/stream", "?access_token=wrong-key-wrong-key", false)]
    [InlineData("GET", "/api/rooms/standup/transcript/stream", "", false)]
    [InlineData("POST", "/api/rooms/standup/transcript/stream", "?access_token=" + Key, false)]
    [InlineData("GET", "/api/rooms/standup/transcript", "?access_token=" + Key, false)]
    [InlineData("GET", "/api/cluster", "?access_token=" + Key, false)]
    [InlineData("POST", "/api/endpoints/gpu-1/drain", "?access_token=" + Key, false)]
    [InlineData("GET", "/api/rooms/standup/transcript/stream", "?access_token=" + Key + "&access_token=" + Key, false)]
    [InlineData("GET", "/api/rooms/stream", "?access_token=" + Key, false)]
    public void The_key_in_the_query_opens_only_stream_gets(string method, string path, string query, bool allowed)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        http.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        // The route decides, not the path: only the stream route declares that it takes a query credential.
        http.SetEndpoint(path.EndsWith("/transcript/stream", StringComparison.Ordinal)
            ? new Endpoint(null, new EndpointMetadataCollection(QueryCredential.Instance), "stream")
            : new Endpoint(null, new EndpointMetadataCollection(), "other"));

        Assert.Equal(allowed, _credentials.Authenticate(http.Request) is not null);
    }

    [Fact]
    public void The_bearer_header_opens_every_route()
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.Path = "/api/endpoints/gpu-1/drain";
        http.Request.Headers.Authorization = "Bearer " + Key;
        Assert.True(_credentials.Authenticate(http.Request) is not null);

        http.Request.Headers.Authorization = "Bearer " + Key + "x";
        Assert.False(_credentials.Authenticate(http.Request) is not null);
    }

    [Fact]
    public void The_orleans_cookie_is_signed_with_the_key_and_expires()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-24T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var cookie = new DashboardCookie(Encoding.UTF8.GetBytes(Key), clock);
        var value = cookie.Issue();

        Assert.DoesNotContain(Key, value, StringComparison.Ordinal);
        Assert.True(cookie.IsValid(value));
        Assert.False(new DashboardCookie(Encoding.UTF8.GetBytes("another-admin-key-999"), clock).IsValid(value));
        Assert.False(cookie.IsValid(value[..^1] + (value[^1] == '0' ? '1' : '0')));
        var expiry = long.Parse(value.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(cookie.IsValid((expiry + 3600) + "." + value.Split('.')[1])); // a later expiry is not signed
        Assert.False(cookie.IsValid(""));
        Assert.False(cookie.IsValid("garbage"));
        Assert.False(cookie.IsValid("1.zz"));

        clock.Now += DashboardCookie.Lifetime + TimeSpan.FromSeconds(1);
        Assert.False(cookie.IsValid(value));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
