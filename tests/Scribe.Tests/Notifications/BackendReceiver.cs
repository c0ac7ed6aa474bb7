using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Scribe.Tests.Notifications;

/// <summary>A meeting backend on loopback Kestrel: records every notification POST, and answers with <see cref="Answer"/>.</summary>
public sealed class BackendReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BackendReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>The status code the next requests get.</summary>
    public int Answer { get; set; } = StatusCodes.Status204NoContent;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public static async Task<BackendReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new BackendReceiver(app);
        app.MapPost("/scribe-events", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            var status = receiver.Answer;
            receiver.Requests.Enqueue(new Received(body.ToArray(), request.Headers["Scribe-Signature"].ToString(), request.ContentType, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = new Uri(Loopback.AddressOf(app), "/scribe-events");
        return receiver;
    }

    public async Task<Received> WaitForAsync(Func<Received, bool> match, TimeSpan timeout)
    {
        var received = await Eventually.ReturnsAsync(() => Task.FromResult(Requests.ToArray()), all => all.Any(match), "a matching notification arrives", timeout);
        return received.First(match);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <param name="AnsweredWith">The status code this request was answered with.</param>
    public sealed record Received(byte[] Body, string Signature, string? ContentType, int AnsweredWith)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        public string Id => Json.GetProperty("id").GetString()!;

        public string Type => Json.GetProperty("type").GetString()!;

        public string Room => Json.GetProperty("room").GetString()!;

        public bool IsReadyFor(string room) => Type == "transcript.ready" && Room == room;
    }
}
