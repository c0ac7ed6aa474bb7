namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets a fresh <see cref="MeetingRig"/> (xunit makes one instance per test),
/// stopped after the test.
/// </summary>
public abstract class RigTest(RigOptions options) : IAsyncLifetime
{
    protected MeetingRig Rig { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Rig = await MeetingRig.StartAsync(options);

    public virtual async Task DisposeAsync() => await Rig.DisposeAsync();
}
