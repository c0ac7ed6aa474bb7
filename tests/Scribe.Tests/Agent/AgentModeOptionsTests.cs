using Scribe.Egress;
using Scribe.Participants;
using static Scribe.Egress.EgressEvent;

namespace Scribe.Tests.Agent;

/// <summary>The Agent-mode settings and the rules that keep the agent away from agents and egress.</summary>
public sealed class AgentModeOptionsTests
{
    [Fact]
    public void The_agent_participant_is_the_default()
    {
        var options = new LiveKitOptions();

        Assert.Equal((LiveKitAudio.Agent, "scribe"), (options.Audio, options.AgentIdentity));
    }

    [Fact]
    public void In_Agent_mode_no_agent_is_transcribed_and_least_of_all_our_own()
    {
        var options = new LiveKitOptions { Audio = LiveKitAudio.Agent, AgentIdentity = "scribe", TranscribeKinds = [ParticipantKind.Standard, ParticipantKind.Sip] };

        Assert.True(options.Transcribes(ParticipantKind.Sip, "phone"));
        Assert.False(options.Transcribes(ParticipantKind.Agent, "other-agent"));
        Assert.False(options.Transcribes(ParticipantKind.Standard, "scribe"));
    }

    [Fact]
    public void Agent_mode_refuses_to_transcribe_agents()
    {
        var options = new LiveKitOptions { Url = "ws://lk", ApiKey = "k", ApiSecret = "s", Audio = LiveKitAudio.Agent, TranscribeKinds = [ParticipantKind.Agent] };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("TranscribeKinds", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    public void A_bad_agent_identity_is_refused(string identity)
    {
        var options = new LiveKitOptions { Url = "ws://lk", ApiKey = "k", ApiSecret = "s", AgentIdentity = identity };

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), [], validateAllProperties: true));
    }

    [Fact]
    public void A_speakers_events_in_Agent_mode_only_ever_end_its_stream()
    {
        Assert.Equal(StreamAction.Keep, AgentSpeakerRules.StreamActionOf(new TrackPublished("TR_a", "PA_a", true), "TR_a"));
        Assert.Equal(StreamAction.Keep, AgentSpeakerRules.StreamActionOf(new TrackUnpublished("TR_old"), "TR_a"));
        Assert.Equal(StreamAction.Stop, AgentSpeakerRules.StreamActionOf(new TrackUnpublished("TR_a"), "TR_a"));
        Assert.Equal(StreamAction.Stop, AgentSpeakerRules.StreamActionOf(new ParticipantLeft("PA_a"), "TR_a"));
        Assert.Equal(StreamAction.Stop, AgentSpeakerRules.StreamActionOf(new RoomFinished(), "TR_a"));
        Assert.Equal(StreamAction.EndAtPause, AgentSpeakerRules.StreamActionOf(new TranscriptionSet(false), "TR_a"));
        Assert.Equal(StreamAction.Keep, AgentSpeakerRules.StreamActionOf(new Resumed(), "TR_a"));
        Assert.Equal(StreamAction.Keep, AgentSpeakerRules.StreamActionOf(new RoomFinished(), null));
    }
}
