namespace Scribe.Tests.Cluster;

/// <summary>
/// A test class whose every test gets a fresh <see cref="LiveMeetingCluster"/> of <paramref name="silos"/> silo
/// processes; the live silos' logs go to the test output at the end.
/// </summary>
public abstract class LiveMeetingTest(int silos, ITestOutputHelper output) : IAsyncLifetime
{
    protected ITestOutputHelper Output { get; } = output;

    protected LiveMeetingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LiveMeetingCluster.StartAsync(silos);

    public async Task DisposeAsync()
    {
        Cluster.WriteLogs(Output);
        await Cluster.DisposeAsync();
    }
}
