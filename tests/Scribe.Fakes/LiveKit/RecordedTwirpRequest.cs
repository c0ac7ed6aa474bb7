namespace Scribe.Fakes.LiveKit;

/// <summary>One call the fake LiveKit received, with the status it answered.</summary>
public sealed record RecordedTwirpRequest(string Service, string Method, string Body, string? Authorization, int Status);
