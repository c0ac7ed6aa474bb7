using Orleans.Runtime;

namespace Scribe.Silo.Hosting;

/// <summary>
/// The three probes an orchestrator asks, each with its Orleans meaning; none calls a grain or a dependency, so a
/// slow Redis or a busy grain never restarts a silo or takes it out of the load balancer.
/// <list type="bullet">
/// <item><c>/startupz</c>: this silo has joined its cluster (its own membership entry became Active once).</item>
/// <item><c>/readyz</c>: serving: joined, started, and not stopping. It turns false the moment shutdown begins,
/// before the speakers' hand-off, so no new webhook, ingest socket or API call lands on a leaving silo.</item>
/// <item><c>/livez</c> (and <c>/healthz</c>, its older name): the process answers HTTP; nothing else.</item>
/// </list>
/// </summary>
public static class SiloProbes
{
    public const string Startup = "/startupz";
    public const string Readiness = "/readyz";
    public const string Liveness = "/livez";
    public const string LegacyLiveness = "/healthz";

    public static WebApplication MapSiloProbes(this WebApplication app)
    {
        var joined = new JoinedCluster(app.Services);
        app.MapGet(Liveness, () => Results.Ok(new { status = "alive" }));
        app.MapGet(LegacyLiveness, () => Results.Ok(new { status = "ok" }));
        app.MapGet(Startup, () => joined.HasJoined
            ? Results.Ok(new { status = "joined" })
            : Unavailable("joining the cluster"));
        app.MapGet(Readiness, (IHostApplicationLifetime lifetime, SiloStopping stopping) =>
            lifetime.ApplicationStopping.IsCancellationRequested || stopping.IsStopping ? Unavailable("stopping")
            : !lifetime.ApplicationStarted.IsCancellationRequested || !joined.HasJoined ? Unavailable("starting")
            : !joined.IsActive ? Unavailable("not an active member of the cluster")
            : Results.Ok(new { status = "ready" }));
        return app;
    }

    private static IResult Unavailable(string detail) =>
        Results.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>This silo's own status in its local membership view: no grain call, no storage read.</summary>
    private sealed class JoinedCluster(IServiceProvider services)
    {
        private volatile bool _joined;

        /// <summary>True once this silo was Active; it stays true while the silo leaves (startup is over by then).</summary>
        public bool HasJoined => _joined || (_joined = IsActive);

        public bool IsActive
        {
            get
            {
                var membership = services.GetService<IClusterMembershipService>();
                var silo = services.GetService<ILocalSiloDetails>();
                return membership is not null && silo is not null
                    && membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active;
            }
        }
    }
}
