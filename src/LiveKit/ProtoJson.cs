using System.Globalization;
using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>
/// Tolerant reading of protobuf JSON as LiveKit writes it: webhooks use lowerCamelCase and leave out
/// default values, the Twirp API answers in snake_case with defaults present, 64-bit integers may be
/// strings or numbers, and enums are names (or, rarely, numbers). Unknown enum names read as zero so a
/// newer server never breaks us.
/// </summary>
internal static class ProtoJson
{
    /// <summary>Finds a field by its proto (snake_case) name or its JSON (lowerCamelCase) name.</summary>
    public static bool TryGetField(this JsonElement message, string snakeName, out JsonElement value)
    {
        value = default;
        if (message.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (message.TryGetProperty(snakeName, out value) || message.TryGetProperty(ToCamel(snakeName), out value))
        {
            return value.ValueKind != JsonValueKind.Null;
        }

        return false;
    }

    public static string GetString(this JsonElement message, string snakeName) =>
        message.TryGetField(snakeName, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    public static string? GetOptionalString(this JsonElement message, string snakeName) =>
        message.TryGetField(snakeName, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool GetBool(this JsonElement message, string snakeName) =>
        message.TryGetField(snakeName, out var v) && v.ValueKind == JsonValueKind.True;

    public static long GetInt64(this JsonElement message, string snakeName)
    {
        if (!message.TryGetField(snakeName, out var v))
        {
            return 0;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.Number when v.TryGetDouble(out var d) => (long)d,
            JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => 0,
        };
    }

    public static int GetInt32(this JsonElement message, string snakeName) =>
        (int)Math.Clamp(message.GetInt64(snakeName), int.MinValue, int.MaxValue);

    /// <summary>
    /// Reads an enum given as its protobuf name ("MICROPHONE", "EGRESS_ACTIVE", "SCREEN_SHARE_AUDIO")
    /// or number; <paramref name="prefix"/> is the name prefix LiveKit puts on some enums ("EGRESS_").
    /// </summary>
    public static TEnum GetEnum<TEnum>(this JsonElement message, string snakeName, string prefix = "")
        where TEnum : struct, Enum
    {
        if (!message.TryGetField(snakeName, out var v))
        {
            return default;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var number))
        {
            var candidate = (TEnum)Enum.ToObject(typeof(TEnum), number);
            return Enum.IsDefined(candidate) ? candidate : default;
        }

        return v.ValueKind == JsonValueKind.String ? ParseEnumName<TEnum>(v.GetString(), prefix) : default;
    }

    public static TEnum ParseEnumName<TEnum>(string? protoName, string prefix = "")
        where TEnum : struct, Enum
    {
        if (string.IsNullOrEmpty(protoName))
        {
            return default;
        }

        var name = prefix.Length > 0 && protoName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? protoName[prefix.Length..]
            : protoName;
        name = name.Replace("_", "", StringComparison.Ordinal);

        // Digits would parse as undefined numeric values; only names are accepted here.
        if (name.Length == 0 || char.IsDigit(name[0]) || name[0] == '-')
        {
            return default;
        }

        return Enum.TryParse<TEnum>(name, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : default;
    }

    public static IReadOnlyDictionary<string, string> GetStringMap(this JsonElement message, string snakeName)
    {
        if (!message.TryGetField(snakeName, out var v) || v.ValueKind != JsonValueKind.Object)
        {
            return EmptyMap;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in v.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString() ?? ""
                : property.Value.GetRawText();
        }

        return map;
    }

    public static IReadOnlyList<T> GetList<T>(this JsonElement message, string snakeName, Func<JsonElement, T> read)
    {
        if (!message.TryGetField(snakeName, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var items = new List<T>(v.GetArrayLength());
        foreach (var item in v.EnumerateArray())
        {
            items.Add(read(item));
        }

        return items;
    }

    public static JsonElement? GetMessage(this JsonElement message, string snakeName) =>
        message.TryGetField(snakeName, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    /// <summary>room_name → roomName, the protobuf JSON name of a field.</summary>
    public static string ToCamel(string snakeName)
    {
        if (!snakeName.Contains('_', StringComparison.Ordinal))
        {
            return snakeName;
        }

        var builder = new System.Text.StringBuilder(snakeName.Length);
        var upper = false;
        foreach (var c in snakeName)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return builder.ToString();
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyMap = new Dictionary<string, string>();
}
