using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// The RnnGen NuGet package: what it holds, and that a new console project needs nothing but
/// <c>dotnet add package RnnGen</c> to declare, generate, train and run a model.
/// </summary>
[Collection(PackedRuntime.Collection)]
public sealed partial class PackageTests(PackedRuntime packed, ITestOutputHelper log) : IClassFixture<PackedRuntime>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Package_holds_the_runtime_and_the_generator_and_depends_on_Google_Protobuf_only()
    {
        packed.AssertPacked();
        using ZipArchive package = ZipFile.OpenRead(packed.Package);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet();
        string listing = string.Join(Environment.NewLine, entries.Order());
        try
        {
            Assert.True(entries.Contains("lib/net10.0/RnnGen.Runtime.dll"), "no lib/net10.0/RnnGen.Runtime.dll in:\n" + listing);
            Assert.True(entries.Contains("lib/net10.0/RnnGen.Runtime.xml"), "no XML documentation in:\n" + listing);
            Assert.True(entries.Contains("analyzers/dotnet/cs/RnnGen.Generator.dll"), "no analyzers/dotnet/cs/RnnGen.Generator.dll in:\n" + listing);
            Assert.True(entries.Contains("README.md"), "no README.md in:\n" + listing);
            // The generator is an analyzer only: never a library the consumer's program loads.
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.EndsWith(".pdb", StringComparison.Ordinal)); // symbols go to the .snupkg

            ZipArchiveEntry nuspecEntry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            XDocument nuspec;
            using (Stream stream = nuspecEntry.Open()) nuspec = XDocument.Load(stream);
            XElement metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal("RnnGen", Value("id"));
            Assert.Equal("MIT", Value("license"));
            Assert.Equal("README.md", Value("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Value("description")));
            Assert.Contains("lstm", Value("tags") ?? "");
            var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
                .Select(e => (string?)e.Attribute("id")).ToList();
            Assert.Equal(["Google.Protobuf"], dependencies);
        }
        catch
        {
            packed.Keep = true;
            throw;
        }

        Assert.True(packed.SymbolPackage != "", $"no .snupkg beside {packed.Package}. {packed.PackOutput}");
        using ZipArchive symbols = ZipFile.OpenRead(packed.SymbolPackage);
        Assert.Contains(symbols.Entries, e => e.FullName == "lib/net10.0/RnnGen.Runtime.pdb");
    }

    /// <summary>
    /// <c>dotnet new console</c>, <c>dotnet add package RnnGen</c> from the local feed (and Google.Protobuf from the
    /// machine's configured package sources), a model declared with the package's attributes, trained with
    /// <c>TrainStep</c> and <c>Adam</c>; built with warnings as errors and run. Restores into a private packages folder,
    /// so no RnnGen package cached by an earlier run can stand in for the one just packed, and the restored package is
    /// compared byte for byte with it.
    /// </summary>
    [Fact]
    public async Task A_console_project_needs_only_dotnet_add_package_RnnGen()
    {
        packed.AssertPacked();
        try
        {
            await CreateBuildAndRunConsumer();
        }
        catch
        {
            packed.Keep = true;
            throw;
        }
    }

    private async Task CreateBuildAndRunConsumer()
    {
        string root = Path.Combine(packed.Root, "consumer");
        string project = Path.Combine(root, "Consumer");
        string packages = Path.Combine(packed.Root, "packages");
        Directory.CreateDirectory(root);

        // Nothing from above the temporary folder may leak in (Directory.Build.*, central package versions), and the
        // SDK is chosen as in the repository.
        const string Empty = "<Project>\n  <!-- Stops MSBuild from looking further up for this file. -->\n</Project>\n";
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), Empty);
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), Empty);
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), Empty);
        File.Copy(Path.Combine(packed.RepositoryRoot, "global.json"), Path.Combine(root, "global.json"));
        // The local feed is added on top of the machine's configured sources (no <clear/>): RnnGen comes from the feed,
        // everything else from wherever this machine restores packages.
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rnngen-local" value="{packed.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
            </configuration>
            """);
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

        log.WriteLine($"packed: {packed.PackOutput}");
        Log(await DotNet.RunAsync(root, ["new", "console", "--name", "Consumer", "--output", project, "--no-restore"], CommandTimeout, environment));
        Log(await DotNet.RunAsync(project, ["add", "package", PackedRuntime.PackageId], CommandTimeout, environment));
        File.WriteAllText(Path.Combine(project, "Program.cs"), Program);
        Log(await DotNet.RunAsync(project, ["build", "-c", "Release", "--no-restore", "--disable-build-servers", "-p:TreatWarningsAsErrors=true"], CommandTimeout, environment));
        DotNet.Result run = await DotNet.RunAsync(project, ["run", "-c", "Release", "--no-build"], CommandTimeout, environment);
        Log(run);

        // The package that was restored is the one just packed (same bytes), not some other RnnGen.
        string restored = Directory.GetFiles(Path.Combine(packages, "rnngen"), "*.nupkg", SearchOption.AllDirectories).Single();
        Assert.True(File.ReadAllBytes(restored).AsSpan().SequenceEqual(File.ReadAllBytes(packed.Package)),
            $"{restored} differs from {packed.Package}");

        // LSTM(8) over one-hot 5: W_ih 32×5 + W_hh 32×8 + two biases of 32, head 5×8 + 5 = 525 parameters.
        Match line = OutputLine().Match(run.Output);
        Assert.True(line.Success, "the program did not print its line. " + run.Describe());
        Assert.Equal(525, int.Parse(line.Groups["count"].Value, CultureInfo.InvariantCulture));
        float first = float.Parse(line.Groups["first"].Value, CultureInfo.InvariantCulture);
        float last = float.Parse(line.Groups["last"].Value, CultureInfo.InvariantCulture);
        Assert.True(float.IsFinite(first) && float.IsFinite(last) && last < 0.5f * first,
            $"training did not reduce the loss to less than half (first {first}, last {last}). " + run.Describe());

        // The generator ran in the consumer's compilation, and only there: it is not among the program's files.
        string output = Path.GetDirectoryName(Directory.GetFiles(Path.Combine(project, "bin", "Release"), "Consumer.dll", SearchOption.AllDirectories).Single())!;
        Assert.True(File.Exists(Path.Combine(output, "RnnGen.Runtime.dll")), "RnnGen.Runtime.dll is not in " + output);
        Assert.True(File.Exists(Path.Combine(output, "Google.Protobuf.dll")), "Google.Protobuf.dll is not in " + output);
        Assert.False(File.Exists(Path.Combine(output, "RnnGen.Generator.dll")), "RnnGen.Generator.dll was copied to " + output);
    }

    private void Log(DotNet.Result result) => log.WriteLine(result.Describe());

    [GeneratedRegex(@"RnnGen package OK: (?<count>\d+) parameters, loss (?<first>\S+) -> (?<last>\S+)")]
    private static partial Regex OutputLine();

    /// <summary>The consumer's Program.cs: a model and a few training steps on the cycle 0, 1, 2, 3, 4, 0, … .</summary>
    private const string Program = """
        using System.Globalization;
        using RnnGen;

        using var model = new M(seed: 1);
        var adam = new Adam<float>(0.05f);

        // Predict the next token of the cycle 0, 1, 2, 3, 4, 0, ...; tokens and targets are [Steps, Batch], time-major.
        var tokens = new int[M.Steps * M.Batch];
        var targets = new int[tokens.Length];
        for (int t = 0; t < M.Steps; t++)
        {
            for (int b = 0; b < M.Batch; b++)
            {
                tokens[t * M.Batch + b] = (t + 2 * b) % 5;
                targets[t * M.Batch + b] = (t + 2 * b + 1) % 5;
            }
        }

        float first = model.TrainStep(tokens, targets, adam);
        float last = first;
        for (int step = 1; step < 40; step++)
            last = model.TrainStep(tokens, targets, adam);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RnnGen package OK: {M.ParameterCount} parameters, loss {first:R} -> {last:R}"));

        [RnnModel(Steps = 4, Batch = 2)]
        [TokenInput(5)]
        [Lstm(8)]
        [SoftmaxOutput(5)]
        public partial class M { }
        """;
}
