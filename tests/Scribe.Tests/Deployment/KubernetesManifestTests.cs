using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Deployment;

/// <summary>
/// deploy/kubernetes as <c>kubectl kustomize</c> renders it (no cluster runs here), parsed strictly, held to the rules
/// an operator relies on: pinned images, probes with Orleans' meaning, requests and a memory limit, a locked-down
/// security context on every container, selectors that select, credentials from the Secret only and every key that
/// is referenced present in the example, every setting documented in the README's configuration table.
/// </summary>
public sealed partial class KubernetesManifestTests : IDisposable
{
    private readonly KustomizeRender _render = KustomizeRender.Copy();

    public void Dispose() => _render.Dispose();

    [Fact]
    public async Task Every_kustomization_renders_and_parses_strictly()
    {
        foreach (var kustomization in KustomizeRender.Kustomizations.Append(KustomizeRender.Everything))
        {
            var objects = await _render.ObjectsAsync(kustomization);
            Assert.NotEmpty(objects.All);
        }

        var everything = await _render.ObjectsAsync(KustomizeRender.Everything);
        Assert.All(everything.All.Cast<IMetadata<V1ObjectMeta>>(), o => Assert.Equal(KustomizeRender.Namespace, o.Metadata.NamespaceProperty));
        Assert.Single(everything.Ingresses);
        Assert.Single(everything.Autoscalers);
    }

    [Fact]
    public void The_strict_parse_refuses_a_field_kubernetes_does_not_know()
    {
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  selectr: {a: b}\n";
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true));
        Assert.Single(KubernetesYaml.LoadAllFromString(yaml.Replace("selectr", "selector", StringComparison.Ordinal), typeMap: null, strict: true));
    }

    [Fact]
    public async Task The_overlay_refuses_to_render_without_its_credentials_file()
    {
        using var bare = KustomizeRender.Copy(withCredentials: false);
        var (exitCode, _, error) = await bare.RenderAsync(KustomizeRender.Overlay);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("credentials.env", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_image_is_pinned_and_every_container_has_probes_requests_and_a_memory_limit_but_no_cpu_limit()
    {
        var objects = await _render.ObjectsAsync(KustomizeRender.Everything);
        Assert.NotEmpty(objects.Containers);
        foreach (var (deployment, container) in objects.Containers)
        {
            var where = $"{deployment.Metadata.Name}/{container.Name}";
            Assert.True(IsPinned(container.Image), $"{where}: {container.Image} names a release or a digest");
            Assert.True(container.StartupProbe?.HttpGet is not null, $"{where}: startup probe");
            Assert.True(container.ReadinessProbe?.HttpGet is not null, $"{where}: readiness probe");
            Assert.True(container.LivenessProbe?.HttpGet is not null, $"{where}: liveness probe");
            Assert.True(container.Resources?.Requests?.ContainsKey("cpu") == true, $"{where}: CPU request");
            Assert.True(container.Resources.Requests.ContainsKey("memory"), $"{where}: memory request");
            Assert.True(container.Resources.Limits?.ContainsKey("memory") == true, $"{where}: memory limit");
            Assert.False(container.Resources.Limits.ContainsKey("cpu"), $"{where}: a CPU limit throttles live audio");
        }

        var silo = objects.SiloContainer;
        Assert.Equal(SiloProbes.Startup, silo.StartupProbe.HttpGet.Path);
        Assert.Equal(SiloProbes.Readiness, silo.ReadinessProbe.HttpGet.Path);
        Assert.Equal(SiloProbes.Liveness, silo.LivenessProbe.HttpGet.Path);
        Assert.Contains(silo.Ports, p => p.Name == silo.LivenessProbe.HttpGet.Port.Value && p.ContainerPort == 8080);
    }

    [Fact]
    public async Task Every_container_runs_locked_down_and_writes_only_to_empty_dirs()
    {
        var objects = await _render.ObjectsAsync(KustomizeRender.Everything);
        foreach (var (deployment, container) in objects.Containers)
        {
            var where = $"{deployment.Metadata.Name}/{container.Name}";
            var pod = deployment.Spec.Template.Spec;
            var security = container.SecurityContext;
            Assert.True(security is not null, $"{where}: security context");
            Assert.True(security.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot, $"{where}: non-root");
            Assert.False(security.AllowPrivilegeEscalation ?? true, $"{where}: no privilege escalation");
            Assert.False(security.Privileged ?? false, $"{where}: not privileged");
            Assert.True(security.ReadOnlyRootFilesystem, $"{where}: read-only root filesystem");
            Assert.Equal(["ALL"], security.Capabilities?.Drop ?? []);
            Assert.Null(security.Capabilities?.Add);
            Assert.Equal("RuntimeDefault", security.SeccompProfile?.Type ?? pod.SecurityContext?.SeccompProfile?.Type);
            Assert.False(pod.AutomountServiceAccountToken ?? true, $"{where}: no service account token");
            foreach (var mount in container.VolumeMounts ?? [])
            {
                var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
                Assert.True(volume.EmptyDir is not null, $"{where}: {mount.MountPath} is an emptyDir");
            }
        }

        Assert.Contains(objects.SiloContainer.VolumeMounts, m => m.MountPath == "/tmp");
    }

    [Fact]
    public async Task Selectors_select_the_pods_they_mean_and_ports_exist()
    {
        var objects = await _render.ObjectsAsync(KustomizeRender.Everything);
        var pods = objects.Deployments.ToList();
        foreach (var deployment in pods)
        {
            Assert.True(Manifests.Selects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels), $"{deployment.Metadata.Name} selects its own pods");
        }

        foreach (var service in objects.Services)
        {
            var target = Assert.Single(pods, d => Manifests.Selects(service.Spec.Selector, d.Spec.Template.Metadata.Labels));
            var containerPorts = target.Spec.Template.Spec.Containers.SelectMany(c => c.Ports).ToList();
            Assert.All(service.Spec.Ports, p => Assert.Contains(containerPorts, c => c.Name == p.TargetPort.Value || c.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == p.TargetPort.Value));
        }

        Assert.Single(pods, d => Manifests.Selects(Assert.Single(objects.DisruptionBudgets).Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels));
        foreach (var policy in objects.NetworkPolicies)
        {
            var selected = Assert.Single(pods, d => Manifests.Selects(policy.Spec.PodSelector.MatchLabels, d.Spec.Template.Metadata.Labels));
            var named = selected.Spec.Template.Spec.Containers.SelectMany(c => c.Ports).Select(p => p.Name).ToHashSet();
            Assert.All(policy.Spec.Ingress.SelectMany(rule => rule.Ports), p => Assert.Contains(p.Port.Value, named));
        }

        var autoscaler = Assert.Single(objects.Autoscalers);
        Assert.Contains(pods, d => d.Metadata.Name == autoscaler.Spec.ScaleTargetRef.Name && autoscaler.Spec.ScaleTargetRef.Kind == "Deployment");
        foreach (var backend in objects.Ingresses.SelectMany(i => i.Spec.Rules).SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service))
        {
            var service = Assert.Single(objects.Services, s => s.Metadata.Name == backend.Name);
            Assert.Contains(service.Spec.Ports, p => p.Name == backend.Port.Name);
        }
    }

    [Fact]
    public async Task Credentials_come_only_from_the_secret_and_every_key_referenced_exists_in_the_example()
    {
        var objects = await _render.ObjectsAsync(KustomizeRender.Overlay);
        var secrets = objects.Secrets.ToDictionary(s => s.Metadata.Name, s => s.Data.Keys.ToHashSet());
        var configMaps = objects.ConfigMaps.ToDictionary(c => c.Metadata.Name, c => c.Data.Keys.ToHashSet());
        foreach (var (deployment, container) in objects.Containers)
        {
            foreach (var env in container.Env ?? [])
            {
                if (env.ValueFrom?.SecretKeyRef is { } secret)
                {
                    Assert.True(secrets.TryGetValue(secret.Name, out var keys) && keys.Contains(secret.Key), $"{deployment.Metadata.Name}: {env.Name} from {secret.Name}/{secret.Key}");
                }

                if (env.ValueFrom?.ConfigMapKeyRef is { } setting)
                {
                    Assert.True(configMaps.TryGetValue(setting.Name, out var keys) && keys.Contains(setting.Key), $"{deployment.Metadata.Name}: {env.Name} from {setting.Name}/{setting.Key}");
                }

                if (IsCredential(env.Name))
                {
                    Assert.True(env.ValueFrom?.SecretKeyRef is not null, $"{deployment.Metadata.Name}: {env.Name} comes from a Secret");
                }
            }

            foreach (var source in container.EnvFrom ?? [])
            {
                Assert.True(source.ConfigMapRef is null || configMaps.ContainsKey(source.ConfigMapRef.Name), $"ConfigMap {source.ConfigMapRef?.Name}");
                Assert.Null(source.SecretRef); // credentials by name, key by key
            }
        }

        var silo = objects.SiloContainer.Env.ToDictionary(e => e.Name);
        foreach (var credential in new[] { "ConnectionStrings__Redis", "LiveKit__ApiKey", "LiveKit__ApiSecret", "Admin__ApiKey", "Api__Keys__0__Key", "Ingest__TokenSecret", "Notifications__Secret", "Inference__Discovery__0__ApiKey" })
        {
            Assert.True(silo.TryGetValue(credential, out var env) && env.ValueFrom?.SecretKeyRef is not null, $"{credential} from the Secret");
        }

        Assert.All(objects.ConfigMaps.SelectMany(c => c.Data.Keys), key => Assert.False(IsCredential(key), $"{key} is a credential in a ConfigMap"));
    }

    [Fact]
    public async Task Every_setting_the_manifests_name_is_in_the_readme_configuration_table()
    {
        var documented = ReadmeSettings();
        var objects = await _render.ObjectsAsync(KustomizeRender.Overlay);
        var named = objects.ConfigMaps.SelectMany(c => c.Data.Keys)
            .Concat(objects.SiloContainer.Env.Select(e => e.Name))
            .Where(name => name.Contains("__", StringComparison.Ordinal))
            .Select(name => IndexPattern().Replace(name.Replace("__", ":", StringComparison.Ordinal), ":N:"))
            .Distinct()
            .ToList();
        Assert.NotEmpty(named);
        Assert.All(named, setting => Assert.True(documented.Contains(setting), $"{setting} is not in README's configuration table"));
    }

    [Fact]
    public async Task Silos_follow_orleans_rules_for_pods()
    {
        var objects = await _render.ObjectsAsync(KustomizeRender.Overlay);
        var silos = objects.Silos;
        Assert.Equal("0", silos.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
        Assert.True(silos.Spec.MinReadySeconds > 0);
        // Longer than the hand-off, and than the host's own 30 s to stop after it.
        Assert.True(silos.Spec.Template.Spec.TerminationGracePeriodSeconds > Math.Max(SpeakerHandoff.Limit.TotalSeconds, 30));
        Assert.Equal("1", Assert.Single(objects.DisruptionBudgets).Spec.MaxUnavailable.Value);

        var env = objects.SiloContainer.Env.ToDictionary(e => e.Name);
        Assert.Equal("metadata.name", env["POD_NAME"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("status.podIP", env["POD_IP"].ValueFrom.FieldRef.FieldPath);
        Assert.Equal("$(POD_NAME)", env["Cluster__SiloName"].Value);
        Assert.Equal("$(POD_IP)", env["Cluster__AdvertisedIp"].Value);
        Assert.Contains("$(POD_NAMESPACE)", env["Cluster__ClusterId"].Value, StringComparison.Ordinal);
        // Egress reaches the silo that holds the speaker at the pod's own address.
        Assert.Equal("ws://$(POD_IP):8080", env["Ingest__PublicUrl"].Value);
        var names = env.Keys.ToList();
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Ingest__PublicUrl"), "$(POD_IP) is defined before use");

        var settings = objects.ConfigMaps.Single().Data;
        Assert.Equal("Redis", settings["Cluster__Provider"]);
        var defaults = new ClusterHostingOptions();
        var ports = objects.SiloContainer.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal(defaults.SiloPort, ports["silo"]);
        Assert.Equal(defaults.GatewayPort, ports["gateway"]);

        // Silo to silo, pod to pod, on both Orleans ports.
        var policy = objects.NetworkPolicies.Single(p => Manifests.Selects(p.Spec.PodSelector.MatchLabels, silos.Spec.Template.Metadata.Labels));
        var peers = policy.Spec.Ingress.Single(rule => rule.FromProperty.Any(f => Manifests.Selects(f.PodSelector?.MatchLabels, silos.Spec.Template.Metadata.Labels)));
        Assert.Equal(["gateway", "silo"], peers.Ports.Select(p => p.Port.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_autoscaler_example_is_off_and_scales_down_slowly_and_vllm_is_found_through_a_headless_service()
    {
        var overlay = await _render.ObjectsAsync(KustomizeRender.Overlay);
        Assert.Empty(overlay.Autoscalers);
        var autoscaler = Assert.Single((await _render.ObjectsAsync("autoscaler")).Autoscalers);
        Assert.True(autoscaler.Spec.Behavior.ScaleDown.StabilizationWindowSeconds >= 600);
        Assert.All(autoscaler.Spec.Behavior.ScaleDown.Policies, p => Assert.True(p.Type == "Pods" && p.Value == 1 && p.PeriodSeconds >= 300));

        var vllm = overlay.Services.Single(s => s.Metadata.Name == "scribe-vllm");
        Assert.Equal("None", vllm.Spec.ClusterIP);
        var settings = overlay.ConfigMaps.Single().Data;
        Assert.Equal($"{vllm.Metadata.Name}.{KustomizeRender.Namespace}.svc.cluster.local", settings["Inference__Discovery__0__Host"]);
        Assert.Equal(vllm.Spec.Ports.Single().Port.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Inference__Discovery__0__Port"]);
        var server = overlay.Deployments.Single(d => d.Metadata.Name == "scribe-vllm").Spec.Template.Spec.Containers.Single();
        // A stopping replica keeps serving past a refresh and the longest generation, within its grace period.
        var wait = int.Parse(server.Lifecycle.PreStop.Exec.Command.Last(), System.Globalization.CultureInfo.InvariantCulture);
        var refresh = int.Parse(settings["Inference__Discovery__0__RefreshSeconds"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(wait >= refresh + (new TranscriberOptions().MaxGenerationMs / 1000), $"preStop waits {wait} s");
        Assert.True(overlay.Deployments.Single(d => d.Metadata.Name == "scribe-vllm").Spec.Template.Spec.TerminationGracePeriodSeconds > wait);
        var maxNumSeqs = server.Args.Single(a => a.StartsWith("--max-num-seqs=", StringComparison.Ordinal)).Split('=')[1];
        Assert.True(int.Parse(settings["Inference__Discovery__0__MaxGenerations"], System.Globalization.CultureInfo.InvariantCulture) <= int.Parse(maxNumSeqs, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A digest, or a tag (the last path segment's <c>:…</c>, so a registry's port does not count) other than latest.</summary>
    private static bool IsPinned(string image)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return true;
        }

        var name = image[(image.LastIndexOf('/') + 1)..];
        return name.Contains(':', StringComparison.Ordinal) && !name.EndsWith(":latest", StringComparison.Ordinal);
    }

    private static bool IsCredential(string setting) =>
        setting.EndsWith("Secret", StringComparison.Ordinal) || setting.EndsWith("ApiKey", StringComparison.Ordinal)
        || setting.EndsWith("__Key", StringComparison.Ordinal) || setting.StartsWith("ConnectionStrings__", StringComparison.Ordinal);

    /// <summary>
    /// The keys of README's configuration table: each backticked key in a row's first cell; a bare name
    /// (<c>MaxGenerationMs</c>) or a <c>…:Key</c> takes the section of the row's first key.
    /// </summary>
    private static HashSet<string> ReadmeSettings()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in table.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cell = row.Split('|')[1];
            var names = BacktickedName().Matches(cell).Select(m => m.Groups[1].Value).ToList();
            var first = names[0];
            var section = first[..(first.LastIndexOf(':') is var i and > 0 ? i : 0)];
            foreach (var name in names)
            {
                keys.Add(name.StartsWith("…:", StringComparison.Ordinal) ? section + name[1..]
                    : name.Contains(':', StringComparison.Ordinal) ? name
                    : $"{section}:{name}");
            }
        }

        return keys;
    }

    [GeneratedRegex(@":[0-9]+:")]
    private static partial Regex IndexPattern();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex BacktickedName();
}
