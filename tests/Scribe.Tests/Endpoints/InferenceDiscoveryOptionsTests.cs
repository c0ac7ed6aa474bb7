namespace Scribe.Tests.Endpoints;

/// <summary><c>Inference:Discovery:N</c> is checked at start-up, each wrong field named.</summary>
public sealed class InferenceDiscoveryOptionsTests
{
    private static InferenceDiscoveryOptions Valid() => new()
    {
        Name = "vllm",
        Host = "scribe-vllm.meet.svc.cluster.local",
        Model = "voxtral",
        MaxGenerations = 16,
    };

    private static List<string> Errors(params InferenceDiscoveryOptions[] groups) =>
        [.. OptionsValidation.Validate(new InferenceOptions { Discovery = [.. groups] }).Select(r => r.ErrorMessage ?? "")];

    [Fact]
    public void A_complete_group_with_defaults_is_valid()
    {
        var group = Valid();
        Assert.Empty(Errors(group));
        Assert.Equal(8000, group.Port);
        Assert.Equal("/v1/realtime", group.Path);
        Assert.Equal(10, group.RefreshSeconds);
    }

    [Theory]
    [InlineData("Name", "Inference:Discovery:0:Name")]
    [InlineData("Host", "Inference:Discovery:0:Host")]
    [InlineData("Port", "Inference:Discovery:0:Port")]
    [InlineData("Path", "Inference:Discovery:0:Path")]
    [InlineData("Model", "Inference:Discovery:0:Model")]
    [InlineData("MaxGenerations", "Inference:Discovery:0:MaxGenerations")]
    [InlineData("RefreshSeconds", "Inference:Discovery:0:RefreshSeconds")]
    public void A_wrong_field_is_named(string field, string named)
    {
        var group = Valid();
        switch (field)
        {
            case "Name": group.Name = ""; break;
            case "Host": group.Host = "http://not a host"; break;
            case "Port": group.Port = 0; break;
            case "Path": group.Path = "v1/realtime"; break;
            case "Model": group.Model = " "; break;
            case "MaxGenerations": group.MaxGenerations = 0; break;
            case "RefreshSeconds": group.RefreshSeconds = 0; break;
        }

        var error = Assert.Single(Errors(group));
        Assert.StartsWith(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_groups_may_not_share_a_name()
    {
        var other = Valid();
        other.Name = "VLLM";
        Assert.Contains(Errors(Valid(), other), e => e.Contains("two groups named", StringComparison.Ordinal));
    }
}
