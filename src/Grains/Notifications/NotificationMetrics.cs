using System.Diagnostics.Metrics;
using Scribe.Telemetry;

namespace Scribe.Notifications;

/// <summary>Instruments of backend notifications, under the cluster's meter (<see cref="ScribeMetrics.MeterName"/>).</summary>
public static class NotificationMetrics
{
    private static readonly Meter Meter = new(ScribeMetrics.MeterName);

    // What the outbox said at this silo's last poll: every silo polls, so each one's gauge is near the cluster's count.
    private static long _pending;

    public static readonly Counter<long> Deliveries = Meter.CreateCounter<long>("scribe.notifications.delivered", description: "Backend notifications the backend answered 2xx, by type.");
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("scribe.notifications.failures", description: "Failed deliveries of backend notifications (non-2xx, timeout, network), each retried.");
    public static readonly Counter<long> Abandoned = Meter.CreateCounter<long>("scribe.notifications.abandoned", description: "Backend notifications dropped undelivered after Notifications:GiveUpAfterHours.");
    public static readonly ObservableGauge<long> Pending = Meter.CreateObservableGauge("scribe.notifications.pending", () => Interlocked.Read(ref _pending), description: "Backend notifications not yet delivered.");

    internal static void ObservePending(int count) => Interlocked.Exchange(ref _pending, count);
}
