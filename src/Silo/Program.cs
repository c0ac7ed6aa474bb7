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

await app.RunAsync();
return 0;
