using Microsoft.AspNetCore.Routing;
using Scribe.Silo.Api;

namespace Scribe.Tests.Api;

/// <summary><c>GET /openapi/v1.json</c> describes every <c>/api</c> route the silo maps, and every route declares a scope.</summary>
public sealed class OpenApiTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private IReadOnlyList<RouteEndpoint> ApiRoutes() =>
        [.. fixture.Silo.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)];

    [Fact]
    public async Task Every_api_route_is_in_the_document_with_the_bearer_scheme()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Silo.Url };
        var document = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");

        var routes = ApiRoutes();
        Assert.True(routes.Count >= 14, $"only {routes.Count} /api routes mapped");
        foreach (var route in routes)
        {
            var path = route.RoutePattern.RawText!.TrimEnd('/');
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is not in the OpenAPI document");
            foreach (var method in route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)
            {
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is not in the OpenAPI document");
                Assert.True(operation.TryGetProperty("responses", out _), $"{method} {path} has no responses");
                Assert.Contains("cope", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
            }
        }

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(ScribeOpenApi.SchemeName);
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        Assert.Equal(ScribeOpenApi.SchemeName, document.GetProperty("security")[0].EnumerateObject().Single().Name);

        // Parameters and bodies are described: the transcript's format, the endpoint's JSON body.
        var transcript = paths.GetProperty("/api/rooms/{room}/transcript").GetProperty("get");
        Assert.Contains(transcript.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "format");
        Assert.True(paths.GetProperty("/api/endpoints").GetProperty("post").TryGetProperty("requestBody", out _));
    }

    [Fact]
    public void Every_api_route_declares_its_scope()
    {
        foreach (var route in ApiRoutes())
        {
            var scope = route.Metadata.GetMetadata<RequiredScope>();
            Assert.True(scope is not null, $"{route.RoutePattern.RawText} declares no scope");
            Assert.True(scope == RequiredScope.AnyCaller || ApiScope.IsKnown(scope.Scope), $"{route.RoutePattern.RawText}: unknown scope {scope.Scope}");
        }
    }
}
