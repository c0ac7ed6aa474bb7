using Scribe.Silo.Dashboard;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary>The <c>/api</c> group: its keys and their scopes, its JSON, its OpenAPI document, and the dashboard on top of it.</summary>
public static class ScribeApiRegistration
{
    public static WebApplicationBuilder AddScribeApi(this WebApplicationBuilder builder)
    {
        var admin = ValidatedOptions.Bind<AdminOptions>(builder.Configuration, AdminOptions.Section);
        var api = ValidatedOptions.Bind<ApiOptions>(builder.Configuration, ApiOptions.Section);
        ApiKeyRule.RefuseReuse(admin, api);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(admin));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(api));
        services.AddSingleton(sp => new ViewerToken(ScribeSilo.ClusterSecret(sp)));
        services.AddSingleton<ApiCredentials>();
        services.AddSingleton<ApiAuthFilter>();
        services.ConfigureHttpJsonOptions(o => ScribeApi.Configure(o.SerializerOptions));
        services.AddOpenApi(ScribeOpenApi.Configure);
        services.AddScribeDashboard();
        services.AddProblemDetails();
        // Pages of the meeting's own origin read a viewer's routes (ApiScopeExtensions.AllowViewer) with a token in the header.
        services.AddCors(cors => cors.AddPolicy(ApiScopeExtensions.ViewerCorsPolicy, policy => policy
            .WithOrigins([.. api.AllowedOrigins])
            .WithMethods(HttpMethods.Get)
            .WithHeaders("Authorization", "Last-Event-ID")
            .WithExposedHeaders("Content-Disposition", "ETag")));
        return builder;
    }
}
