using System.Diagnostics;
using System.Net.Sockets;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, in a temporary directory, for one test class.
/// It can be stopped and started again on the same port to test a Redis restart.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scribe-redis-").FullName;
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectRetry=5,connectTimeout=2000";

    /// <summary>Settings that put a silo on this server for membership and storage, in a fresh cluster named <paramref name="cluster"/>-….</summary>
    public Dictionary<string, string?> ClusterSettings(string cluster) => new()
    {
        ["Cluster:Provider"] = "Redis",
        ["Cluster:ClusterId"] = cluster + "-" + Guid.NewGuid().ToString("N")[..8],
        ["Cluster:AdvertisedIp"] = "127.0.0.1",
        ["ConnectionStrings:Redis"] = ConnectionString,
    };

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(TestSilo.FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (or starts again) the server; data is kept in an append-only file across restarts.</summary>
    public async Task RestartAsync()
    {
        Stop();
        var start = new ProcessStartInfo("redis-server",
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory,
             "--appendonly", "yes", "--save", "", "--protected-mode", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is not installed: run scripts/setup/redis.sh", e);
        }

        _process!.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    /// <summary>Kills the server at once, like a crash.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }
}
