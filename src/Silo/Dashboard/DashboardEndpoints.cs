using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Scribe.Silo.Api;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Dashboard;

/// <summary>
/// Our admin dashboard at <c>/dashboard</c> (static files built into this assembly, so every silo serves them)
/// and the Orleans Dashboard at <c>/orleans</c>, which opens only with the admin key as a bearer token or
/// with the cookie our dashboard obtains from <c>POST /dashboard/session</c>.
/// </summary>
public static class DashboardEndpoints
{
    public const string Path = "/dashboard";
    public const string OrleansPath = "/orleans";

    public static IServiceCollection AddScribeDashboard(this IServiceCollection services) =>
        services.AddSingleton(sp => new DashboardCookie(
            Encoding.UTF8.GetBytes(sp.GetRequiredService<IOptions<AdminOptions>>().Value.ApiKey),
            sp.GetRequiredService<TimeProvider>()));

    public static WebApplication MapScribeDashboard(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "dashboard");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers.CacheControl = "no-cache";
                SecurityHeaders(headers, "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            },
        });

        // Issues the /orleans cookie to a caller that proved it holds a key with the cluster scope.
        app.MapPost(Path + "/session", IssueOrleansCookie).AddEndpointFilter<ApiAuthFilter>().RequireScope(ApiScope.Cluster);

        // The gate runs before any /orleans endpoint, whatever kind of endpoint the Orleans Dashboard maps.
        app.UseWhen(http => http.Request.Path.StartsWithSegments(OrleansPath), gate => gate.Use(async (http, next) =>
        {
            // Not framed, not sniffed, no referrer: as our dashboard. The Orleans Dashboard's own scripts set the rest.
            SecurityHeaders(http.Response.Headers, "frame-ancestors 'none'");
            var caller = http.RequestServices.GetRequiredService<ApiCredentials>().Authenticate(http.Request);
            var cookie = http.RequestServices.GetRequiredService<DashboardCookie>();
            if (caller?.Holds(ApiScope.Cluster) == true || cookie.IsValid(http.Request.Cookies[DashboardCookie.Name]))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(
                "<!doctype html><html lang=\"en\"><title>Scribe: sign in first</title><h1>Sign in first</h1>"
                + "<p>The Orleans Dashboard opens after the admin key was entered in the "
                + $"<a href=\"{Path}/\">Scribe dashboard</a>.</p></html>");
        }));
        app.MapOrleansDashboard(OrleansPath);
        return app;
    }

    private static void SecurityHeaders(IHeaderDictionary headers, string contentSecurityPolicy)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
    }

    private static NoContent IssueOrleansCookie(HttpContext http, DashboardCookie cookie)
    {
        http.Response.Cookies.Append(DashboardCookie.Name, cookie.Issue(), new CookieOptions
        {
            Path = OrleansPath,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            // Behind a TLS proxy, IsHttps comes from X-Forwarded-Proto when Proxy:ForwardedHeaders is on.
            Secure = http.Request.IsHttps,
            MaxAge = DashboardCookie.Lifetime,
        });
        return TypedResults.NoContent();
    }
}
