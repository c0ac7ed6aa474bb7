namespace Scribe.Media;

/// <summary>
/// What the media process needs to be in a room as the hidden agent. <paramref name="Token"/> mints a fresh
/// agent token each time it is called: at the first join and at every rejoin after a media restart, so a token
/// that expired meanwhile is never reused.
/// </summary>
public sealed record AgentJoin(string Room, string Url, string Identity, IReadOnlyList<string> TranscribeKinds, Func<string> Token)
{
    public override string ToString() => $"AgentJoin {{ Room = {Room}, Url = {Url}, Identity = {Identity} }}";
}
