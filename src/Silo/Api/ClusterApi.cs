using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime;
using Scribe.Participants;
using Scribe.Rooms;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/cluster</c>: the silos Orleans knows, their status, and how many rooms and speakers each hosts.</summary>
public static class ClusterApi
{
    public static RouteGroupBuilder MapClusterApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cluster", ListSilosAsync).RequireScope(ApiScope.Cluster).WithSummary("The silos of the cluster, their status and what each hosts.");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<SiloView>>> ListSilosAsync(IGrainFactory grains, ILocalSiloDetails self)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: false);
        var statistics = await management.GetSimpleGrainStatistics();
        return TypedResults.Ok(Describe(hosts, statistics, self.SiloAddress));
    }

    /// <summary>One row per silo, active ones first, then by start time.</summary>
    internal static IReadOnlyList<SiloView> Describe(IEnumerable<MembershipEntry> hosts, IEnumerable<SimpleGrainStatistic> statistics, SiloAddress self)
    {
        var counts = statistics.ToLookup(s => s.SiloAddress);
        // Orleans names a grain type "{full type name},{assembly}".
        int Count(SiloAddress silo, string grainType) =>
            counts[silo].Where(s => s.GrainType.Split(',')[0] == grainType).Sum(s => s.ActivationCount);

        return [.. hosts
            .OrderBy(h => h.Status == SiloStatus.Active ? 0 : 1)
            .ThenBy(h => h.StartTime)
            .Select(h => new SiloView(
                h.SiloAddress.ToParsableString(),
                h.SiloName,
                h.HostName,
                h.Status.ToString(),
                h.StartTime == default ? null : new DateTimeOffset(DateTime.SpecifyKind(h.StartTime, DateTimeKind.Utc)),
                Count(h.SiloAddress, typeof(RoomGrain).FullName!),
                Count(h.SiloAddress, typeof(ParticipantGrain).FullName!),
                counts[h.SiloAddress].Sum(s => s.ActivationCount),
                h.SiloAddress.Equals(self)))];
    }

    /// <param name="Activations">All grain activations on the silo, ours and Orleans' own.</param>
    /// <param name="IsThisSilo">True for the silo that answered the request.</param>
    public sealed record SiloView(
        string Address, string Name, string? HostName, string Status, DateTimeOffset? StartedAt,
        int Rooms, int Participants, int Activations, bool IsThisSilo);
}
