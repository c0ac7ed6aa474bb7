using System.Diagnostics.Metrics;

namespace Scribe.Telemetry;

/// <summary>
/// The cluster's own instruments, exported through OpenTelemetry under the meter <see cref="MeterName"/>. One
/// instance per host (a singleton), injected where something is counted.
/// </summary>
public sealed class ScribeMetrics
{
    public const string MeterName = "Scribe";

    private static readonly InstrumentAdvice<double> AudioLatencyBuckets = new() { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 100, 250, 1000] };

    /// <summary>Creates the instruments on the meter <see cref="MeterName"/> from <paramref name="meterFactory"/>, which owns it.</summary>
    public ScribeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        AudioSeconds = meter.CreateCounter<double>("scribe.audio.received", "s", "Speech audio received at ingest (16 kHz seconds).");
        GenerationSeconds = meter.CreateCounter<double>("scribe.generation.audio", "s", "Audio sent to speech endpoints inside generations.");
        SpeechSeconds = meter.CreateCounter<double>("scribe.audio.speech", "s", "Audio the voice activity detector classified as speech.");
        SessionSeconds = meter.CreateCounter<double>("scribe.realtime.session_time", "s", "Time realtime sessions were open (endpoint slots held), counted when a session closes.");
        IdleReleases = meter.CreateCounter<long>("scribe.realtime.idle_releases", description: "Realtime sessions closed because their speaker was silent for Transcription:IdleReleaseMs.");
        Generations = meter.CreateCounter<long>("scribe.generations", description: "Generations completed (transcription.done received).");
        RealtimeErrors = meter.CreateCounter<long>("scribe.realtime.errors", description: "Error events from speech endpoints, by code.");
        GenerationFailures = meter.CreateCounter<long>("scribe.realtime.generation_failures", description: "Generations an endpoint failed mid-way (processing_error), replayed on a fresh session, by reason.");
        Reconnects = meter.CreateCounter<long>("scribe.realtime.reconnects", description: "Realtime sessions re-opened after a dropped socket.");
        Backpressure = meter.CreateCounter<long>("scribe.audio.backpressure", description: "Times a speaker's audio buffer was full: the endpoint is slower than real time.");
        WebhooksRejected = meter.CreateCounter<long>("scribe.webhooks.rejected", description: "LiveKit webhooks refused, by reason.");
        Webhooks = meter.CreateCounter<long>("scribe.webhooks", description: "LiveKit webhooks accepted, by event.");
        ActiveStreams = meter.CreateUpDownCounter<long>("scribe.ingest.streams", description: "Ingest streams open on this silo.");
        AgentJoins = meter.CreateCounter<long>("scribe.agent.joins", description: "Joins of a room by the agent participant (Agent mode), by outcome (joined, failed).");
        AgentTracks = meter.CreateUpDownCounter<long>("scribe.agent.tracks", description: "Subscribed microphones the agent feeds into speaker streams on this silo.");
        AppendLatency = meter.CreateHistogram<double>(
            "scribe.audio.append_latency", "ms", "From the ingest frame that completes a 100 ms chunk to its append on the endpoint's socket.",
            advice: AudioLatencyBuckets);
        AppendDelay = meter.CreateHistogram<double>(
            "scribe.audio.append_delay", "ms", "From when a 100 ms chunk's last sample was due by its stream's own audio clock to its append on the endpoint's socket: sender jitter, network and every queue in the silo included.",
            advice: AudioLatencyBuckets);
        CapacityWaits = meter.CreateCounter<long>("scribe.endpoints.capacity_waits", description: "Times a speaker found no endpoint with room and had to wait.");
        AdmissionWait = meter.CreateHistogram<double>("scribe.generation.admission_wait", "ms", "From a generation's speech start to its admission on an endpoint with a free generation slot (0 when one was free).");
        AdmissionFallbacks = meter.CreateCounter<long>("scribe.generation.admission_fallbacks", description: "Generations admitted without the cluster's slot count because it could not be reached (its silo was lost).");
        CapacityWaitTime = meter.CreateHistogram<double>("scribe.endpoints.capacity_wait_time", "ms", "How long a speaker waited for an endpoint with room.");
        EndpointMoves = meter.CreateCounter<long>("scribe.endpoints.moves", description: "Sessions closed at a generation boundary to leave a draining, failing or removed endpoint.");
        EndpointProbeFailures = meter.CreateCounter<long>("scribe.endpoints.probe_failures", description: "Failed /health probes, by endpoint.");
        DiscoveryFailures = meter.CreateCounter<long>("scribe.endpoints.discovery_failures", description: "DNS resolutions of a discovery group that failed or found no address (the last known replicas stay), by group.");
        GenerationLatency = meter.CreateHistogram<double>("scribe.generation.final_latency", "ms", "Time from a final commit to transcription.done.");
        WebhooksIgnored = meter.CreateCounter<long>("scribe.webhooks.ignored", description: "LiveKit webhooks answered 200 and not acted on, by verdict (duplicate, room finished).");
        EgressStarts = meter.CreateCounter<long>("scribe.egress.starts", description: "Track egresses started, first starts and restarts.");
        EgressRestarts = meter.CreateCounter<long>("scribe.egress.restarts", description: "Egress restarts scheduled after an egress died under a published track.");
        RoomsResumed = meter.CreateCounter<long>("scribe.rooms.resumed", description: "Rooms whose speakers were woken on live silos after a silo died.");
        Reconciliations = meter.CreateCounter<long>("scribe.rooms.reconciliations", description: "Rooms reconciled with LiveKit after missed webhooks.");
        TranscriptDataSent = meter.CreateCounter<long>("scribe.transcript.data_sent", description: "Segment upserts sent into rooms with SendData.");
    }

    public Counter<double> AudioSeconds { get; }

    public Counter<double> GenerationSeconds { get; }

    public Counter<double> SpeechSeconds { get; }

    public Counter<double> SessionSeconds { get; }

    public Counter<long> IdleReleases { get; }

    public Counter<long> Generations { get; }

    public Counter<long> RealtimeErrors { get; }

    public Counter<long> GenerationFailures { get; }

    public Counter<long> Reconnects { get; }

    public Counter<long> Backpressure { get; }

    public Counter<long> WebhooksRejected { get; }

    public Counter<long> Webhooks { get; }

    public Counter<long> AgentJoins { get; }

    public UpDownCounter<long> AgentTracks { get; }

    public UpDownCounter<long> ActiveStreams { get; }

    public Histogram<double> AppendLatency { get; }

    public Histogram<double> AppendDelay { get; }

    public Counter<long> CapacityWaits { get; }

    public Histogram<double> AdmissionWait { get; }

    public Counter<long> AdmissionFallbacks { get; }

    public Histogram<double> CapacityWaitTime { get; }

    public Counter<long> EndpointMoves { get; }

    public Counter<long> EndpointProbeFailures { get; }

    public Counter<long> DiscoveryFailures { get; }

    public Histogram<double> GenerationLatency { get; }

    public Counter<long> WebhooksIgnored { get; }

    public Counter<long> EgressStarts { get; }

    public Counter<long> EgressRestarts { get; }

    public Counter<long> RoomsResumed { get; }

    public Counter<long> Reconciliations { get; }

    public Counter<long> TranscriptDataSent { get; }
}
