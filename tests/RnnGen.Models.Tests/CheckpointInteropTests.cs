using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Files as PyTorch users have them: names behind a wrapper's prefix (<c>module.</c>, <c>model.</c>) or otherwise
/// renamed, and half-precision tensors (F16, BF16), hand-built and, where /usr/bin/python3 has torch, written by torch.
/// </summary>
public sealed class CheckpointInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-checkpoint-interop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A safetensors file of <paramref name="entries"/> (file name, dtype, shape, little-endian bytes), in order.</summary>
    private string Handmade(string file, IEnumerable<(string Name, string DType, int[] Shape, byte[] Data)> entries)
    {
        var header = new List<string>();
        var data = new MemoryStream();
        foreach ((string name, string dtype, int[] shape, byte[] bytes) in entries)
        {
            header.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{data.Length},{data.Length + bytes.Length}]}}");
            data.Write(bytes);
        }
        byte[] json = Encoding.UTF8.GetBytes("{" + string.Join(",", header) + "}");
        var all = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(all, (ulong)json.Length);
        json.CopyTo(all, 8);
        data.ToArray().CopyTo(all, 8 + json.Length);
        string path = PathOf(file);
        File.WriteAllBytes(path, all);
        return path;
    }

    /// <summary>Every tensor of <see cref="UnitRnn"/> as F64 under <paramref name="rename"/>d names, all values <paramref name="value"/>.</summary>
    private string UnitFile(string file, Func<string, string> rename, double value = 0.25) => Handmade(file, UnitRnn.Tensors.Select(t =>
    {
        var bytes = new byte[8 * t.Length];
        for (int i = 0; i < t.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), value);
        return (rename(t.Name), "F64", t.Shape.ToArray(), bytes);
    }));

    private static CheckpointException Rejected(string path, SafetensorsLoadOptions options)
    {
        var m = new UnitRnn(5);
        double[] before = m.Parameters.ToArray();
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Load(m, path, options));
        Assert.Equal(before, m.Parameters.ToArray()); // nothing changes on an error
        return ex;
    }

    // ------------------------------------------------------------------ tensor names

    [Fact]
    public void A_wrappers_prefix_is_reported_with_the_option_that_loads_it_and_then_loads()
    {
        string path = UnitFile("ddp.safetensors", n => "module." + n);
        CheckpointException ex = Rejected(path, SafetensorsLoadOptions.Strict);
        Assert.Equal("rnn.weight_ih_l0", ex.TensorName);
        Assert.Contains("is missing. Not found in the file: rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, head.weight, head.bias.", ex.Message);
        Assert.Contains("The file's unmatched tensors: module.rnn.weight_ih_l0, module.rnn.weight_hh_l0", ex.Message);
        Assert.Contains("load with new SafetensorsLoadOptions { TensorNamePrefix = \"module.\" }", ex.Message);

        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { TensorNamePrefix = "module." });
        Assert.All(m.Parameters.ToArray(), v => Assert.Equal(0.25, v));
    }

    [Fact]
    public void A_prefix_selects_a_submodule_and_other_names_are_unknown()
    {
        // A training wrapper's state_dict: the network under "model.", its own state beside it.
        string path = Handmade("wrapped.safetensors", UnitRnn.Tensors.Select(t => ("model." + t.Name, "F64", t.Shape.ToArray(), new byte[8 * t.Length]))
            .Append(("loss_scale", "F64", [1], new byte[8])));
        var options = new SafetensorsLoadOptions { TensorNamePrefix = "model." };
        CheckpointException ex = Rejected(path, options);
        Assert.Equal("loss_scale", ex.TensorName);
        Assert.Contains("is not a tensor of UnitRnn (it lacks the prefix 'model.')", ex.Message);
        Assert.Contains("load with IgnoreUnknownTensors to skip it", ex.Message);

        var m = new UnitRnn(5);
        Safetensors.Load(m, path, options with { IgnoreUnknownTensors = true });
        Assert.All(m.Parameters.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void A_wrong_prefix_lists_both_sides_and_names_the_right_one()
    {
        string path = UnitFile("module.safetensors", n => "module.model." + n);
        CheckpointException ex = Rejected(path, new SafetensorsLoadOptions { TensorNamePrefix = "model." });
        Assert.Contains("module.model.head.bias (no prefix 'model.')", ex.Message);
        Assert.Contains("TensorNamePrefix = \"module.model.\"", ex.Message);
    }

    [Fact]
    public void A_name_map_renames_and_leaves_out_tensors()
    {
        // A hand-written PyTorch module that called its LSTM "encoder" and its head "fc", plus a buffer to leave out.
        string path = Handmade("renamed.safetensors", UnitRnn.Tensors.Select(t =>
            (t.Name.Replace("rnn.", "encoder.", StringComparison.Ordinal).Replace("head.", "fc.", StringComparison.Ordinal), "F64", t.Shape.ToArray(), Doubles(t.Length, 0.75)))
            .Append(("num_batches_tracked", "F64", [1], new byte[8])));
        static string? Map(string name) => name == "num_batches_tracked" ? null
            : name.Replace("encoder.", "rnn.", StringComparison.Ordinal).Replace("fc.", "head.", StringComparison.Ordinal);

        CheckpointException ex = Rejected(path, SafetensorsLoadOptions.Strict);
        Assert.Contains("Not found in the file: rnn.weight_ih_l0", ex.Message);
        Assert.Contains("fc.weight, fc.bias, num_batches_tracked", ex.Message);
        Assert.DoesNotContain("TensorNamePrefix", ex.Message); // no prefix explains it

        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { TensorNameMap = Map });
        Assert.All(m.Parameters.ToArray(), v => Assert.Equal(0.75, v));

        // A map that leaves out a tensor the model needs: that one is missing, the rest of the file was matched.
        ex = Rejected(path, new SafetensorsLoadOptions { TensorNameMap = n => n.StartsWith("fc.", StringComparison.Ordinal) ? null : Map(n) });
        Assert.Equal("head.weight", ex.TensorName);
        Assert.Contains("Not found in the file: head.weight, head.bias. The file's unmatched tensors: none.", ex.Message);
    }

    [Fact]
    public void A_mapped_name_that_is_not_the_models_shows_both_names()
    {
        string path = UnitFile("typo.safetensors", n => n == "head.bias" ? "fc.bias" : n);
        CheckpointException ex = Rejected(path, new SafetensorsLoadOptions { TensorNameMap = n => n.Replace("fc.", "heads.", StringComparison.Ordinal) });
        Assert.Contains("fc.bias (as heads.bias)", ex.Message);
        ex = Rejected(path, new SafetensorsLoadOptions { TensorNameMap = n => n.Replace("fc.", "heads.", StringComparison.Ordinal), IgnoreUnknownTensors = true });
        Assert.Equal("head.bias", ex.TensorName); // skipping unknown tensors does not make a missing one appear
    }

    [Fact]
    public void Two_file_tensors_mapped_to_one_name_are_refused()
    {
        string path = Handmade("twice.safetensors", UnitRnn.Tensors.Select(t => (t.Name, "F64", t.Shape.ToArray(), new byte[8 * t.Length]))
            .Append(("ema.head.bias", "F64", [1], new byte[8])));
        CheckpointException ex = Rejected(path, new SafetensorsLoadOptions { TensorNameMap = n => n.Replace("ema.", "", StringComparison.Ordinal) });
        Assert.Equal("head.bias", ex.TensorName);
        Assert.Contains("both 'head.bias' and 'ema.head.bias' of the file map to it", ex.Message);
    }

    [Fact]
    public void A_shape_mismatch_names_the_files_tensor_too()
    {
        string path = Handmade("shape.safetensors", UnitRnn.Tensors.Select(t =>
            ("module." + t.Name, "F64", t.Name == "head.weight" ? [1] : t.Shape.ToArray(), new byte[8 * t.Length])));
        CheckpointException ex = Rejected(path, new SafetensorsLoadOptions { TensorNamePrefix = "module." });
        Assert.Contains("has shape [1] but UnitRnn needs [1, 1] (the file's 'module.head.weight')", ex.Message);
    }

    // ------------------------------------------------------------------ half precision

    private static byte[] Doubles(int count, double value)
    {
        var bytes = new byte[8 * count];
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), value);
        return bytes;
    }

    private static byte[] Bits16(IEnumerable<ushort> values) => values.SelectMany(v => new[] { (byte)v, (byte)(v >> 8) }).ToArray();

    /// <summary>Half-precision values, including the largest, the smallest subnormal and a negative, for element <c>i</c>.</summary>
    private static readonly Half[] HalfValues = [(Half)0.5f, (Half)(-2.25f), Half.MaxValue, Half.Epsilon, (Half)1e-3f, (Half)(-65.0f), (Half)3.140625f];

    /// <summary>Brain-float values as their 16 bits: 1.5, -0.15625, the largest (3.3895e38), the smallest normal, 1e-3 rounded, 3.140625.</summary>
    private static readonly ushort[] BFloatBits = [0x3FC0, 0xBE20, 0x7F7F, 0x0080, 0x3A83, 0x4049];

    private static float WidenBFloat(ushort bits) => BitConverter.Int32BitsToSingle(bits << 16);

    private string HalfFile(string file, IReadOnlyList<TensorInfo> tensors, string dtype) => Handmade(file, tensors.Select(t =>
        (t.Name, dtype, t.Shape.ToArray(), Bits16(Enumerable.Range(0, t.Length).Select(i =>
            dtype == "F16" ? BitConverter.HalfToUInt16Bits(HalfValues[(t.Offset + i) % HalfValues.Length]) : BFloatBits[(t.Offset + i) % BFloatBits.Length])))));

    [Fact]
    public void F16_tensors_widen_exactly_into_float_and_double_models()
    {
        string path = HalfFile("half.safetensors", SmallMixedFloat.Tensors, "F16");
        Assert.All(Safetensors.ReadHeader(path).Entries, e => Assert.Equal(SafetensorsDType.F16, e.DType));
        var single = new SmallMixedFloat(1);
        var wide = new SmallMixedDouble(1);
        Safetensors.Load(single, path);
        Safetensors.Load(wide, path);
        for (int i = 0; i < SmallMixedFloat.ParameterCount; i++)
        {
            Half expected = HalfValues[i % HalfValues.Length];
            Assert.Equal((float)expected, single.Parameters[i]);
            Assert.Equal((double)expected, wide.Parameters[i]);
        }
        Assert.Equal(65504f, single.Parameters[2]);
        Assert.Equal(Math.Pow(2, -24), wide.Parameters[3]);
    }

    [Fact]
    public void BF16_tensors_widen_exactly_into_float_and_double_models()
    {
        string path = HalfFile("bfloat.safetensors", SmallMixedFloat.Tensors, "BF16");
        var single = new SmallMixedFloat(1);
        var wide = new SmallMixedDouble(1);
        Safetensors.Load(single, path);
        Safetensors.Load(wide, path);
        for (int i = 0; i < SmallMixedFloat.ParameterCount; i++)
        {
            float expected = WidenBFloat(BFloatBits[i % BFloatBits.Length]);
            Assert.Equal(expected, single.Parameters[i]);
            Assert.Equal(expected, wide.Parameters[i]);
        }
        Assert.Equal(1.5f, single.Parameters[0]);
        Assert.Equal(-0.15625f, single.Parameters[1]);
        Assert.Equal(3.3895314e38f, single.Parameters[2]);
    }

    [Fact]
    public void Dtypes_may_differ_between_tensors()
    {
        TensorInfo[] t = UnitRnn.Tensors.ToArray();
        string path = Handmade("mixed.safetensors", t.Select((x, k) => k switch
        {
            0 => (x.Name, "F16", x.Shape.ToArray(), Bits16(Enumerable.Repeat(BitConverter.HalfToUInt16Bits((Half)0.125f), x.Length))),
            1 => (x.Name, "BF16", x.Shape.ToArray(), Bits16(Enumerable.Repeat((ushort)0x3E00, x.Length))), // 0.125
            2 => (x.Name, "F32", x.Shape.ToArray(), Enumerable.Repeat(0.125f, x.Length).SelectMany(BitConverter.GetBytes).ToArray()),
            _ => (x.Name, "F64", x.Shape.ToArray(), Doubles(x.Length, 0.125)),
        }));
        var m = new UnitRnn(5);
        Safetensors.Load(m, path);
        Assert.All(m.Parameters.ToArray(), v => Assert.Equal(0.125, v));
    }

    [Theory]
    [InlineData("F16", (ushort)0x7C00, double.PositiveInfinity)]
    [InlineData("F16", (ushort)0x7E00, double.NaN)]
    [InlineData("BF16", (ushort)0xFF80, double.NegativeInfinity)]
    [InlineData("BF16", (ushort)0x7FC0, double.NaN)]
    public void Non_finite_half_values_are_rejected_unless_allowed(string dtype, ushort bits, double shown)
    {
        string path = Handmade("inf.safetensors", UnitRnn.Tensors.Select(t =>
            (t.Name, dtype, t.Shape.ToArray(), Bits16(Enumerable.Repeat(t.Name == "head.weight" ? bits : (ushort)0, t.Length)))));
        CheckpointException ex = Rejected(path, SafetensorsLoadOptions.Strict);
        Assert.Equal("head.weight", ex.TensorName);
        Assert.Contains($"value {shown} at index 0 is not finite", ex.Message);
        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { AllowNonFinite = true });
        Assert.False(double.IsFinite(m.Parameters[4]));
    }

    [Fact]
    public void A_half_tensor_whose_bytes_do_not_fit_its_shape_is_refused()
    {
        string path = Handmade("size.safetensors", UnitRnn.Tensors.Select(t => (t.Name, t.Name == "rnn.bias_ih_l0" ? "BF16" : "F64", t.Shape.ToArray(), Doubles(t.Length, 0))));
        CheckpointException ex = Rejected(path, SafetensorsLoadOptions.Strict);
        Assert.Contains("holds 8 bytes, but shape [1] of BF16 needs 2", ex.Message);
    }

    // ------------------------------------------------------------------ files written by torch

    /// <summary>
    /// torch writes the model's tensors in float16 and bfloat16 under DistributedDataParallel's <c>module.</c> prefix,
    /// and the same values widened back to float32 (torch's own conversion) as the reference; RnnGen must load each
    /// half-precision file to exactly the reference's values, into float and double models.
    /// </summary>
    [Fact]
    public void Half_precision_files_written_by_torch_load_as_torch_widens_them()
    {
        if (TorchMissing() is { } why)
        {
            output.WriteLine($"SKIPPED: {why} (on Debian: apt-get install python3-torch).");
            return;
        }
        if (!CanImport("safetensors.torch"))
        {
            // Debian has no package of safetensors: write the format with a stand-in of safetensors.torch.save_file.
            Directory.CreateDirectory(PathOf("safetensors"));
            File.WriteAllText(PathOf(Path.Combine("safetensors", "__init__.py")), "");
            File.WriteAllText(PathOf(Path.Combine("safetensors", "torch.py")), SaveFileStandIn);
            output.WriteLine("safetensors.torch is not installed; torch's tensors were written with the test's stand-in save_file.");
        }
        string shapes = string.Join(", ", SmallMixedFloat.Tensors.Select(t => $"\"{t.Name}\": ({string.Join(", ", t.Shape)},)"));
        File.WriteAllText(PathOf("write.py"), $$"""
            import torch
            from safetensors.torch import save_file
            torch.manual_seed(0)
            shapes = { {{shapes}} }
            state = {name: torch.randn(shape) * 3 for name, shape in shapes.items()}
            first = next(iter(shapes))
            state[first].view(-1)[0] = 70000.0  # beyond float16's range (finite only in bfloat16)
            for dtype, name in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
                half = {k: v.to(dtype) for k, v in state.items()}
                if dtype == torch.float16:
                    half[first].view(-1)[0] = 60000.0
                save_file({"module." + k: v.contiguous() for k, v in half.items()}, name + ".safetensors")
                save_file({k: v.float().contiguous() for k, v in half.items()}, name + ".reference.safetensors")
            print(torch.__version__)
            """);
        (int code, string text) = RunProcess("/usr/bin/python3", "write.py", _folder);
        Assert.True(code == 0, "the torch script failed:\n" + text);

        foreach (string name in new[] { "f16", "bf16" })
        {
            var options = new SafetensorsLoadOptions { TensorNamePrefix = "module." };
            Assert.Equal(name == "f16" ? SafetensorsDType.F16 : SafetensorsDType.BF16, Safetensors.ReadHeader(PathOf(name + ".safetensors")).Entries[0].DType);
            var reference = new SmallMixedFloat(1);
            Safetensors.Load(reference, PathOf(name + ".reference.safetensors"));
            var single = new SmallMixedFloat(2);
            var wide = new SmallMixedDouble(2);
            Safetensors.Load(single, PathOf(name + ".safetensors"), options);
            Safetensors.Load(wide, PathOf(name + ".safetensors"), options);
            Assert.Equal(reference.Parameters.ToArray(), single.Parameters.ToArray());
            Assert.Equal(reference.Parameters.ToArray().Select(v => (double)v), wide.Parameters.ToArray());
            Assert.Contains(reference.Parameters.ToArray(), v => v != MathF.Round(v)); // real fractions, not a degenerate file
            output.WriteLine($"{name}: {SmallMixedFloat.ParameterCount} values written by torch {text.Trim()} load as torch widens them; largest |value| {reference.Parameters.ToArray().Max(MathF.Abs).ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    /// <summary><c>safetensors.torch.save_file</c> for when the package is missing: the format, with 16-bit dtypes written bit for bit.</summary>
    private const string SaveFileStandIn = """
        "Stand-in for safetensors.torch.save_file, written by RnnGen's CheckpointInteropTests."
        import json
        import struct
        import torch

        _NAMES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}


        def save_file(tensors, filename, metadata=None):
            header, chunks, offset = {}, [], 0
            if metadata:
                header["__metadata__"] = metadata
            for name in sorted(tensors):
                t = tensors[name].detach().contiguous().cpu()
                # numpy has no bfloat16: 16-bit tensors go through int16, bit for bit.
                data = (t.view(torch.int16) if t.element_size() == 2 else t).numpy().tobytes()
                header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
                chunks.append(data)
                offset += len(data)
            text = json.dumps(header, separators=(",", ":")).encode("utf-8")
            text += b" " * (-len(text) % 8)
            with open(filename, "wb") as f:
                f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
        """;

    private static string? TorchMissing()
    {
        if (!File.Exists("/usr/bin/python3"))
            return "/usr/bin/python3 is not installed";
        (int code, string text) = RunProcess("/usr/bin/python3", "-c \"import torch\"", Path.GetTempPath());
        return code == 0 ? null : "/usr/bin/python3 cannot import torch (" + text.Trim().Split('\n')[^1] + ")";
    }

    private static bool CanImport(string module) =>
        RunProcess("/usr/bin/python3", $"-c \"import {module}\"", Path.GetTempPath()).ExitCode == 0;

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
