using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Scribe.Tests.Deployment;

/// <summary>
/// deploy/kubernetes rendered as an operator's <c>kubectl apply -k</c> would, without a cluster: a copy of the tree
/// with the example overlay's credentials file filled from its <c>.example</c>, plus one more overlay that adds the
/// optional pieces (webhook Ingress, autoscaler) so they are checked against the rest. Every object is parsed with
/// the official client's models in strict mode: a field Kubernetes does not know fails the parse.
/// </summary>
internal sealed class KustomizeRender : IDisposable
{
    public const string Namespace = "meet";
    public const string Overlay = "overlays/meet";
    public const string Everything = "everything";

    /// <summary>Every kustomization the repository ships, rendered on its own.</summary>
    public static readonly string[] Kustomizations = ["base", "vllm", "webhook-ingress", "autoscaler", Overlay];

    private KustomizeRender(string root) => Root = root;

    /// <summary>The copy of deploy/kubernetes.</summary>
    public string Root { get; }

    public static KustomizeRender Copy(bool withCredentials = true)
    {
        var source = Path.Combine(Repository.Root, "deploy", "kubernetes");
        var root = Directory.CreateTempSubdirectory("scribe-kustomize-").FullName;
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "credentials.env"))
        {
            var target = Path.Combine(root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        if (withCredentials)
        {
            File.Copy(Path.Combine(root, Overlay, "credentials.env.example"), Path.Combine(root, Overlay, "credentials.env"));
        }

        Directory.CreateDirectory(Path.Combine(root, Everything));
        File.WriteAllText(Path.Combine(root, Everything, "kustomization.yaml"),
            $"namespace: {Namespace}\nbases:\n- ../{Overlay}\n- ../webhook-ingress\n- ../autoscaler\n");
        return new KustomizeRender(root);
    }

    /// <summary><c>kubectl kustomize</c> of one directory of the copy: exit code, YAML, errors.</summary>
    public async Task<(int ExitCode, string Yaml, string Error)> RenderAsync(string kustomization)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Root, kustomization)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed: run scripts/setup/kubernetes.sh", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
    }

    /// <summary>Renders and parses strictly; fails the test on either error.</summary>
    public async Task<Manifests> ObjectsAsync(string kustomization)
    {
        var (exitCode, yaml, error) = await RenderAsync(kustomization);
        Assert.True(exitCode == 0, $"kubectl kustomize {kustomization}: {error}");
        return new Manifests(KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true));
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>The objects of one render, by kind.</summary>
internal sealed record Manifests(IReadOnlyList<object> All)
{
    public IEnumerable<V1Deployment> Deployments => All.OfType<V1Deployment>();

    public IEnumerable<V1Service> Services => All.OfType<V1Service>();

    public IEnumerable<V1ConfigMap> ConfigMaps => All.OfType<V1ConfigMap>();

    public IEnumerable<V1Secret> Secrets => All.OfType<V1Secret>();

    public IEnumerable<V1PodDisruptionBudget> DisruptionBudgets => All.OfType<V1PodDisruptionBudget>();

    public IEnumerable<V1NetworkPolicy> NetworkPolicies => All.OfType<V1NetworkPolicy>();

    public IEnumerable<V1Ingress> Ingresses => All.OfType<V1Ingress>();

    public IEnumerable<V2HorizontalPodAutoscaler> Autoscalers => All.OfType<V2HorizontalPodAutoscaler>();

    public V1Deployment Silos => Deployments.Single(d => d.Metadata.Name == "scribe-silo");

    public V1Container SiloContainer => Silos.Spec.Template.Spec.Containers.Single(c => c.Name == "silo");

    public IEnumerable<(V1Deployment Deployment, V1Container Container)> Containers =>
        Deployments.SelectMany(d => (d.Spec.Template.Spec.InitContainers ?? []).Concat(d.Spec.Template.Spec.Containers).Select(c => (d, c)));

    /// <summary>Whether a label selector's <c>matchLabels</c> pick pods with these labels.</summary>
    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 } && labels is not null && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);
}
