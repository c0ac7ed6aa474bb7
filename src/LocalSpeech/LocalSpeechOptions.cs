namespace Scribe.LocalSpeech;

/// <summary>Configuration of the local speech endpoint (section <see cref="Section"/>).</summary>
public sealed class LocalSpeechOptions
{
    public const string Section = "LocalSpeech";

    public const string DefaultModelName = "pocketsphinx-en-us";

    /// <summary>Folder laid out like Debian's <c>pocketsphinx-en-us</c>.</summary>
    public string ModelDirectory { get; set; } = SphinxModel.DefaultDirectory;

    /// <summary>The model id clients name in <c>session.update</c>.</summary>
    public string ModelName { get; set; } = DefaultModelName;

    /// <summary>Further model ids accepted as aliases of <see cref="ModelName"/> (e.g. the GPU model's id).</summary>
    public string[] AcceptedModels { get; set; } = [];

    /// <summary>Concurrent sessions (one decoder each); more are refused.</summary>
    public int MaxSessions { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>How long (in audio) a word must stay unchanged in the partial hypotheses before a delta carries it.</summary>
    public int DeltaStabilityMilliseconds { get; set; } = 1920;

    /// <summary>How many words must follow a word in the partial hypothesis before a delta carries it.</summary>
    public int DeltaTrailingWords { get; set; } = 1;

    /// <summary>When set, the WebSocket upgrade must carry <c>Authorization: Bearer &lt;ApiKey&gt;</c>, like vLLM's <c>--api-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Whether <paramref name="model"/> is <see cref="ModelName"/> or one of <see cref="AcceptedModels"/>.</summary>
    public bool Accepts(string model) =>
        string.Equals(model, ModelName, StringComparison.Ordinal) || AcceptedModels.Contains(model, StringComparer.Ordinal);
}
