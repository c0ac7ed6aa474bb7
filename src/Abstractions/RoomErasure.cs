namespace Scribe;

/// <summary>What asking to erase a room did.</summary>
[GenerateSerializer, Alias("scribe.room-erasure")]
public enum RoomErasure
{
    /// <summary>Everything the room had in storage is gone.</summary>
    Erased,

    /// <summary>Nothing was stored for the room.</summary>
    Unknown,

    /// <summary>Refused: the room is active.</summary>
    Active,
}
