namespace Scribe;

/// <summary>
/// A LiveKit agent job that started a room's transcription (<c>Transcription:Activation</c> = <c>Dispatch</c>): its
/// id, and the token LiveKit minted for it (<c>JobAssignment.token</c>), which the agent's first join uses.
/// </summary>
[GenerateSerializer, Immutable, Alias("scribe.dispatched-job")]
public sealed record DispatchedJob(
    [property: Id(0)] string Id,
    [property: Id(1)] string Token)
{
    /// <summary>The token stays out of logs.</summary>
    public override string ToString() => $"DispatchedJob {{ Id = {Id} }}";
}
