namespace Scribe.Tests.Infrastructure;

/// <summary>The checkout the tests run from, found by walking up from the test binaries to <c>Cluster.sln</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
