using Scribe.Silo.Dispatch;

namespace Scribe.Tests.Agent;

public sealed class AgentAvailabilityTests
{
    [Theory]
    [InlineData(false, true, false, AgentAvailability.Answer.Accept)]
    [InlineData(false, true, true, AgentAvailability.Answer.AlreadyServed)]
    [InlineData(true, true, false, AgentAvailability.Answer.Decline)]
    [InlineData(true, true, true, AgentAvailability.Answer.AlreadyServed)]
    [InlineData(false, false, false, AgentAvailability.Answer.Decline)]
    public void A_job_is_accepted_unless_full_or_its_room_already_has_our_agent(bool full, bool hasRoom, bool transcribed, AgentAvailability.Answer expected) =>
        Assert.Equal(expected, AgentAvailability.Decide(full, hasRoom, transcribed));

    [Theory]
    [InlineData("http://lk.example:7880", "ws://lk.example:7880/agent")]
    [InlineData("wss://lk.example/", "wss://lk.example/agent")]
    [InlineData("https://lk.example/base", "wss://lk.example/base/agent")]
    public void The_worker_endpoint_is_agent_under_the_LiveKit_url(string url, string expected) =>
        Assert.Equal(new Uri(expected), AgentWorkerSocket.EndpointOf(url));
}
