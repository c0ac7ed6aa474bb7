using Microsoft.Extensions.Configuration;
using Orleans.Storage;
using Scribe.Silo.Api;
using Scribe.Silo.Hosting;
using Scribe.Tests.Rooms;

namespace Scribe.Tests.Transcription;

/// <summary>The activation setting, the start body and the stored status: plain logic, no silo.</summary>
public sealed class TranscriptionSettingsTests
{
    private static TranscriptionActivationOptions Bind(string? activation) =>
        ValidatedOptions.Bind<TranscriptionActivationOptions>(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Transcription:Activation"] = activation }).Build(),
            TranscriptionActivationOptions.Section);

    [Theory]
    [InlineData(null, TranscriptionActivation.AllRooms)]
    [InlineData("AllRooms", TranscriptionActivation.AllRooms)]
    [InlineData("OnRequest", TranscriptionActivation.OnRequest)]
    [InlineData("onrequest", TranscriptionActivation.OnRequest)]
    [InlineData("Dispatch", TranscriptionActivation.Dispatch)]
    public void The_activation_policy_binds(string? setting, TranscriptionActivation expected) => Assert.Equal(expected, Bind(setting).Policy);

    [Theory]
    [InlineData("Sometimes")]
    [InlineData("1")]
    [InlineData("On Request")]
    public void A_wrong_activation_policy_is_refused_naming_the_setting(string setting)
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => Bind(setting));
        Assert.StartsWith("Transcription:Activation must be AllRooms, OnRequest or Dispatch", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("  ", null)]
    [InlineData("{}", null)]
    [InlineData("{\"language\": null}", null)]
    [InlineData("{\"language\": \"fr\"}", "fr")]
    [InlineData("{\"language\": \"zh-Hant-TW\"}", "zh-Hant-TW")]
    public void A_start_body_is_optional_and_carries_a_language(string body, string? language)
    {
        Assert.True(TranscriptionStartBody.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out var parsed, out var error), error);
        Assert.Equal(language, parsed);
    }

    [Theory]
    [InlineData("{\"language\": \"fr_FR\"}")]
    [InlineData("{\"language\": \"françai\"}")]
    [InlineData("{\"language\": \"en-US-x-a-b-c\"}")]
    [InlineData("\"fr\"")]
    [InlineData("{")]
    public void A_bad_start_body_is_refused_with_a_reason(string body)
    {
        Assert.False(TranscriptionStartBody.TryParse(System.Text.Encoding.UTF8.GetBytes(body), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void The_room_transcription_reads_back_through_the_silo_storage_serializer()
    {
        IGrainStorageSerializer serializer = RecordingGrainStorage.SiloDefault();
        var since = new DateTimeOffset(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
        var stored = new RoomRecord { Name = "standup", Transcription = new RoomTranscription { Active = true, Since = since, Language = "fr", RequestedBy = "admin" } };

        var read = serializer.Deserialize<RoomRecord>(serializer.Serialize(stored))?.Transcription;

        Assert.NotNull(read);
        Assert.Equal((true, since, "fr", "admin"), (read.Active, read.Since, read.Language, read.RequestedBy));
        Assert.Null(serializer.Deserialize<RoomRecord>(serializer.Serialize(new RoomRecord()))?.Transcription);
    }
}
