using Scribe.Ingest;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Ingest;

/// <summary>The <c>/ingest</c> WebSocket egress dials: its signed tokens and the address handed to egress.</summary>
public static class IngestRegistration
{
    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        var ingest = ValidatedOptions.Bind<IngestOptions>(builder.Configuration, IngestOptions.Section,
            o => o.PublicUrl = ScribeSilo.ExpandHostPlaceholders(o.PublicUrl));

        // ASP.NET Core logs every request's query string at Information ("Request starting …"), and egress dials
        // /ingest with its token in the query: keep those lines out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(ingest));
        services.AddSingleton(sp => new IngestToken(ScribeSilo.ClusterSecret(sp)));
        services.AddSingleton(sp => new IngestAddress(
            ingest.PublicUrl.Length > 0 ? new Uri(ingest.PublicUrl) : ScribeSilo.OwnUrl(sp),
            ingest.TokenTtlSeconds,
            sp.GetRequiredService<IngestToken>(),
            sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}
