using System.Diagnostics;
using System.Net;
using DnsClient;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A private Debian dnsmasq on a high loopback port, authoritative for <see cref="Domain"/>, answering from a hosts
/// file the test rewrites (<see cref="SetRecordsAsync"/>: the file, then SIGHUP, which makes dnsmasq re-read it).
/// Installed by scripts/setup/dns.sh.
/// </summary>
internal sealed class Dnsmasq : IAsyncDisposable
{
    public const string Domain = "scribe.test";

    private readonly string _directory;
    private readonly Process _process;

    private Dnsmasq(string directory, Process process, int port)
    {
        _directory = directory;
        _process = process;
        Port = port;
    }

    public int Port { get; }

    private string HostsFile => Path.Combine(_directory, "hosts");

    /// <summary>A resolver that asks this server only, with no cache, as the silo's resolver does.</summary>
    public IDnsQuery Client() => new LookupClient(new LookupClientOptions(new NameServer(IPAddress.Loopback, Port))
    {
        UseCache = false,
        Timeout = TimeSpan.FromMilliseconds(500),
        Retries = 0,
        ThrowDnsErrors = false,
        UseTcpFallback = false,
    });

    public static async Task<Dnsmasq> StartAsync(IReadOnlyDictionary<string, string[]> records)
    {
        var program = File.Exists("/usr/sbin/dnsmasq") ? "/usr/sbin/dnsmasq" : "dnsmasq";
        var directory = Directory.CreateTempSubdirectory("scribe-dnsmasq-").FullName;
        await WriteHostsAsync(Path.Combine(directory, "hosts"), records);
        var port = TestSilo.FreePort();
        var start = new ProcessStartInfo(program,
        [
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll", "--bind-interfaces",
            "--listen-address=127.0.0.1", $"--port={port}", $"--local=/{Domain}/", "--pid-file=",
            $"--addn-hosts={Path.Combine(directory, "hosts")}", "--user=root", "--log-facility=-",
        ])
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
            throw new InvalidOperationException("dnsmasq is not installed: run scripts/setup/dns.sh", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Dnsmasq(directory, process, port);
        var probe = server.Client();
        await Eventually.HoldsAsync(async () =>
        {
            Assert.False(process.HasExited, $"dnsmasq exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                var answer = await probe.QueryAsync("nothing." + Domain, QueryType.A);
                return answer.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain;
            }
            catch (DnsResponseException)
            {
                return false;
            }
        }, "dnsmasq answers", TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>Replaces every record and has dnsmasq re-read them (SIGHUP, by its process id).</summary>
    public async Task SetRecordsAsync(IReadOnlyDictionary<string, string[]> records)
    {
        await WriteHostsAsync(HostsFile, records);
        using var hangUp = Process.Start("kill", ["-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await hangUp.WaitForExitAsync();
        Assert.Equal(0, hangUp.ExitCode);
    }

    /// <summary>Stops the server: from now on every query times out.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static Task WriteHostsAsync(string path, IReadOnlyDictionary<string, string[]> records) =>
        File.WriteAllLinesAsync(path, records.SelectMany(r => r.Value.Select(address => $"{address} {r.Key}")));
}
