using Microsoft.Extensions.DependencyInjection;
using Scribe.Telemetry;

namespace Scribe.Tests.Infrastructure;

/// <summary>The cluster's instruments for code a test builds by hand (transcribers and their parts), on a meter factory of their own.</summary>
public static class TestMetrics
{
    public static ScribeMetrics Scribe { get; } = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
}
