using Orleans.Runtime;

namespace Scribe.Participants;

/// <summary>Reads membership snapshots for <see cref="SpeakerRecovery"/>: which silos just died, and who leads the recovery.</summary>
public static class SiloLoss
{
    public static HashSet<SiloAddress> Dead(ClusterMembershipSnapshot snapshot) =>
        [.. snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress)];

    /// <summary>Silos dead in <paramref name="snapshot"/> that were not in <paramref name="known"/>.</summary>
    public static IReadOnlyCollection<SiloAddress> NewlyDead(IReadOnlySet<SiloAddress> known, ClusterMembershipSnapshot snapshot) =>
        [.. snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !known.Contains(m.SiloAddress)).Select(m => m.SiloAddress)];

    /// <summary>
    /// The active silo with the lowest address: every silo reading the same snapshot picks the same one, so the
    /// work is done once (twice at worst, while snapshots differ, and resuming is idempotent).
    /// </summary>
    public static SiloAddress? Leader(ClusterMembershipSnapshot snapshot) => snapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active)
        .Select(m => m.SiloAddress)
        .OrderBy(a => a.ToParsableString(), StringComparer.Ordinal)
        .FirstOrDefault();
}
