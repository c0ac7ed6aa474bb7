namespace Scribe.Fakes.LiveKit;

/// <summary>
/// The two protobuf-JSON dialects LiveKit speaks: webhooks are lowerCamelCase with default values left
/// out; Twirp answers are snake_case with every field present.
/// </summary>
public enum ProtoJsonStyle
{
    Webhook,
    TwirpResponse,
}
