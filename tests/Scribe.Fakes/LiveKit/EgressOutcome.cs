using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>How a simulated egress ended.</summary>
public sealed record EgressOutcome(EgressStatus Status, string Error, int BinaryFramesSent, long AudioBytesSent);
