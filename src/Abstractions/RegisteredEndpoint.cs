namespace Scribe;

/// <summary>An endpoint's definition (with its API key, for silos only) and its current status.</summary>
[GenerateSerializer, Immutable, Alias("scribe.registered-endpoint")]
public sealed record RegisteredEndpoint(
    [property: Id(0)] InferenceEndpoint Definition,
    [property: Id(1)] EndpointStatus Status);

/// <summary>The registry's endpoints at one version; silos cache it and place sessions against it.</summary>
/// <param name="PlacingSilos">Silos whose session reports are current: how many place sessions concurrently.</param>
[GenerateSerializer, Immutable, Alias("scribe.endpoint-snapshot")]
public sealed record EndpointSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<RegisteredEndpoint> Endpoints,
    [property: Id(2)] int PlacingSilos = 1);

/// <summary>The outcome of an admin change to the registry.</summary>
[GenerateSerializer, Alias("scribe.endpoint-change")]
public enum EndpointChange
{
    Done = 0,
    UnknownEndpoint = 1,
    DuplicateName = 2,
}
