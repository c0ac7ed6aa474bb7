using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Agent;
using Scribe.Audio;
using Scribe.Captions;
using Scribe.Endpoints;
using Scribe.LiveKit;
using Scribe.Realtime;
using Scribe.Telemetry;

namespace Scribe.Participants;

/// <summary>
/// Builds a speaker's stream: audio conversion, voice activity detection, the realtime transcriber, and the sinks
/// its segments go to (the room transcript, and the room's data channel when transcripts are published).
/// </summary>
public sealed class SpeakerPipelineFactory(
    IGrainFactory grains,
    IEndpointPicker endpoints,
    IOptions<TranscriberOptions> transcriberOptions,
    VoiceActivityDetectors detectors,
    IOptions<LiveKitOptions> liveKitOptions,
    ITranscriptDataChannel dataChannel,
    AgentRooms agentRooms,
    TimeProvider time,
    ScribeMetrics metrics,
    ILoggerFactory loggers)
{
    public SpeakerStream Create(SpeakerContext speaker)
    {
        var options = liveKitOptions.Value;
        var publisher = new SegmentPublisher(grains.GetGrain<IRoomGrain>(speaker.Room), loggers.CreateLogger<SegmentPublisher>());
        var agent = options.Audio == LiveKitAudio.Agent; // captions as LiveKit transcriptions through the room's agent
        Func<TranscriptSegment, CancellationToken, Task> send = agent
            ? new AgentCaptions(agentRooms, options.PublishTranscripts).SendAsync
            : (segment, ct) => dataChannel.SendAsync(speaker.Room, TranscriptDataMessage.Of(segment).ToUtf8Json(), ct);
        var broadcaster = options.PublishTranscripts || agent
            ? new TranscriptBroadcaster(
                send,
                TimeSpan.FromMilliseconds(options.TranscriptInterimIntervalMs),
                time,
                metrics,
                loggers.CreateLogger<TranscriptBroadcaster>())
            : null;
        ISegmentSink sink = broadcaster is null ? publisher : new SegmentSinks(publisher, broadcaster);
        var transcriber = new SpeakerTranscriber(
            speaker, transcriberOptions.Value, endpoints, sink, loggers.CreateLogger<SpeakerTranscriber>(), metrics, time, detectors.Create());
        return new SpeakerStream(speaker, transcriber, publisher, broadcaster);
    }
}
