namespace Scribe.Rooms;

/// <summary>
/// One step of a room's live transcript as the feed saw it: <see cref="Changes"/> holds every segment changed
/// after <see cref="FromRevision"/> up to <c>Changes.Revision</c>. A reader at a revision below
/// <see cref="FromRevision"/> has missed something and must catch up first.
/// </summary>
public sealed record TranscriptUpdate(long FromRevision, TranscriptChanges Changes);
