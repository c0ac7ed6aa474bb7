namespace Scribe.Fakes.LiveKit;

/// <summary>One utterance a simulated microphone plays: an Ogg Opus file, <paramref name="At"/> after the publish call.</summary>
public sealed record StandInUtterance(TimeSpan At, string File);
