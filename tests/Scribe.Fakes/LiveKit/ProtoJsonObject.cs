using System.Globalization;
using System.Text.Json.Nodes;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Writes one protobuf message as JSON the way protojson does: names from the proto (snake_case) or
/// JSON (lowerCamelCase) form, 64-bit integers as strings, enums as names, zero values left out unless
/// the style emits defaults.
/// </summary>
internal sealed class ProtoJsonObject(ProtoJsonStyle style)
{
    private readonly JsonObject _json = new();

    private bool EmitDefaults => style == ProtoJsonStyle.TwirpResponse;

    public JsonObject Json => _json;

    public ProtoJsonObject String(string snakeName, string? value)
    {
        if (EmitDefaults || !string.IsNullOrEmpty(value))
        {
            _json[Name(snakeName)] = value ?? "";
        }

        return this;
    }

    public ProtoJsonObject Int64(string snakeName, long value)
    {
        if (EmitDefaults || value != 0)
        {
            _json[Name(snakeName)] = value.ToString(CultureInfo.InvariantCulture);
        }

        return this;
    }

    public ProtoJsonObject Int32(string snakeName, long value)
    {
        if (EmitDefaults || value != 0)
        {
            _json[Name(snakeName)] = value;
        }

        return this;
    }

    public ProtoJsonObject Bool(string snakeName, bool value)
    {
        if (EmitDefaults || value)
        {
            _json[Name(snakeName)] = value;
        }

        return this;
    }

    public ProtoJsonObject Enum(string snakeName, string protoName, bool isZero)
    {
        if (EmitDefaults || !isZero)
        {
            _json[Name(snakeName)] = protoName;
        }

        return this;
    }

    public ProtoJsonObject Message(string snakeName, JsonNode? value)
    {
        if (value is not null)
        {
            _json[Name(snakeName)] = value;
        }
        else if (EmitDefaults)
        {
            _json[Name(snakeName)] = null;
        }

        return this;
    }

    public ProtoJsonObject List(string snakeName, IEnumerable<JsonNode?> items)
    {
        var array = new JsonArray([.. items]);
        if (EmitDefaults || array.Count > 0)
        {
            _json[Name(snakeName)] = array;
        }

        return this;
    }

    public ProtoJsonObject Map(string snakeName, IReadOnlyDictionary<string, string> map)
    {
        if (EmitDefaults || map.Count > 0)
        {
            var json = new JsonObject();
            foreach (var (key, value) in map)
            {
                json[key] = value;
            }

            _json[Name(snakeName)] = json;
        }

        return this;
    }

    private string Name(string snakeName) => style == ProtoJsonStyle.Webhook ? ToCamel(snakeName) : snakeName;

    /// <summary>room_name → roomName, the protobuf JSON name of a field.</summary>
    private static string ToCamel(string snakeName)
    {
        var parts = snakeName.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
