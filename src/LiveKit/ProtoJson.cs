using Google.Protobuf;

namespace Scribe.LiveKit;

/// <summary>
/// Protobuf JSON as we exchange it with LiveKit, on the generated types of its .proto files. Reading takes
/// snake_case or lowerCamelCase names, int64 as string or number and enums by name or number (Google.Protobuf's
/// parser does all that); unknown fields are skipped and, with them, enum names we do not know (the field keeps
/// its zero value), so a newer server never breaks us. We write proto (snake_case) names, as LiveKit's SDKs do.
/// </summary>
internal static class ProtoJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    /// <exception cref="InvalidProtocolBufferException">The JSON does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="InvalidJsonException">The text is not JSON.</exception>
    public static T Parse<T>(string json)
        where T : IMessage<T>, new() => Parser.Parse<T>(json);

    public static string Format(IMessage message) => Formatter.Format(message);

    /// <summary>
    /// A protobuf enum number as one of our enums, which keep LiveKit's numbers; a number we do not know
    /// (a value added by a newer server) reads as zero, as an unknown name does.
    /// </summary>
    public static TEnum Known<TEnum>(int number)
        where TEnum : struct, Enum
    {
        var value = (TEnum)Enum.ToObject(typeof(TEnum), number);
        return Enum.IsDefined(value) ? value : default;
    }
}
