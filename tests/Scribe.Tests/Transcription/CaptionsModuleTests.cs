using System.Diagnostics;
using System.Net;
using Scribe.Captions;

namespace Scribe.Tests.Transcription;

/// <summary>
/// The browser module (src/Silo/wwwroot/client/scribe-captions.js) under node's own test runner
/// (tests/interop/captions), fed documented shapes and messages serialised here by Scribe's own types.
/// </summary>
public sealed class CaptionsModuleTests(ApiSiloFixture silo) : IClassFixture<ApiSiloFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_captions_module_passes_its_node_tests_on_messages_scribe_serialises()
    {
        var messages = Path.Combine(Path.GetTempPath(), $"scribe-messages-{Guid.NewGuid():N}.json");
        byte[][] sent =
        [
            new TranscriptionStatusMessage(true, "fr").ToUtf8Json(),
            TranscriptDataMessage.Of(Segment("alice:TR_a:1.0", "alice", "Alice", "salut", false, 120, 600)).ToUtf8Json(),
            TranscriptDataMessage.Of(Segment("bob:TR_b:1.0", "bob", "Bob", "bonjour", true, 40, 700)).ToUtf8Json(),
            TranscriptDataMessage.Of(Segment("alice:TR_a:1.0", "alice", "Alice", "salut tout le monde", true, 120, 1500)).ToUtf8Json(),
        ];
        await File.WriteAllTextAsync(messages, JsonSerializer.Serialize(sent.Select(Convert.ToBase64String)));
        try
        {
            var (exit, output) = await RunNodeTestsAsync(messages);

            Assert.True(exit == 0, output);
            Assert.Contains("# pass 6", output, StringComparison.Ordinal);
            Assert.Contains("# fail 0", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(messages);
        }
    }

    [Fact]
    public async Task The_silo_serves_the_module_to_pages_of_any_origin()
    {
        using var anonymous = new HttpClient { BaseAddress = silo.Silo.Url };
        using var response = await anonymous.GetAsync(new Uri("/client/scribe-captions.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "src", "Silo", "wwwroot", "client", "scribe-captions.js")), await response.Content.ReadAsStringAsync());
    }

    private static TranscriptSegment Segment(string id, string speaker, string name, string text, bool final, long startMs, long endMs) =>
        new(id, "standup", speaker, name, id.Split(':')[1], startMs, endMs, text, final);

    private static async Task<(int Exit, string Output)> RunNodeTestsAsync(string messages)
    {
        var start = new ProcessStartInfo(NodeInterop.NodeExecutable()) { WorkingDirectory = Repository.Root };
        start.ArgumentList.Add("--test");
        start.ArgumentList.Add("--test-reporter=tap");
        start.ArgumentList.Add(Path.Combine("tests", "interop", "captions", "scribe-captions.test.mjs"));
        start.Environment["SCRIBE_MESSAGES"] = messages;
        var (exit, stdout, stderr) = await ChildProcess.RunAsync(start, Timeout, $"node --test did not finish within {Timeout.TotalSeconds} s");
        return (exit, stdout + stderr);
    }
}
