using BenchmarkDotNet.Running;

namespace Scribe.Benchmarks;

// A named class rather than top-level statements: the silo's own top-level Program is visible here too.
internal static class Program
{
    public static void Main(string[] args)
    {
        // Custom runs dispatch on their first argument before this line; everything else is BenchmarkDotNet's.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
