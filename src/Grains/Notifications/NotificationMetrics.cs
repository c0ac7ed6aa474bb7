using System.Diagnostics.Metrics;
using Scribe.Telemetry;

namespace Scribe.Notifications;

/// <summary>Instruments of backend notifications, under the cluster's meter (<see cref="ScribeMetrics.MeterName"/>). One per host.</summary>
public sealed class NotificationMetrics
{
    // What the outbox said at this silo's last poll: every silo polls, so each one's gauge is near the cluster's count.
    private long _pending;

    public NotificationMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ScribeMetrics.MeterName);
        Deliveries = meter.CreateCounter<long>("scribe.notifications.delivered", description: "Backend notifications the backend answered 2xx, by type.");
        Failures = meter.CreateCounter<long>("scribe.notifications.failures", description: "Failed deliveries of backend notifications (non-2xx, timeout, network), each retried.");
        Abandoned = meter.CreateCounter<long>("scribe.notifications.abandoned", description: "Backend notifications dropped undelivered after Notifications:GiveUpAfterHours.");
        Pending = meter.CreateObservableGauge("scribe.notifications.pending", () => Interlocked.Read(ref _pending), description: "Backend notifications not yet delivered.");
    }

    public Counter<long> Deliveries { get; }

    public Counter<long> Failures { get; }

    public Counter<long> Abandoned { get; }

    public ObservableGauge<long> Pending { get; }

    internal void ObservePending(int count) => Interlocked.Exchange(ref _pending, count);
}
