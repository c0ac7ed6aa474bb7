namespace Scribe.LocalSpeech;

/// <summary>The <c>code</c> values of vLLM's realtime <c>error</c> event.</summary>
public static class RealtimeErrorCode
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidEvent = "invalid_event";
    public const string ModelNotFound = "model_not_found";
    public const string ModelNotValidated = "model_not_validated";
    public const string InvalidAudio = "invalid_audio";
    public const string UnknownEvent = "unknown_event";
    public const string ProcessingError = "processing_error";
}
