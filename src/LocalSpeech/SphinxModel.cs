namespace Scribe.LocalSpeech;

/// <summary>The three files a PocketSphinx decoder loads: acoustic model folder, language model, dictionary.</summary>
public sealed record SphinxModel(string AcousticModel, string LanguageModel, string Dictionary)
{
    /// <summary>Where Debian's <c>pocketsphinx-en-us</c> puts its US English model.</summary>
    public const string DefaultDirectory = "/usr/share/pocketsphinx/model/en-us/";

    /// <summary>The US English model of Debian's <c>pocketsphinx-en-us</c>.</summary>
    public static SphinxModel Default { get; } = FromDirectory(DefaultDirectory);

    /// <summary>Reads the layout of <c>pocketsphinx-en-us</c>: <c>en-us/</c>, <c>en-us.lm.bin</c>, <c>cmudict-en-us.dict</c>.</summary>
    public static SphinxModel FromDirectory(string directory) => new(
        Path.Combine(directory, "en-us"),
        Path.Combine(directory, "en-us.lm.bin"),
        Path.Combine(directory, "cmudict-en-us.dict"));

    /// <summary>The first missing file, or null when the model is complete.</summary>
    public string? FindMissingFile()
    {
        if (!Directory.Exists(AcousticModel) || !File.Exists(Path.Combine(AcousticModel, "mdef")))
        {
            return AcousticModel;
        }

        return !File.Exists(LanguageModel) ? LanguageModel
            : !File.Exists(Dictionary) ? Dictionary
            : null;
    }

    /// <summary>Throws a <see cref="SphinxUnavailableException"/> naming the package to install when a file is missing.</summary>
    public void EnsureAvailable()
    {
        if (FindMissingFile() is { } missing)
        {
            throw new SphinxUnavailableException(
                $"PocketSphinx model file '{missing}' is missing: install the Debian package pocketsphinx-en-us (scripts/setup/speech.sh) or point LocalSpeech:ModelDirectory at a model.");
        }
    }
}
