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
        return builder;
    }
}
