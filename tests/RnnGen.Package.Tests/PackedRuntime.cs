using System.Reflection;

namespace RnnGen.Package.Tests;

/// <summary>
/// The RnnGen package, packed once per test class into a temporary folder (a local feed) from the runtime's and the
/// generator's build outputs: building this test project builds both first, in its own configuration, so the pack
/// needs no build of its own (`dotnet pack --no-build`), writes nothing into the repository and takes seconds.
/// </summary>
public sealed class PackedRuntime : IAsyncLifetime
{
    public const string PackageId = "RnnGen";

    /// <summary>The test collection of every class that packs and builds against the package: they run one after another, not side by side on the same build outputs.</summary>
    public const string Collection = "RnnGen package";

    /// <summary>A fresh folder for this test run; deleted at the end unless a test failed (then its path is in the message).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "rnngen-package-tests-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The local feed: the .nupkg and .snupkg and nothing else.</summary>
    public string Feed => Path.Combine(Root, "feed");

    public string RepositoryRoot { get; } = FindRepositoryRoot();

    public string Configuration { get; } = Metadata("Configuration") ?? "Release";

    public string Package { get; private set; } = "";

    public string SymbolPackage { get; private set; } = "";

    public string PackOutput { get; private set; } = "";

    /// <summary>Set by a test that fails, so its files stay for a look.</summary>
    public bool Keep { get; set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        string project = Path.Combine(RepositoryRoot, "Runtime", "RnnGen.Runtime.csproj");
        DotNet.Result pack = await DotNet.TryRunAsync(RepositoryRoot,
            ["pack", project, "-c", Configuration, "--no-build", "--disable-build-servers", "-o", Feed,
             // The intermediate .nuspec goes here too, not into the runtime's obj/ folder.
             "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar],
            TimeSpan.FromMinutes(5));
        PackOutput = pack.Describe();
        if (pack.ExitCode != 0)
        {
            Keep = true;
            return; // each test reports PackOutput
        }
        Package = Directory.GetFiles(Feed, PackageId + ".*.nupkg").SingleOrDefault() ?? "";
        SymbolPackage = Directory.GetFiles(Feed, PackageId + ".*.snupkg").SingleOrDefault() ?? "";
    }

    /// <summary>Fails the calling test, with the pack's output, if the pack did not produce the package.</summary>
    public void AssertPacked()
    {
        Assert.True(Package != "", $"Packing the runtime produced no {PackageId}.*.nupkg in {Feed}. Build the {Configuration} configuration first (dotnet build RnnGen.sln -c {Configuration}). {PackOutput}");
    }

    public Task DisposeAsync()
    {
        if (!Keep)
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return Task.CompletedTask;
    }

    private static string? Metadata(string key) =>
        typeof(PackedRuntime).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RnnGen.Package.Tests." + key)?.Value;

    private static string FindRepositoryRoot()
    {
        string? root = Metadata("RepositoryRoot");
        if (root is not null && File.Exists(Path.Combine(root, "RnnGen.sln"))) return root;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln"))) return directory.FullName;
        throw new InvalidOperationException($"RnnGen.sln not found above {AppContext.BaseDirectory} nor at '{root}'.");
    }
}
