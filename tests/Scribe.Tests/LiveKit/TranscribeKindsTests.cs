using Microsoft.Extensions.Configuration;

namespace Scribe.Tests.LiveKit;

/// <summary><c>LiveKit:TranscribeKinds</c>: people by default, other kinds only when listed.</summary>
public sealed class TranscribeKindsTests
{
    [Fact]
    public void By_default_only_standard_participants_are_transcribed()
    {
        var options = Bind([]);

        Assert.True(options.Transcribes(ParticipantKind.Standard));
        Assert.All(
            new[] { ParticipantKind.Agent, ParticipantKind.Sip, ParticipantKind.Egress, ParticipantKind.Ingress, ParticipantKind.Connector, ParticipantKind.Bridge },
            kind => Assert.False(options.Transcribes(kind)));
    }

    [Fact]
    public void Configured_kinds_replace_the_default()
    {
        var options = Bind(new() { ["LiveKit:TranscribeKinds:0"] = "Standard", ["LiveKit:TranscribeKinds:1"] = "Sip" });

        Assert.True(options.Transcribes(ParticipantKind.Standard));
        Assert.True(options.Transcribes(ParticipantKind.Sip));
        Assert.False(options.Transcribes(ParticipantKind.Agent));
    }

    [Fact]
    public void A_list_without_standard_leaves_people_out()
    {
        var options = Bind(new() { ["LiveKit:TranscribeKinds:0"] = "Agent" });

        Assert.True(options.Transcribes(ParticipantKind.Agent));
        Assert.False(options.Transcribes(ParticipantKind.Standard));
    }

    private static LiveKitOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(LiveKitOptions.Section).Get<LiveKitOptions>() ?? new LiveKitOptions();
}
