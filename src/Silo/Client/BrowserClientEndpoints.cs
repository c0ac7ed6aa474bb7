using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Scribe.Silo.Client;

/// <summary>
/// <c>/client/*</c>: the browser modules a meeting page imports (<c>scribe-captions.js</c>), built into this assembly.
/// They hold no secret and a meeting page lives on another origin, so any origin may load them.
/// </summary>
public static class BrowserClientEndpoints
{
    public const string Path = "/client";

    public static WebApplication MapBrowserClient(this WebApplication app)
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript"; // the type browsers require of a module script
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(Assembly.GetExecutingAssembly(), "client"),
            RequestPath = Path,
            ContentTypeProvider = types,
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers.AccessControlAllowOrigin = "*";
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
            },
        });
        return app;
    }
}
