namespace Scribe.Fakes.LiveKit;

/// <summary>The stand-in SFU refused a control call, or did not start.</summary>
public sealed class StandInSfuException(string message) : Exception(message);
