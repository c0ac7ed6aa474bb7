namespace Scribe;

/// <summary>
/// What one speaker stream has cost so far, for the participant and room views and for capacity planning.
/// Generation seconds over speech seconds is the gating overhead (pre-roll and trailing pause); session seconds
/// is how long an endpoint slot (GPU memory) was held.
/// </summary>
/// <param name="SpeechSeconds">Audio the voice activity detector classified as speech.</param>
/// <param name="GenerationSeconds">Audio that went into generations (pre-roll and pauses included; a replay after a reconnect counts once).</param>
/// <param name="SessionSeconds">Wall time a realtime session was open, the current one included.</param>
/// <param name="SessionsOpened">Realtime sessions opened (first speech, reopen after an idle release, reconnects).</param>
/// <param name="IdleReleases">Sessions closed because the speaker was silent for <c>Transcription:IdleReleaseMs</c>.</param>
[GenerateSerializer, Immutable, Alias("scribe.speaker-usage")]
public sealed record SpeakerUsage(
    [property: Id(0)] double SpeechSeconds,
    [property: Id(1)] double GenerationSeconds,
    [property: Id(2)] double SessionSeconds,
    [property: Id(3)] int SessionsOpened,
    [property: Id(4)] int IdleReleases)
{
    public static SpeakerUsage None { get; } = new(0, 0, 0, 0, 0);

    public SpeakerUsage Plus(SpeakerUsage? other) => other is null ? this : new(
        SpeechSeconds + other.SpeechSeconds,
        GenerationSeconds + other.GenerationSeconds,
        SessionSeconds + other.SessionSeconds,
        SessionsOpened + other.SessionsOpened,
        IdleReleases + other.IdleReleases);
}
