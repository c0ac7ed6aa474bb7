using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.HttpOverrides;

namespace Scribe.Silo.Hosting;

/// <summary>
/// A reverse proxy in front of the silos (configuration section <c>Proxy</c>): whether its <c>X-Forwarded-Proto</c>
/// and <c>X-Forwarded-For</c> are believed, so a silo behind a TLS proxy knows its requests came over HTTPS (the
/// dashboard's cookie is then <c>Secure</c>). Off by default: a client reaching a silo directly could claim anything.
/// </summary>
public sealed class ProxyOptions : IValidatableObject
{
    public const string Section = "Proxy";

    /// <summary>Believe the forwarded headers of the proxies in <see cref="KnownNetworks"/>.</summary>
    public bool ForwardedHeaders { get; set; }

    /// <summary>Networks (CIDR, e.g. <c>10.0.0.0/8</c>) the proxy's requests come from; empty: any, for silos only the proxy reaches.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var n = 0; n < KnownNetworks.Count; n++)
        {
            if (!System.Net.IPNetwork.TryParse(KnownNetworks[n], out _))
            {
                yield return new ValidationResult($"{Section}:KnownNetworks:{n} must be a network such as 10.0.0.0/8, not '{KnownNetworks[n]}'.");
            }
        }
    }

    /// <summary>The middleware's settings: the two headers, the last proxy only, from the known networks (or anywhere).</summary>
    public void Apply(ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
        options.ForwardLimit = 1;
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
#pragma warning disable CS0618, ASPDEPR005 // the obsolete list still holds its loopback default
        options.KnownNetworks.Clear();
#pragma warning restore CS0618, ASPDEPR005
        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }
}
