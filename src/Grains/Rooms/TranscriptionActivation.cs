namespace Scribe.Rooms;

/// <summary>Which rooms are transcribed (<c>Transcription:Activation</c>).</summary>
public enum TranscriptionActivation
{
    /// <summary>Every room LiveKit reports, from its start; a stop request holds until the room session ends.</summary>
    AllRooms = 0,

    /// <summary>Only between a start request and a stop request; webhooks keep the room known meanwhile.</summary>
    OnRequest = 1,
}
