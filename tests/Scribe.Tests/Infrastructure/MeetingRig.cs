using System.Globalization;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// The test environment of a meeting, started as <see cref="RigOptions"/> asks: a strict fake vLLM (or the silo's
/// embedded local endpoint), a fake LiveKit with its egress simulator, a private Redis, in-process silos wired to them,
/// and a webhook sender signing as the silos expect. Disposing it stops the silos, then the fakes.
/// </summary>
public sealed class MeetingRig : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly List<TestSilo> _silos = [];
    private readonly RigOptions _options;
    private readonly RedisServer? _redis;
    private readonly FakeVllmServer? _vllm;
    private FakeLiveKitServer? _liveKit;

    private MeetingRig(RigOptions options, RedisServer? redis, FakeVllmServer? vllm, FakeLiveKitServer? liveKit)
    {
        _options = options;
        _redis = redis;
        _vllm = vllm;
        _liveKit = liveKit;
        Webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        var settings = redis?.ClusterSettings(options.ClusterName) ?? [];
        if (liveKit is not null)
        {
            settings["LiveKit:Url"] = liveKit.Url.ToString();
        }

        if (vllm is not null)
        {
            settings["Inference:Endpoints:0:Name"] = "gpu-1";
            settings["Inference:Endpoints:0:Url"] = vllm.RealtimeUrl.ToString();
            settings["Inference:Endpoints:0:Model"] = vllm.Model;
            settings["Inference:Endpoints:0:MaxGenerations"] = (options.MaxGenerations ?? options.MaxSessions ?? 8).ToString(CultureInfo.InvariantCulture);
            if (options.MaxSessions is { } max)
            {
                settings["Inference:Endpoints:0:MaxSessions"] = max.ToString(CultureInfo.InvariantCulture);
            }
        }

        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var (name, key, scopes) = options.ApiKeys[i];
            settings[$"Api:Keys:{i}:Name"] = name;
            settings[$"Api:Keys:{i}:Key"] = key;
            settings[$"Api:Keys:{i}:Scopes"] = scopes;
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        Settings = settings;
    }

    public RedisServer Redis => _redis ?? throw new InvalidOperationException("This rig runs without Redis.");

    public FakeVllmServer Vllm => _vllm ?? throw new InvalidOperationException("This rig runs without a fake vLLM.");

    public FakeLiveKitServer LiveKit => _liveKit ?? throw new InvalidOperationException("This rig runs without a fake LiveKit.");

    public LiveKitWebhookSender Webhooks { get; }

    /// <summary>The settings every silo of the rig gets (for silos a test starts itself, e.g. as processes).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The in-process silos still running.</summary>
    public IReadOnlyList<TestSilo> Silos => _silos;

    public TestSilo Silo => _silos[0];

    public Uri WebhookUrl => Silo.WebhookUrl;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public static async Task<MeetingRig> StartAsync(RigOptions? options = null)
    {
        options ??= new RigOptions();
        var redis = options.Redis ? await RedisServer.StartAsync() : null;
        var vllm = options.FakeVllm ? await FakeVllmServer.StartAsync(maxSessions: options.VllmCapacity) : null;
        var liveKit = options.LiveKitPace is { } pace ? await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: pace) : null;
        var rig = new MeetingRig(options, redis, vllm, liveKit);
        for (var i = 0; i < options.Silos; i++)
        {
            await rig.AddSiloAsync();
        }

        return rig;
    }

    /// <summary>Starts one more in-process silo with the rig's settings.</summary>
    public async Task<TestSilo> AddSiloAsync()
    {
        var silo = await TestSilo.StartAsync(Settings, _options.Services);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Takes <paramref name="silo"/> away: a graceful stop, or a kill as if its process had died.</summary>
    public async Task RemoveSiloAsync(TestSilo silo, bool kill)
    {
        _silos.Remove(silo);
        if (kill)
        {
            await silo.KillAsync();
        }
        else
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>The silo that hosts <paramref name="grain"/> now.</summary>
    public async Task<TestSilo> HostOfAsync(IAddressable grain)
    {
        var host = await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return _silos.Single(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(host));
    }

    /// <summary>Starts <paramref name="room"/> and publishes one track per speaker on the fake LiveKit (see <see cref="MeetingPlayback.PublishAsync"/>).</summary>
    public Task<IReadOnlyList<string>> PublishAsync(string room, IReadOnlyDictionary<string, byte[]> tracks, EgressAudioScript? script = null) =>
        Webhooks.PublishAsync(LiveKit, WebhookUrl, room, tracks, script);

    /// <summary>Publishes the tracks, waits until their egresses have played out and the room holds <paramref name="finals"/> final segments.</summary>
    public async Task<IReadOnlyList<TranscriptSegment>> TranscribeAsync(
        string room, IReadOnlyDictionary<string, byte[]> tracks, int finals, CancellationToken cancellationToken, EgressAudioScript? script = null)
    {
        var sids = await PublishAsync(room, tracks, script);
        await LiveKit.WaitForEgressesAsync(sids, cancellationToken);
        return await Silo.WaitForFinalsAsync(room, finals, cancellationToken);
    }

    /// <summary>Stops the fake LiveKit ahead of the rest, for a test that stops its own silos after it.</summary>
    public async Task StopLiveKitAsync()
    {
        if (_liveKit is { } liveKit)
        {
            _liveKit = null;
            await liveKit.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_liveKit is not null)
        {
            await _liveKit.DisposeAsync();
        }

        if (_vllm is not null)
        {
            await _vllm.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _http.Dispose();
    }
}
