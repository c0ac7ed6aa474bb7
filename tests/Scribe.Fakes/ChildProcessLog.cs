using System.Diagnostics;

namespace Scribe.Fakes;

/// <summary>Sends a started child's stdout and stderr, line by line, to a file (the demo's and the benchmarks' silo logs).</summary>
public static class ChildProcessLog
{
    public static void WriteTo(Process process, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var log = new StreamWriter(path) { AutoFlush = true };
        void Write(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Write;
        process.ErrorDataReceived += Write;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }
}
