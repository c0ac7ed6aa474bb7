using System.Net.Http.Json;
using System.Text.Json;
using Scribe;

/// <summary>
/// Follows a room's transcript through the admin API and prints each segment whenever its text or finality
/// changes, as the meeting goes on.
/// </summary>
internal sealed class TranscriptFollower(HttpClient http, string room)
{
    private readonly Dictionary<string, string> _shown = [];
    private long _revision;

    /// <summary>The whole transcript as of the last poll.</summary>
    public IReadOnlyList<TranscriptSegment> Latest { get; private set; } = [];

    public static void PrintHeader() => Console.WriteLine("  time   who      text   (~ interim, ✓ final; \"viewer\" lines: captions a viewer in the room received)");

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var changes = await http.GetFromJsonAsync<TranscriptResponse>($"api/rooms/{room}/transcript?since={_revision}", JsonSerializerOptions.Web, cancellationToken);
        _revision = changes!.Revision;
        foreach (var segment in changes.Segments)
        {
            var line = $"{(segment.IsFinal ? "✓" : "~")} {segment.Text}";
            if (_shown.GetValueOrDefault(segment.Id) != line && segment.Text.Length > 0)
            {
                _shown[segment.Id] = line;
                Console.WriteLine($"  {TimeSpan.FromMilliseconds(segment.StartMs):mm\\:ss\\.f}  {segment.SpeakerName,-7}  {line}");
            }
        }

        Latest = (await http.GetFromJsonAsync<TranscriptResponse>($"api/rooms/{room}/transcript", JsonSerializerOptions.Web, cancellationToken))!.Segments;
    }
}

internal sealed record TranscriptResponse(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);
