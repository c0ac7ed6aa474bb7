using System.ComponentModel.DataAnnotations;

namespace Scribe.LocalSpeech;

/// <summary>
/// Configuration of the local speech endpoint (section <see cref="Section"/>). Validated like every other options
/// class, by its attributes and <see cref="Validate"/>, so a setting it could not serve stops the host at start.
/// </summary>
public sealed class LocalSpeechOptions : IValidatableObject
{
    public const string Section = "LocalSpeech";

    public const string DefaultModelName = "pocketsphinx-en-us";

    /// <summary>Folder laid out like Debian's <c>pocketsphinx-en-us</c>.</summary>
    public string ModelDirectory { get; set; } = SphinxModel.DefaultDirectory;

    /// <summary>The model id clients name in <c>session.update</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = Section + ":ModelName must not be empty.")]
    public string ModelName { get; set; } = DefaultModelName;

    /// <summary>Further model ids accepted as aliases of <see cref="ModelName"/> (e.g. the GPU model's id).</summary>
    public string[] AcceptedModels { get; set; } = [];

    /// <summary>Concurrent sessions (one decoder each); more are refused.</summary>
    [Range(1, 10_000, ErrorMessage = Section + ":MaxSessions must be between {1} and {2}.")]
    public int MaxSessions { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>How long (in audio) a word must stay unchanged in the partial hypotheses before a delta carries it.</summary>
    [Range(0, 60_000, ErrorMessage = Section + ":DeltaStabilityMilliseconds must be between {1} and {2}.")]
    public int DeltaStabilityMilliseconds { get; set; } = 1920;

    /// <summary>How many words must follow a word in the partial hypothesis before a delta carries it.</summary>
    [Range(1, 20, ErrorMessage = Section + ":DeltaTrailingWords must be between {1} and {2}.")]
    public int DeltaTrailingWords { get; set; } = 1;

    /// <summary>
    /// When set, the WebSocket upgrade must carry <c>Authorization: Bearer &lt;ApiKey&gt;</c>, like vLLM's <c>--api-key</c>.
    /// A silo embedding the endpoint derives one when none is set; a standalone endpoint without one listens on loopback only.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>A session whose client sends nothing for this long is closed (1008), so idle sockets never hold every slot.</summary>
    [Range(1, 86_400, ErrorMessage = Section + ":IdleTimeoutSeconds must be between {1} and {2}.")]
    public int IdleTimeoutSeconds { get; set; } = 600;

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(IdleTimeoutSeconds);

    /// <summary>Whether <paramref name="model"/> is <see cref="ModelName"/> or one of <see cref="AcceptedModels"/>.</summary>
    public bool Accepts(string model) =>
        string.Equals(model, ModelName, StringComparison.Ordinal) || AcceptedModels.Contains(model, StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AcceptedModels.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{Section}:AcceptedModels must not hold empty names.", [nameof(AcceptedModels)]);
        }

        if (ApiKey is not null && (ApiKey.Length == 0 || ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            yield return new ValidationResult($"{Section}:ApiKey must be absent, or a key without spaces or control characters.", [nameof(ApiKey)]);
        }

        if (string.IsNullOrWhiteSpace(ModelDirectory))
        {
            yield return new ValidationResult($"{Section}:ModelDirectory must not be empty.", [nameof(ModelDirectory)]);
        }
        else if (SphinxModel.FromDirectory(ModelDirectory).FindMissingFile() is { } missing)
        {
            yield return new ValidationResult(
                $"{Section}:ModelDirectory lacks '{missing}': install the Debian package pocketsphinx-en-us (scripts/setup/speech.sh).",
                [nameof(ModelDirectory)]);
        }
    }
}
