using Scribe.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (SpeechServerMode.IsSelected(builder.Configuration))
{
    await SpeechServerMode.Build(builder).RunAsync();
    return 0;
}

try
{
    builder.AddScribeSilo();
}
catch (InvalidConfigurationException e)
{
    // One clear line naming the setting, not a stack trace.
    Console.Error.WriteLine($"scribe: configuration error: {e.Message}");
    return 2;
}

var app = builder.Build();
app.MapScribeSilo();
await app.RunAsync();
return 0;
