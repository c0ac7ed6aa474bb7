using Scribe.Captions;

namespace Scribe.Agent;

/// <summary>
/// What one segment upsert sends into the room in Agent mode: a LiveKit transcription (never with empty text: an
/// interim with nothing heard yet is left out) and, when transcripts are published, our <c>lk.scribe.transcript</c>
/// data message. <see cref="TranscriptBroadcaster"/> calls it, with its throttling of interim updates.
/// </summary>
public sealed class AgentCaptions(AgentRooms rooms, bool publishTranscripts)
{
    public async Task SendAsync(TranscriptSegment segment, CancellationToken cancellationToken)
    {
        var link = rooms.Require(segment.Room);
        if (!string.IsNullOrWhiteSpace(segment.Text))
        {
            await link.Connection.PublishTranscriptionAsync(AgentCaption.Of(segment, link.Language), cancellationToken).ConfigureAwait(false);
        }

        if (publishTranscripts)
        {
            await link.Connection.SendDataAsync(TranscriptDataMessage.Topic, TranscriptDataMessage.Of(segment).ToUtf8Json(), null, cancellationToken).ConfigureAwait(false);
        }
    }
}
