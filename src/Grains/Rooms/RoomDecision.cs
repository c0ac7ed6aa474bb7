namespace Scribe.Rooms;

/// <summary>
/// The grain's orders after one room transition: persist the record; a session <see cref="Began"/> (apply the
/// transcription policy, tell the directory) or <see cref="Ended"/> (stop the speakers, let the transcription lapse,
/// flush, tell the directory); close what lost streams left interim; announce the transcript ready.
/// </summary>
public sealed record RoomDecision(bool Persist, bool Began = false, bool Ended = false, bool CloseInterims = false, bool AnnounceReady = false)
{
    public static RoomDecision Nothing { get; } = new(false);
}
