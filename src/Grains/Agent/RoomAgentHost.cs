using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Participants;
using Scribe.Telemetry;

namespace Scribe.Agent;

/// <summary>What a room's agent connection needs from its silo; the room grain asks it for one (<see cref="Create"/>).</summary>
public sealed class RoomAgentHost(
    IRoomAgents agents,
    AgentRooms rooms,
    SpeakerStreamRegistry streams,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<LiveKitOptions> options,
    TimeProvider time,
    ScribeMetrics metrics,
    ILoggerFactory loggers)
{
    internal IRoomAgents Agents => agents;

    internal AgentRooms Rooms => rooms;

    internal SpeakerStreamRegistry Streams => streams;

    internal IGrainFactory Grains => grains;

    internal SiloAddress Silo => silo.SiloAddress;

    internal LiveKitOptions Options => options.Value;

    internal TimeProvider Time => time;

    internal ScribeMetrics Metrics => metrics;

    /// <param name="report">Tells the room grain what happened to the connection (a call to itself, so it runs as a turn).</param>
    public RoomAgent Create(string room, Func<AgentReport, string, Task> report) =>
        new(room, this, report, loggers.CreateLogger<RoomAgent>());
}
