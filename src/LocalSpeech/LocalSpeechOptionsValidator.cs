using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

/// <summary>Refuses a configuration the endpoint could not serve, at start rather than at the first session.</summary>
internal sealed class LocalSpeechOptionsValidator : IValidateOptions<LocalSpeechOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalSpeechOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelName))
        {
            failures.Add($"{LocalSpeechOptions.Section}:ModelName must not be empty.");
        }

        if (options.AcceptedModels.Any(string.IsNullOrWhiteSpace))
        {
            failures.Add($"{LocalSpeechOptions.Section}:AcceptedModels must not hold empty names.");
        }

        if (options.MaxSessions is < 1 or > 10_000)
        {
            failures.Add($"{LocalSpeechOptions.Section}:MaxSessions must be between 1 and 10000 (was {options.MaxSessions}).");
        }

        if (options.DeltaStabilityMilliseconds is < 0 or > 60_000)
        {
            failures.Add($"{LocalSpeechOptions.Section}:DeltaStabilityMilliseconds must be between 0 and 60000 (was {options.DeltaStabilityMilliseconds}).");
        }

        if (options.DeltaTrailingWords is < 1 or > 20)
        {
            failures.Add($"{LocalSpeechOptions.Section}:DeltaTrailingWords must be between 1 and 20 (was {options.DeltaTrailingWords}).");
        }

        if (options.ApiKey is { Length: 0 })
        {
            failures.Add($"{LocalSpeechOptions.Section}:ApiKey must be absent or non-empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ModelDirectory))
        {
            failures.Add($"{LocalSpeechOptions.Section}:ModelDirectory must not be empty.");
        }
        else if (SphinxModel.FromDirectory(options.ModelDirectory).FindMissingFile() is { } missing)
        {
            failures.Add($"{LocalSpeechOptions.Section}:ModelDirectory lacks '{missing}': install the Debian package pocketsphinx-en-us (scripts/setup/speech.sh).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
