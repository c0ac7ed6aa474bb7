namespace Scribe.Participants;

/// <summary>Where a stopping silo can hand its work: the cluster's other active silos, as membership sees them now.</summary>
public static class OtherSilos
{
    public static List<SiloAddress> Active(IClusterMembershipService membership, ILocalSiloDetails silo) =>
        [.. membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(silo.SiloAddress))
            .Select(m => m.SiloAddress)];
}
