using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Every C# block of README.md, docs/*.md and Sample/README.md compiles, with the generator and the runtime, as a user
/// would paste it (completed by the directive before it; see docs/ARCHITECTURE.md, "Examples in the docs compile"), and
/// every Python block runs where /usr/bin/python3 has torch (with a stand-in for safetensors.torch when that is missing).
/// </summary>
public sealed class DocsExamplesTests(ITestOutputHelper output)
{
    /// <summary>The global usings of a console project with ImplicitUsings (what `dotnet new console` gives).</summary>
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    public static TheoryData<string> Files() => new(MarkdownSnippets.DocumentedFiles());

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_csharp_block_compiles(string file)
    {
        IReadOnlyList<MarkdownSnippet> snippets = MarkdownSnippets.Read(file);
        var failures = new StringBuilder();
        int compiled = 0;
        foreach (MarkdownSnippet snippet in snippets.Where(s => s.IsCSharp && !s.NoCompile))
        {
            compiled++;
            foreach (string problem in Compile(snippet, snippets))
                failures.Append(problem).Append('\n');
        }
        output.WriteLine($"{file}: {compiled} C# block(s) compiled, {snippets.Count(s => s.IsCSharp && s.NoCompile)} marked no-compile.");
        Assert.True(failures.Length == 0, $"C# blocks of {file} that do not compile:\n{failures}");
    }

    [Fact]
    public void The_checked_files_have_csharp_blocks_and_every_directive_names_a_block()
    {
        IReadOnlyList<string> files = MarkdownSnippets.DocumentedFiles();
        Assert.Contains("README.md", files);
        Assert.Contains("docs/ARCHITECTURE.md", files);
        foreach (string file in files)
        {
            IReadOnlyList<MarkdownSnippet> snippets = MarkdownSnippets.Read(file);
            foreach (MarkdownSnippet s in snippets)
                foreach (string use in s.Uses)
                    Assert.True(snippets.TakeWhile(t => t != s).Any(t => t.Name == use), $"{s.Where}: uses={use}, but no earlier block of {file} has name={use}.");
        }
        Assert.True(MarkdownSnippets.Read("README.md").Count(s => s.IsCSharp && !s.NoCompile) >= 5, "README.md's tour should have C# blocks to compile.");
    }

    [Fact]
    public void A_broken_block_is_reported_with_its_file_and_line()
    {
        var snippet = new MarkdownSnippet("README.md", 42, "csharp", false, "int x = \"not a number\";\n", null, [], "", 0);
        string problem = Assert.Single(Compile(snippet, [snippet]));
        Assert.StartsWith("README.md:42: error CS0029", problem, StringComparison.Ordinal);

        var second = new MarkdownSnippet("docs/x.md", 10, "csharp", false, "var a = 1;\nUndefined();\n", null, [], "", 0);
        Assert.StartsWith("docs/x.md:11: error CS0103", Assert.Single(Compile(second, [second])), StringComparison.Ordinal);

        // A declaration the generator refuses: its RNNG error names the Markdown line of the attribute argument.
        var model = new MarkdownSnippet("README.md", 50, "csharp", false,
            "using RnnGen;\n\n[RnnModel(Steps = 0)]\n[TokenInput(8)]\n[Lstm(4)]\n[SoftmaxOutput(8)]\npublic partial class Broken { }\n", null, [], "", 0);
        Assert.Contains(Compile(model, [model]), p => p.StartsWith("README.md:52: error RNNG", StringComparison.Ordinal));

        // An error in the directive's given code names the directive's line.
        var given = new MarkdownSnippet("README.md", 20, "csharp", false, "Console.WriteLine(x);\n", null, [], "int x = \"text\";\n", 18);
        Assert.StartsWith("README.md:18: error CS0029", Assert.Single(Compile(given, [given])), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_python_block_runs_where_torch_is_installed(string file)
    {
        IReadOnlyList<MarkdownSnippet> python = MarkdownSnippets.Read(file).Where(s => s.IsPython && !s.NoCompile).ToList();
        if (python.Count == 0)
            return;
        if (TorchMissing() is { } why)
        {
            output.WriteLine($"SKIPPED: {python.Count} Python block(s) of {file} not run: {why} (on Debian: apt-get install python3-torch).");
            return;
        }
        string folder = Directory.CreateTempSubdirectory("rnngen-docs-python-").FullName;
        try
        {
            if (!CanImport("safetensors.torch"))
            {
                // Debian has no package of it: the blocks then import this stand-in, which writes and reads the same format.
                Directory.CreateDirectory(Path.Combine(folder, "safetensors"));
                File.WriteAllText(Path.Combine(folder, "safetensors", "__init__.py"), "");
                File.WriteAllText(Path.Combine(folder, "safetensors", "torch.py"), SafetensorsStandIn);
                output.WriteLine($"{file}: safetensors.torch is not installed; the Python blocks ran with the test's stand-in (save_file and load_file of the same format).");
            }
            foreach (MarkdownSnippet snippet in python)
            {
                string script = Path.Combine(folder, "snippet.py");
                // The given code first, then the block; a traceback's line numbers are offset by the given lines.
                File.WriteAllText(script, snippet.Given + snippet.Code);
                (int code, string text) = RunProcess("/usr/bin/python3", script, folder);
                Assert.True(code == 0, $"{snippet.Where}: the Python block failed (exit {code}; the script is the directive's {snippet.Given.Count(c => c == '\n')} given line(s), then the block):\n{text}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Compiles <paramref name="snippet"/> with the blocks it uses and the given code, runs the generator, and returns
    /// the errors, each as <c>file:line: error ID: message</c> with the Markdown file and line (through <c>#line</c>).
    /// </summary>
    internal static IReadOnlyList<string> Compile(MarkdownSnippet snippet, IReadOnlyList<MarkdownSnippet> all)
    {
        var usings = new List<string>();
        var statements = new StringBuilder();
        var otherFiles = new List<string> { ImplicitUsings };

        // Used blocks, in the order named: declarations go into their own file, statements run before this block's.
        foreach (string use in snippet.Uses)
        {
            MarkdownSnippet used = all.FirstOrDefault(s => s.Name == use)
                ?? throw new InvalidOperationException($"{snippet.Where}: uses={use}, but no block has name={use}.");
            AddGiven(used, usings, statements, otherFiles);
            Split(used.Code, used.File, used.Line, usings, statements, otherFiles);
        }
        AddGiven(snippet, usings, statements, otherFiles);
        Split(snippet.Code, snippet.File, snippet.Line, usings, statements, otherFiles);

        var main = new StringBuilder();
        foreach (string u in usings.Distinct(StringComparer.Ordinal))
            main.Append(u);
        main.Append(statements).Append("#line default\n");

        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(main.ToString(), GeneratorHarness.ParseOptions, path: "Snippet.cs") };
        trees.AddRange(otherFiles.Select((text, i) => CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path: $"Given{i}.cs")));
        bool hasStatements = trees.Any(t => t.GetRoot().ChildNodes().OfType<GlobalStatementSyntax>().Any());
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Snippet", trees, GeneratorHarness.References,
            GeneratorHarness.CompilationOptions.WithOutputKind(hasStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary));

        GeneratorRun run = GeneratorHarness.Run(compilation);
        return run.AllDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => Describe(d, snippet, compilation))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string Describe(Diagnostic d, MarkdownSnippet snippet, Compilation compilation)
    {
        FileLinePositionSpan mapped = d.Location.GetMappedLineSpan();
        // The generator's diagnostics carry a path and a span but no tree (Model/DiagnosticInfo.cs): map them through
        // the tree of that path, so an RNNG error also names the Markdown line.
        if (!mapped.HasMappedPath && d.Location.Kind == LocationKind.ExternalFile
            && compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == d.Location.GetLineSpan().Path) is { } tree)
            mapped = tree.GetMappedLineSpan(d.Location.SourceSpan);
        string where = mapped.HasMappedPath
            ? string.Create(CultureInfo.InvariantCulture, $"{mapped.Path}:{mapped.StartLinePosition.Line + 1}")
            : $"{snippet.Where} (in the code the directive or the generator adds: {Path.GetFileName(d.Location.GetLineSpan().Path)})";
        return $"{where}: error {d.Id}: {d.GetMessage(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Adds the directive's given code: its using directives become global usings (so they also reach a block that is
    /// only declarations, compiled in a file of its own), the rest is split like a block.
    /// </summary>
    private static void AddGiven(MarkdownSnippet snippet, List<string> usings, StringBuilder statements, List<string> otherFiles)
    {
        if (snippet.Given.Length == 0)
            return;
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(snippet.Given, GeneratorHarness.ParseOptions).GetCompilationUnitRoot();
        if (root.Usings.Count > 0)
        {
            otherFiles.Add(string.Concat(root.Usings.Select(u => "global " + u.ToString().Trim() + "\n")));
            string rest = new(snippet.Given.Select((c, i) => i < root.Usings.Last().FullSpan.End && c != '\n' ? ' ' : c).ToArray());
            Split(rest, snippet.File, snippet.GivenLine, usings, statements, otherFiles);
        }
        else
        {
            Split(snippet.Given, snippet.File, snippet.GivenLine, usings, statements, otherFiles);
        }
    }

    /// <summary>
    /// Splits C# text that starts at line <paramref name="line"/> of <paramref name="file"/> into its using directives, its
    /// top-level statements (with any declarations after them, as one file allows) and, when it has no statements, a
    /// file of its own; every piece keeps its Markdown line through <c>#line</c>.
    /// </summary>
    private static void Split(string code, string file, int line, List<string> usings, StringBuilder statements, List<string> otherFiles)
    {
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(code, GeneratorHarness.ParseOptions).GetCompilationUnitRoot();
        if (!root.Members.OfType<GlobalStatementSyntax>().Any())
        {
            otherFiles.Add($"#line {line} \"{file}\"\n{code}#line default\n");
            return;
        }
        int restStart = 0;
        var ownUsings = new StringBuilder();
        foreach (UsingDirectiveSyntax u in root.Usings)
        {
            int l = u.GetLocation().GetLineSpan().StartLinePosition.Line;
            string directive = $"#line {line + l} \"{file}\"\n{u.ToString()}\n#line default\n";
            usings.Add(directive);
            ownUsings.Append(directive);
            restStart = u.FullSpan.End;
        }
        // Type declarations after the statements go to a file of their own, so that statements of a later block can
        // still follow these; they are blanked out here (spaces, newlines kept) so the lines stay where they were.
        char[] text = code.ToCharArray();
        foreach (MemberDeclarationSyntax member in root.Members.Where(m => m is not GlobalStatementSyntax))
        {
            int l = member.GetLocation().GetLineSpan().StartLinePosition.Line;
            otherFiles.Add($"{ownUsings}#line {line + l} \"{file}\"\n{member.ToString()}\n#line default\n");
            for (int i = member.Span.Start; i < member.Span.End; i++)
                if (text[i] is not ('\n' or '\r'))
                    text[i] = ' ';
        }
        int restLine = root.SyntaxTree.GetText().Lines.GetLineFromPosition(restStart).LineNumber;
        string rest = new string(text)[root.SyntaxTree.GetText().Lines[restLine].Start..];
        statements.Append(CultureInfo.InvariantCulture, $"#line {line + restLine} \"{file}\"\n").Append(rest);
    }

    private static string? TorchMissing()
    {
        if (!File.Exists("/usr/bin/python3"))
            return "/usr/bin/python3 is not installed";
        (int code, string text) = RunProcess("/usr/bin/python3", "-c \"import torch\"", Path.GetTempPath());
        return code == 0 ? null : "/usr/bin/python3 cannot import torch (" + text.Trim().Split('\n')[^1] + ")";
    }

    private static bool CanImport(string module) =>
        RunProcess("/usr/bin/python3", $"-c \"import {module}\"", Path.GetTempPath()).ExitCode == 0;

    /// <summary>
    /// <c>safetensors.torch.save_file</c> and <c>load_file</c> for when the package is not installed: the format
    /// (8-byte little-endian header length, JSON header of dtype, shape and data offsets, raw little-endian data).
    /// </summary>
    private const string SafetensorsStandIn = """
        "Stand-in for safetensors.torch (save_file, load_file), written by RnnGen's DocsExamplesTests."
        import json
        import struct
        import torch

        _NAMES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.int64: "I64", torch.int32: "I32"}
        _TYPES = {name: dtype for dtype, name in _NAMES.items()}


        def save_file(tensors, filename, metadata=None):
            header, chunks, offset = {}, [], 0
            if metadata:
                header["__metadata__"] = metadata
            for name in sorted(tensors):
                t = tensors[name].detach().contiguous().cpu()
                data = t.numpy().tobytes()
                header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
                chunks.append(data)
                offset += len(data)
            text = json.dumps(header, separators=(",", ":")).encode("utf-8")
            text += b" " * (-len(text) % 8)
            with open(filename, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


        def load_file(filename, device="cpu"):
            with open(filename, "rb") as f:
                raw = f.read()
            (n,) = struct.unpack("<Q", raw[:8])
            header = json.loads(raw[8:8 + n])
            data = raw[8 + n:]
            result = {}
            for name, entry in header.items():
                if name == "__metadata__":
                    continue
                begin, end = entry["data_offsets"]
                dtype = _TYPES[entry["dtype"]]
                t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
                result[name] = t.reshape(entry["shape"]).to(device)
            return result
        """;

    private static (int ExitCode, string Output) RunProcess(string program, string arguments, string folder)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out after 5 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
