namespace Scribe.Silo.Api;

/// <summary>What an API key may do. Every <c>/api</c> route names the one scope it needs (<see cref="ApiScopeExtensions.RequireScope"/>).</summary>
public static class ApiScope
{
    /// <summary>Start, stop and read the status of a room's transcription; issue viewer tokens.</summary>
    public const string Transcription = "transcription";

    /// <summary>Rooms and their transcripts, in every format, and the live stream.</summary>
    public const string TranscriptsRead = "transcripts:read";

    /// <summary>Erase a room's transcript and records.</summary>
    public const string TranscriptsDelete = "transcripts:delete";

    /// <summary>List, add, remove, drain and undrain speech endpoints.</summary>
    public const string Endpoints = "endpoints";

    /// <summary>The cluster's silos, the notification outbox, the Orleans Dashboard.</summary>
    public const string Cluster = "cluster";

    public static IReadOnlyList<string> All { get; } = [Transcription, TranscriptsRead, TranscriptsDelete, Endpoints, Cluster];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
