namespace Scribe;

/// <summary>The grain storage providers the silo registers, and the one place grains and hosting take their names from.</summary>
public static class StorageNames
{
    /// <summary>Small records: participants, webhook ledgers, the notification outbox, the endpoint registry.</summary>
    public const string State = "state";

    /// <summary>Rooms: each room's record and its transcript (a head and chunks), and the room directory.</summary>
    public const string Transcripts = "transcripts";
}
