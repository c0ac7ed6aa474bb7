using System.ComponentModel.DataAnnotations;

namespace Scribe.Media;

/// <summary>
/// How the silo runs its media process (section <see cref="Section"/>): which node, which script, how fast it
/// restarts a child that died. Validated at start, so a missing node or an uninstalled SDK stops the host.
/// </summary>
public sealed class MediaOptions : IValidatableObject
{
    public const string Section = "Media";

    /// <summary>The node executable: a path, or a name looked up on PATH.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = Section + ":NodePath must not be empty.")]
    public string NodePath { get; set; } = "node";

    /// <summary>The media process's script; by default src/Media/agent/agent.mjs of the checkout the silo runs from.</summary>
    public string ScriptPath { get; set; } = DefaultScriptPath();

    /// <summary>The wait before the second restart in a row; the first is immediate, later ones double it.</summary>
    [Range(1, 60_000, ErrorMessage = Section + ":RestartBackoffMilliseconds must be between {1} and {2}.")]
    public int RestartBackoffMilliseconds { get; set; } = 250;

    [Range(1, 600_000, ErrorMessage = Section + ":MaxRestartBackoffMilliseconds must be between {1} and {2}.")]
    public int MaxRestartBackoffMilliseconds { get; set; } = 10_000;

    /// <summary>A child that stayed up this long counts as healthy: its next death restarts it at once again.</summary>
    [Range(1, 3_600, ErrorMessage = Section + ":StableAfterSeconds must be between {1} and {2}.")]
    public int StableAfterSeconds { get; set; } = 30;

    /// <summary>How long a stopping silo waits for the child to leave its rooms and exit before killing it.</summary>
    [Range(1, 60, ErrorMessage = Section + ":StopTimeoutSeconds must be between {1} and {2}.")]
    public int StopTimeoutSeconds { get; set; } = 5;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(NodePath) && ResolveNode() is null)
        {
            yield return new ValidationResult(
                $"{Section}:NodePath '{NodePath}' is not a file nor on PATH: install Node.js 20 or newer.", [nameof(NodePath)]);
        }

        if (string.IsNullOrWhiteSpace(ScriptPath) || !File.Exists(ScriptPath))
        {
            yield return new ValidationResult($"{Section}:ScriptPath '{ScriptPath}' does not exist.", [nameof(ScriptPath)]);
        }
        else if (!File.Exists(Path.Combine(Path.GetDirectoryName(ScriptPath)!, "node_modules", "@livekit", "rtc-node", "package.json")))
        {
            yield return new ValidationResult(
                $"{Section}:ScriptPath: @livekit/rtc-node is not installed beside '{ScriptPath}': run scripts/setup/media.sh.", [nameof(ScriptPath)]);
        }

        if (MaxRestartBackoffMilliseconds < RestartBackoffMilliseconds)
        {
            yield return new ValidationResult(
                $"{Section}:MaxRestartBackoffMilliseconds must not be below RestartBackoffMilliseconds.", [nameof(MaxRestartBackoffMilliseconds)]);
        }
    }

    /// <summary>The node executable's full path, or null when there is none.</summary>
    public string? ResolveNode()
    {
        if (Path.IsPathRooted(NodePath) || NodePath.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(NodePath) ? Path.GetFullPath(NodePath) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, NodePath))
            .FirstOrDefault(File.Exists);
    }

    private static string DefaultScriptPath()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", "Media", "agent", "agent.mjs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "agent", "agent.mjs");
    }
}
