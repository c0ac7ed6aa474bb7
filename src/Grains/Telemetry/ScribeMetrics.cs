using System.Diagnostics.Metrics;

namespace Scribe.Telemetry;

/// <summary>The cluster's own instruments, exported through OpenTelemetry under the meter <see cref="MeterName"/>.</summary>
public static class ScribeMetrics
{
    public const string MeterName = "Scribe";

    private static readonly Meter Meter = new(MeterName);

    // Declared before the histograms that use it: static fields initialise in textual order.
    private static readonly InstrumentAdvice<double> AudioLatencyBuckets = new() { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 100, 250, 1000] };

    public static readonly Counter<double> AudioSeconds = Meter.CreateCounter<double>("scribe.audio.received", "s", "Speech audio received at ingest (16 kHz seconds).");
    public static readonly Counter<double> GenerationSeconds = Meter.CreateCounter<double>("scribe.generation.audio", "s", "Audio sent to speech endpoints inside generations.");
    public static readonly Counter<double> SpeechSeconds = Meter.CreateCounter<double>("scribe.audio.speech", "s", "Audio the voice activity detector classified as speech.");
    public static readonly Counter<double> SessionSeconds = Meter.CreateCounter<double>("scribe.realtime.session_time", "s", "Time realtime sessions were open (endpoint slots held), counted when a session closes.");
    public static readonly Counter<long> IdleReleases = Meter.CreateCounter<long>("scribe.realtime.idle_releases", description: "Realtime sessions closed because their speaker was silent for Transcription:IdleReleaseMs.");
    public static readonly Counter<long> Generations = Meter.CreateCounter<long>("scribe.generations", description: "Generations completed (transcription.done received).");
    public static readonly Counter<long> RealtimeErrors = Meter.CreateCounter<long>("scribe.realtime.errors", description: "Error events from speech endpoints, by code.");
    public static readonly Counter<long> GenerationFailures = Meter.CreateCounter<long>("scribe.realtime.generation_failures", description: "Generations an endpoint failed mid-way (processing_error), replayed on a fresh session, by reason.");
    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("scribe.realtime.reconnects", description: "Realtime sessions re-opened after a dropped socket.");
    public static readonly Counter<long> Backpressure = Meter.CreateCounter<long>("scribe.audio.backpressure", description: "Times a speaker's audio buffer was full: the endpoint is slower than real time.");
    public static readonly Counter<long> WebhooksRejected = Meter.CreateCounter<long>("scribe.webhooks.rejected", description: "LiveKit webhooks refused, by reason.");
    public static readonly Counter<long> Webhooks = Meter.CreateCounter<long>("scribe.webhooks", description: "LiveKit webhooks accepted, by event.");
    public static readonly UpDownCounter<long> ActiveStreams = Meter.CreateUpDownCounter<long>("scribe.ingest.streams", description: "Ingest streams open on this silo.");
    public static readonly Histogram<double> AppendLatency = Meter.CreateHistogram<double>(
        "scribe.audio.append_latency", "ms", "From the ingest frame that completes a 100 ms chunk to its append on the endpoint's socket.",
        advice: AudioLatencyBuckets);
    public static readonly Histogram<double> AppendDelay = Meter.CreateHistogram<double>(
        "scribe.audio.append_delay", "ms", "From when a 100 ms chunk's last sample was due by its stream's own audio clock to its append on the endpoint's socket: sender jitter, network and every queue in the silo included.",
        advice: AudioLatencyBuckets);
    public static readonly Counter<long> CapacityWaits = Meter.CreateCounter<long>("scribe.endpoints.capacity_waits", description: "Times a speaker found no endpoint with room and had to wait.");
    public static readonly Histogram<double> AdmissionWait = Meter.CreateHistogram<double>("scribe.generation.admission_wait", "ms", "From a generation's speech start to its admission on an endpoint with a free generation slot (0 when one was free).");
    public static readonly Counter<long> AdmissionFallbacks = Meter.CreateCounter<long>("scribe.generation.admission_fallbacks", description: "Generations admitted without the cluster's slot count because it could not be reached (its silo was lost).");
    public static readonly Histogram<double> CapacityWaitTime = Meter.CreateHistogram<double>("scribe.endpoints.capacity_wait_time", "ms", "How long a speaker waited for an endpoint with room.");
    public static readonly Counter<long> EndpointMoves = Meter.CreateCounter<long>("scribe.endpoints.moves", description: "Sessions closed at a generation boundary to leave a draining, failing or removed endpoint.");
    public static readonly Counter<long> EndpointProbeFailures = Meter.CreateCounter<long>("scribe.endpoints.probe_failures", description: "Failed /health probes, by endpoint.");
    public static readonly Histogram<double> GenerationLatency = Meter.CreateHistogram<double>("scribe.generation.final_latency", "ms", "Time from a final commit to transcription.done.");
    public static readonly Counter<long> WebhooksIgnored = Meter.CreateCounter<long>("scribe.webhooks.ignored", description: "LiveKit webhooks answered 200 and not acted on, by verdict (duplicate, room finished).");
    public static readonly Counter<long> EgressStarts = Meter.CreateCounter<long>("scribe.egress.starts", description: "Track egresses started, first starts and restarts.");
    public static readonly Counter<long> EgressRestarts = Meter.CreateCounter<long>("scribe.egress.restarts", description: "Egress restarts scheduled after an egress died under a published track.");
    public static readonly Counter<long> RoomsResumed = Meter.CreateCounter<long>("scribe.rooms.resumed", description: "Rooms whose speakers were woken on live silos after a silo died.");
    public static readonly Counter<long> Reconciliations = Meter.CreateCounter<long>("scribe.rooms.reconciliations", description: "Rooms reconciled with LiveKit after missed webhooks.");
    public static readonly Counter<long> TranscriptDataSent = Meter.CreateCounter<long>("scribe.transcript.data_sent", description: "Segment upserts sent into rooms with SendData.");
}
