using System.Globalization;

namespace Scribe.Endpoints;

/// <summary>Reads the load gauges out of a vLLM server's Prometheus text (<c>GET /metrics</c>).</summary>
public static class VllmMetricsText
{
    // vLLM has named its KV-cache gauge differently across versions; the first present wins.
    private static readonly string[] KvCacheGauges = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"];

    // Each engine of a data-parallel server has its own KV cache and reports it as its own series
    // (engine="N"): the fullest engine is the one that refuses the next request, so take the highest, not the sum.
    private static readonly HashSet<string> HighestWins = [.. KvCacheGauges];

    public static EndpointLoad Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "name{labels} value [timestamp]": labelled series (per model, per engine) are summed under the bare
            // name, except the per-engine fractions in HighestWins.
            var nameEnd = line.IndexOfAny([' ', '{']);
            if (nameEnd <= 0)
            {
                continue;
            }

            var name = line[..nameEnd];
            var rest = line[nameEnd..];
            if (rest.StartsWith('{'))
            {
                var close = rest.LastIndexOf('}');
                if (close < 0)
                {
                    continue;
                }

                rest = rest[(close + 1)..];
            }

            var fields = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || !double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
            {
                continue;
            }

            values[name] = !values.TryGetValue(name, out var seen) ? value
                : HighestWins.Contains(name) ? Math.Max(seen, value)
                : seen + value;
        }

        int? Count(string name) => values.TryGetValue(name, out var v) ? (int)Math.Round(v) : null;
        double? kv = KvCacheGauges.Where(values.ContainsKey).Select(g => (double?)values[g]).FirstOrDefault();
        return new EndpointLoad(
            Count("vllm:websocket_connections_active"),
            Count("vllm:num_requests_running"),
            Count("vllm:num_requests_waiting"),
            kv);
    }
}
