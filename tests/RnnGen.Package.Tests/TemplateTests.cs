using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// The <c>dotnet new</c> templates (<c>templates/</c>, package RnnGen.Templates): installed from the packed .nupkg into
/// a private template hive, each template creates a project that restores RnnGen from the local feed, builds with
/// warnings as errors and runs for a few seconds (its <c>--seconds</c> argument), training and saving a checkpoint.
/// </summary>
[Collection(PackedRuntime.Collection)]
public sealed partial class TemplateTests(PackedRuntime packed, ITestOutputHelper log) : IClassFixture<PackedRuntime>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);

    private static readonly string[] Templates = ["rnngen-charlm", "rnngen-classifier"];

    [Fact]
    public void Each_template_references_the_repositorys_RnnGen_version_by_default()
    {
        string props = File.ReadAllText(Path.Combine(packed.RepositoryRoot, "Directory.Build.props"));
        string version = XDocument.Parse(props).Descendants("Version").Single().Value;
        foreach (string name in Templates)
        {
            string path = Path.Combine(packed.RepositoryRoot, "templates", "content", name, ".template.config", "template.json");
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement symbol = json.RootElement.GetProperty("symbols").GetProperty("RnnGenVersion");
            Assert.True(version == symbol.GetProperty("defaultValue").GetString(),
                $"{path}: RnnGenVersion defaults to {symbol.GetProperty("defaultValue").GetString()}, but Directory.Build.props packs RnnGen {version}; change the template's default.");
            Assert.Equal("RNNGEN_VERSION", symbol.GetProperty("replaces").GetString());
            Assert.Equal(name, json.RootElement.GetProperty("shortName").GetString());
        }
    }

    [Fact]
    public async Task Both_templates_install_create_build_and_run_from_the_local_feed()
    {
        packed.AssertPacked();
        try
        {
            await InstallCreateBuildAndRun();
        }
        catch
        {
            packed.Keep = true;
            throw;
        }
    }

    private async Task InstallCreateBuildAndRun()
    {
        string root = Path.Combine(packed.Root, "templates");
        string feed = Path.Combine(packed.Root, "templates-feed");
        string hive = Path.Combine(packed.Root, "template-hive"); // dotnet new's settings and cache: not the machine's
        string packages = Path.Combine(packed.Root, "template-packages");
        Directory.CreateDirectory(root);

        // The template package, packed from its build output (this test project builds it first).
        Log(await DotNet.RunAsync(packed.RepositoryRoot,
            ["pack", Path.Combine(packed.RepositoryRoot, "templates", "RnnGen.Templates.csproj"), "-c", packed.Configuration, "--no-build",
             "--disable-build-servers", "-o", feed, "-p:NuspecOutputPath=" + Path.Combine(packed.Root, "templates-nuspec") + Path.DirectorySeparatorChar],
            CommandTimeout));
        string nupkg = Directory.GetFiles(feed, "RnnGen.Templates.*.nupkg").Single();
        using (ZipArchive zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            foreach (string name in Templates)
                Assert.True(entries.Contains($"content/{name}/.template.config/template.json"), $"no template.json for {name} in {nupkg}:\n{string.Join('\n', entries.Order())}");
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal));
        }

        // As in PackageTests: nothing from above the folder leaks in; the local feed on top of the machine's sources.
        const string Empty = "<Project>\n  <!-- Stops MSBuild from looking further up for this file. -->\n</Project>\n";
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), Empty);
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), Empty);
        File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), Empty);
        File.Copy(Path.Combine(packed.RepositoryRoot, "global.json"), Path.Combine(root, "global.json"));
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

        DotNet.Result install = await DotNet.RunAsync(root, ["new", "install", nupkg, "--debug:custom-hive", hive], CommandTimeout, environment);
        Log(install);
        foreach (string name in Templates) Assert.Contains(name, install.Output);

        foreach ((string template, string project) in new[] { ("rnngen-charlm", "MyCharLm"), ("rnngen-classifier", "MyClassifier") })
        {
            string folder = Path.Combine(root, project);
            Log(await DotNet.RunAsync(root, ["new", template, "--name", project, "--output", folder, "--debug:custom-hive", hive], CommandTimeout, environment));
            string csproj = File.ReadAllText(Path.Combine(folder, project + ".csproj"));
            Assert.DoesNotContain("RNNGEN_VERSION", csproj, StringComparison.Ordinal);
            Assert.Contains("Include=\"RnnGen\"", csproj, StringComparison.Ordinal);
            Assert.Contains($"namespace {project};", string.Concat(Directory.GetFiles(folder, "*.cs").Select(File.ReadAllText)), StringComparison.Ordinal);

            Log(await DotNet.RunAsync(folder, ["build", "-c", "Release", "--disable-build-servers", "-p:TreatWarningsAsErrors=true"], CommandTimeout, environment));
            DotNet.Result run = await DotNet.RunAsync(folder, ["run", "-c", "Release", "--no-build", "--", "--seconds", "3"], CommandTimeout, environment);
            Log(run);

            string checkpoint = Path.Combine(folder, "output", template == "rnngen-charlm" ? "charmodel.safetensors" : "classifier.safetensors");
            Assert.True(File.Exists(checkpoint), $"{template}: no checkpoint at {checkpoint}. " + run.Describe());
            if (template == "rnngen-charlm")
            {
                Match m = HeldOutBits().Match(run.Output);
                Assert.True(m.Success, "rnngen-charlm printed no held-out bits per character. " + run.Describe());
                // The program prints in the machine's culture. A few seconds of training is enough to beat the untrained
                // model's log2(128) = 7 bits, not to say more.
                double bits = double.Parse(m.Groups["bits"].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
                Assert.True(bits > 0 && bits < 7, $"rnngen-charlm: held-out {bits} bits/char after a few seconds (untrained: 7). " + run.Describe());
            }
            else
            {
                Assert.True(Accuracy().IsMatch(run.Output), "rnngen-classifier printed no held-out accuracy. " + run.Describe());
            }
        }
        Assert.True(Directory.Exists(Path.Combine(packages, "rnngen")), "RnnGen was not restored into " + packages);
    }

    private void Log(DotNet.Result result) =>
        log.WriteLine($"$ {result.CommandLine}  ({result.ExitCode}, {result.Elapsed.TotalSeconds:F1} s){Environment.NewLine}{result.Output}");

    [GeneratedRegex(@"held-out: (?<bits>[0-9.,]+) bits/char")]
    private static partial Regex HeldOutBits();

    [GeneratedRegex(@"held-out accuracy [0-9.,]+\s?%")]
    private static partial Regex Accuracy();
}
