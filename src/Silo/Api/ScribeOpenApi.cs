using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Scribe.Silo.Api;

/// <summary>
/// The API's description at <c>GET /openapi/v1.json</c> (ASP.NET Core's built-in generator): every <c>/api</c>
/// route, the bearer scheme, and on each operation the scope it needs.
/// </summary>
public static class ScribeOpenApi
{
    public const string Path = "/openapi/{documentName}.json";
    public const string SchemeName = "bearer";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Only the API: the webhook, ingest and dashboard routes are not for API clients.
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true
            || description.RelativePath == "api";
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Scribe API";
            document.Info.Description = "Rooms, transcripts, speech endpoints and the cluster. Authorization: Bearer <API key or viewer token>; each operation names the scope it needs.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Admin:ApiKey, a key of Api:Keys, or a viewer token from POST /api/rooms/{room}/viewer-token.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().LastOrDefault() is { } scope)
            {
                var needs = scope == RequiredScope.AnyCaller ? "Scope: none, any credential." : $"Scope: `{scope.Scope}`.";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : operation.Description + " " + needs;
            }

            return Task.CompletedTask;
        });
    }
}
