using Microsoft.AspNetCore.Connections;
using Scribe.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
WebApplication app;
try
{
    app = SpeechServerMode.IsSelected(builder.Configuration)
        ? SpeechServerMode.Build(builder)
        : builder.AddScribeSilo().Build().MapScribeSilo();
}
catch (InvalidConfigurationException e)
{
    // One clear line naming the setting, not a stack trace.
    Console.Error.WriteLine($"scribe: configuration error: {e.Message}");
    return 2;
}

try
{
    await app.RunAsync();
}
catch (Exception e) when (e is AddressInUseException || e.InnerException is AddressInUseException)
{
    // A port (HTTP, silo or gateway) taken by another process: one line and an exit code, not an abort and a trace.
    Console.Error.WriteLine($"scribe: cannot listen: {e.Message}");
    return 3;
}

return 0;
