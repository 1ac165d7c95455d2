using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.Renderer;
using Xunit.Sdk;

namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>
/// A minimal snapshot assertion that keeps Verify's file conventions, so Verify.Xunit can replace it later
/// (Verify cannot be restored from this machine's registry):
/// <list type="bullet">
/// <item>the expected text lives in <c>Snapshots/{TestClass}.{TestMethod}.verified.{ext}</c> beside the test's source
/// file (<c>{TestClass}</c> is the test's file name, as in Verify), committed, <c>eol=lf</c> by .gitattributes;</item>
/// <item>on a mismatch, or when no verified file exists yet, the actual text is written to
/// <c>….received.{ext}</c> next to it (ignored by .gitignore) and the test fails with a unified diff;</item>
/// <item>on a match a stale received file is deleted.</item>
/// </list>
/// To accept the received text as the new snapshot, run the tests with the environment variable
/// <c>RNNGEN_ACCEPT_SNAPSHOTS=1</c> (it writes the verified files and passes), then review the change with
/// <c>git diff</c>:
/// <code>RNNGEN_ACCEPT_SNAPSHOTS=1 dotnet test tests/RnnGen.Generator.Tests -c Release</code>
/// Text is compared after normalizing line endings to <c>\n</c>; the generator's version in
/// <c>[GeneratedCode("RnnGen", "…")]</c> is scrubbed to <c>{version}</c> (see <see cref="Scrub"/>).
/// </summary>
internal static class Snapshot
{
    /// <summary>The environment variable that turns a mismatch into an accepted snapshot.</summary>
    public const string AcceptVariable = "RNNGEN_ACCEPT_SNAPSHOTS";

    private static readonly Regex GeneratedCodeVersion = new(
        @"(GeneratedCode\(""RnnGen"", "")[^""]*(""\))", RegexOptions.CultureInvariant);

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Whether <see cref="AcceptVariable"/> is set to 1 or true.</summary>
    public static bool Accepting =>
        Environment.GetEnvironmentVariable(AcceptVariable) is { } value
        && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    /// <summary>Asserts that generated C# matches <c>Snapshots/{TestClass}.{TestMethod}.verified.cs</c>.</summary>
    public static void VerifyCs(string actual, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testMethod = "") =>
        Verify(actual, "cs", sourceFile, testMethod);

    /// <summary>Asserts that text (e.g. a diagnostics listing) matches <c>Snapshots/{TestClass}.{TestMethod}.verified.txt</c>.</summary>
    public static void VerifyTxt(string actual, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testMethod = "") =>
        Verify(actual, "txt", sourceFile, testMethod);

    /// <summary>Replaces what changes from build to build: the generator's version in <c>[GeneratedCode]</c>.</summary>
    public static string Scrub(string text) => GeneratedCodeVersion.Replace(Normalize(text), "$1{version}$2");

    /// <summary>The snapshot check proper, with explicit paths (also used by the tests of this helper).</summary>
    /// <param name="actual">The text produced by the test.</param>
    /// <param name="extension">File extension without the dot: <c>cs</c> or <c>txt</c>.</param>
    /// <param name="sourceFile">The test's source file (from <see cref="CallerFilePathAttribute"/>): locates the snapshot folder and names the test class.</param>
    /// <param name="testMethod">The test method's name.</param>
    /// <param name="accept">Accept a mismatch; defaults to <see cref="Accepting"/>.</param>
    public static void Verify(string actual, string extension, string sourceFile, string testMethod, bool? accept = null)
    {
        if (string.IsNullOrEmpty(sourceFile) || string.IsNullOrEmpty(testMethod))
            throw new ArgumentException("The caller's file path and member name are required to locate the snapshot.");

        (string verifiedPath, string receivedPath) = Paths(extension, sourceFile, testMethod);
        string received = Scrub(actual);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;

        if (verified == received)
        {
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(verifiedPath)!);
        if (accept ?? Accepting)
        {
            File.WriteAllText(verifiedPath, received, Utf8NoBom);
            if (File.Exists(receivedPath)) File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received, Utf8NoBom);
        string how = $"To accept it: set {AcceptVariable}=1 and run the tests again (or copy the received file over the verified one).";
        if (verified is null)
        {
            throw new XunitException(
                $"No snapshot yet: {verifiedPath} does not exist.\nReceived: {receivedPath}\n{how}");
        }
        string diff = new UnidiffRenderer(contextLines: 3).Generate(
            verified, received, Path.GetFileName(verifiedPath), Path.GetFileName(receivedPath), ignoreWhitespace: false, ignoreCase: false);
        throw new XunitException(
            $"Snapshot mismatch: {Path.GetFileName(verifiedPath)}\nVerified: {verifiedPath}\nReceived: {receivedPath}\n{how}\n\n{diff}");
    }

    /// <summary>The verified and received paths of a snapshot: <c>{dir of sourceFile}/Snapshots/{file name}.{method}.verified|received.{ext}</c>.</summary>
    public static (string Verified, string Received) Paths(string extension, string sourceFile, string testMethod)
    {
        string directory = Path.Combine(SourceDirectory(sourceFile), "Snapshots");
        string stem = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(sourceFile)}.{testMethod}");
        return ($"{stem}.verified.{extension}", $"{stem}.received.{extension}");
    }

    /// <summary>
    /// The directory of the test's source file. A deterministic CI build (ContinuousIntegrationBuild) maps source paths
    /// to <c>/_/…</c>, which does not exist on disk; then the project directory recorded at build time is used (all
    /// test classes sit at the project's root).
    /// </summary>
    private static string SourceDirectory(string sourceFile)
    {
        string? directory = Path.GetDirectoryName(sourceFile);
        if (directory is not null && Directory.Exists(directory)) return directory;
        return typeof(Snapshot).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RnnGen.Generator.Tests.ProjectDirectory")?.Value
            ?? throw new InvalidOperationException($"Cannot locate the snapshot folder: '{sourceFile}' is not on disk and the project directory was not recorded.");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
