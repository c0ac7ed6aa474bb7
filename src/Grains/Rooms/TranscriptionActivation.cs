namespace Scribe.Rooms;

/// <summary>Which rooms are transcribed (<c>Transcription:Activation</c>).</summary>
public enum TranscriptionActivation
{
    /// <summary>Every room LiveKit reports, from its start; a stop request holds until the room session ends.</summary>
    AllRooms = 0,

    /// <summary>Only between a start request and a stop request; webhooks keep the room known meanwhile.</summary>
    OnRequest = 1,

    /// <summary>
    /// As <see cref="OnRequest"/>, with LiveKit's agent dispatch as the requester: every silo registers as an agent
    /// worker, a dispatched job starts the room's transcription and its termination stops it.
    /// </summary>
    Dispatch = 2,
}
