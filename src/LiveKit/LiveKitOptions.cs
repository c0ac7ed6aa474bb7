using System.ComponentModel.DataAnnotations;

namespace Scribe.LiveKit;

/// <summary>Where the LiveKit server is and the API key pair that signs our tokens and its webhooks.</summary>
public sealed class LiveKitOptions : IValidatableObject
{
    public const string Section = "LiveKit";

    /// <summary>How speakers' audio reaches the cluster: one hidden agent participant per room (the default), or a track egress each.</summary>
    public LiveKitAudio Audio { get; set; } = LiveKitAudio.Agent;

    /// <summary>The identity the cluster's agent participant joins rooms under (<see cref="LiveKitAudio.Agent"/> mode).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:@-]{1,64}$", ErrorMessage = "LiveKit:AgentIdentity must be 1 to 64 letters, digits or _.:@-.")]
    public string AgentIdentity { get; set; } = "scribe";

    /// <summary>The agent name the silos register under for LiveKit's agent dispatch (<c>Transcription:Activation</c> = <c>Dispatch</c>); Meet dispatches this one.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:@-]{1,64}$", ErrorMessage = "LiveKit:AgentName must be 1 to 64 letters, digits or _.:@-.")]
    public string AgentName { get; set; } = "multi-user-transcriber";

    /// <summary>
    /// The rooms this silo's agent may be in at once under agent dispatch: its load as reported to LiveKit is the rooms
    /// it is in against this, and at it the silo reports itself full and declines new jobs.
    /// </summary>
    [Range(1, 100_000)]
    public int AgentMaxRooms { get; set; } = 100;

    /// <summary>Base URL of the LiveKit server: http(s), or ws(s) as LiveKit URLs are often written.</summary>
    [Required]
    [RegularExpression("^(?i)(https?|wss?)://.+", ErrorMessage = "LiveKit:Url must be an http(s) or ws(s) URL.")]
    public string Url { get; set; } = "";

    [Required]
    [MinLength(1)]
    public string ApiKey { get; set; } = "";

    [Required]
    [MinLength(1)]
    public string ApiSecret { get; set; } = "";

    /// <summary>
    /// Which participant kinds are transcribed. Empty means <see cref="ParticipantKind.Standard"/> only: people,
    /// not agents, egress, ingress, SIP or bridges. (An empty default, not a pre-filled list: the configuration
    /// binder appends to lists.)
    /// </summary>
    public List<ParticipantKind> TranscribeKinds { get; set; } = [];

    /// <summary>How many times a speaker's egress is restarted after it dies under a published track before the speaker shows an error.</summary>
    [Range(0, 100)]
    public int EgressRestartAttempts { get; set; } = 5;

    /// <summary>The first restart waits this long; each further one twice as long, up to 30 s.</summary>
    [Range(0, 60_000)]
    public int EgressRestartDelayMs { get; set; } = 1_000;

    /// <summary>Sends each segment upsert into the room with SendData on <see cref="Participants.TranscriptDataMessage.Topic"/>.</summary>
    public bool PublishTranscripts { get; set; } = true;

    /// <summary>At most one interim update per speaker per this interval goes into the room; finals go at once.</summary>
    [Range(0, 10_000)]
    public int TranscriptInterimIntervalMs { get; set; } = 250;

    /// <summary>Whether the participant's microphone is transcribed: its kind is configured, and it is never our own agent.</summary>
    public bool Transcribes(ParticipantKind kind, string identity) =>
        Transcribes(kind) && !(Audio == LiveKitAudio.Agent && (kind == ParticipantKind.Agent || identity == AgentIdentity));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Audio == LiveKitAudio.Agent && TranscribeKinds.Contains(ParticipantKind.Agent))
        {
            // The agent subscribes to people, never to another agent (nor to itself): a room of agents would feed on itself.
            yield return new ValidationResult("LiveKit:TranscribeKinds cannot include Agent when LiveKit:Audio is Agent.", [nameof(TranscribeKinds)]);
        }
    }

    public bool Transcribes(ParticipantKind kind) => TranscribeKinds.Count == 0 ? kind == ParticipantKind.Standard : TranscribeKinds.Contains(kind);
}
