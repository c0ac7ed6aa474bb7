namespace Scribe.LiveKit;

/// <summary>What a verified LiveKit token says.</summary>
public sealed record AccessTokenClaims
{
    public string Issuer { get; init; } = "";
    public string? Identity { get; init; }
    public string? Name { get; init; }
    public string? Metadata { get; init; }
    public string? Kind { get; init; }
    public string? Sha256 { get; init; }
    public VideoGrant? Video { get; init; }
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}
