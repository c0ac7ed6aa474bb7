namespace Scribe.Fakes.LiveKit;

/// <summary>
/// What a viewer in the room received (<c>GET /_standin/rooms/{room}/received</c>), after the server's rules: a
/// transcription only from an agent, a hidden sender blanked unless an agent's text stream names another sender.
/// </summary>
public sealed record StandInReceived(
    IReadOnlyList<StandInTranscription> Transcriptions,
    IReadOnlyList<StandInTextStream> TextStreams,
    IReadOnlyList<StandInData> Data);

/// <summary>A legacy <c>transcription</c> data packet.</summary>
public sealed record StandInTranscription(
    DateTimeOffset ReceivedAt,
    string Sender,
    string TranscribedParticipantIdentity,
    string TrackId,
    IReadOnlyList<StandInSegment> Segments);

public sealed record StandInSegment(string Id, string Text, long StartTime, long EndTime, bool Final, string Language);

/// <summary>A whole text stream (header, chunks, trailer), its attributes merged.</summary>
public sealed record StandInTextStream(
    DateTimeOffset ReceivedAt,
    string StreamId,
    string Topic,
    string SenderIdentity,
    IReadOnlyDictionary<string, string> Attributes,
    string Text,
    bool Generated);

/// <summary>A user data packet; <see cref="Payload"/> is base64.</summary>
public sealed record StandInData(DateTimeOffset ReceivedAt, string Topic, string Sender, string Payload)
{
    public byte[] Bytes => Convert.FromBase64String(Payload);
}
