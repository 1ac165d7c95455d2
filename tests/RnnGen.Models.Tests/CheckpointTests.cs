using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;

namespace RnnGen.Models.Tests;

/// <summary>Safetensors checkpoints: layout, round trips, conversion, atomic saves, and every kind of bad file.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-checkpoints-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void Save_writes_the_safetensors_layout_with_pytorch_names()
    {
        var m = new EmbeddingLstmLm(3);
        string path = PathOf("lm.safetensors");
        Safetensors.Save(m, path, new Dictionary<string, string> { ["note"] = "hello" });

        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8); // data aligned
        using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        JsonElement meta = header.RootElement.GetProperty("__metadata__");
        Assert.Equal("hello", meta.GetProperty("note").GetString());
        Assert.Equal("8", meta.GetProperty("rnngen.steps").GetString());
        Assert.EndsWith("EmbeddingLstmLm", meta.GetProperty("rnngen.model").GetString());
        foreach (TensorInfo t in EmbeddingLstmLm.Tensors)
        {
            JsonElement e = header.RootElement.GetProperty(t.Name);
            Assert.Equal("F32", e.GetProperty("dtype").GetString());
            Assert.Equal(t.Shape, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
            long begin = e.GetProperty("data_offsets")[0].GetInt64();
            for (int i = 0; i < t.Length; i++)
                Assert.Equal(m.Parameters[t.Offset + i], BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(8 + headerLength + begin + 4 * i))));
        }
        Assert.Equal(8 + headerLength + 4L * EmbeddingLstmLm.ParameterCount, bytes.Length);
    }

    [Fact]
    public void Round_trip_restores_every_parameter()
    {
        var a = new EmbeddingLstmLm(3);
        string path = PathOf("a.safetensors");
        Safetensors.Save(a, path);
        var b = new EmbeddingLstmLm(4);
        Assert.NotEqual(a.Parameters.ToArray(), b.Parameters.ToArray());
        Safetensors.Load(b, path);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.Equal("4", Safetensors.ReadHeader(path).Metadata["rnngen.batch"]);
    }

    [Fact]
    public void F32_loads_into_a_double_model_and_back()
    {
        var single = new SmallMixedFloat(1);
        var twin = new SmallMixedDouble(9);
        string f32 = PathOf("single.safetensors"), f64 = PathOf("double.safetensors");
        Safetensors.Save(single, f32);
        Safetensors.Load(twin, f32);
        for (int i = 0; i < SmallMixedFloat.ParameterCount; i++) Assert.Equal((double)single.Parameters[i], twin.Parameters[i]);
        Safetensors.Save(twin, f64);
        Assert.Equal("F64", Safetensors.ReadHeader(f64).Entries[0].DType.ToString());
        var back = new SmallMixedFloat(7);
        Safetensors.Load(back, f64);
        Assert.Equal(single.Parameters.ToArray(), back.Parameters.ToArray());
    }

    [Fact]
    public void An_F64_value_beyond_float_range_is_rejected_by_a_float_model()
    {
        // 1e300 is finite as F64 but overflows to +Inf when narrowed: the check must see the narrowed value.
        var wide = new SmallMixedDouble(2);
        TensorInfo tensor = SmallMixedDouble.Tensors[1];
        wide.Parameters[tensor.Offset + 2] = 1e300;
        string path = PathOf("overflow.safetensors");
        Safetensors.Save(wide, path);

        var single = new SmallMixedFloat(7);
        float[] before = single.Parameters.ToArray();
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Load(single, path));
        Assert.Contains($"value {1e300} at index 2 is not finite as Single (it overflows to {float.PositiveInfinity})", ex.Message);
        Assert.Equal(tensor.Name, ex.TensorName);
        Assert.Equal(before, single.Parameters.ToArray());

        Safetensors.Load(single, path, new SafetensorsLoadOptions { AllowNonFinite = true });
        Assert.Equal(float.PositiveInfinity, single.Parameters[tensor.Offset + 2]);
    }

    [Fact]
    public void An_F64_value_within_float_range_still_loads_into_a_float_model()
    {
        // The edge of the range: float.MaxValue itself narrows exactly and is finite.
        var wide = new SmallMixedDouble(2);
        wide.Parameters[0] = float.MaxValue;
        wide.Parameters[1] = -float.MaxValue;
        string path = PathOf("edge.safetensors");
        Safetensors.Save(wide, path);
        var single = new SmallMixedFloat(7);
        Safetensors.Load(single, path);
        Assert.Equal(float.MaxValue, single.Parameters[0]);
        Assert.Equal(-float.MaxValue, single.Parameters[1]);
    }

    /// <summary>Where a simulated disk failure strikes during a save, relative to the layout of the file being written.</summary>
    public enum SaveFailure { InTheHeaderLength, InTheHeaderJson, AtTheFirstTensor, InALaterTensor, AtTheLastTensor }

    [Theory]
    [InlineData(SaveFailure.InTheHeaderLength)]
    [InlineData(SaveFailure.InTheHeaderJson)]
    [InlineData(SaveFailure.AtTheFirstTensor)]
    [InlineData(SaveFailure.InALaterTensor)]
    [InlineData(SaveFailure.AtTheLastTensor)]
    public void A_save_that_fails_part_way_leaves_the_previous_checkpoint(SaveFailure where)
    {
        var m = new EmbeddingLstmLm(3);
        string path = PathOf("keep.safetensors");
        Safetensors.Save(m, path);
        byte[] before = File.ReadAllBytes(path);
        long dataStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(before);
        // Each tensor's data is one write, so a limit inside a tensor's bytes fails that write and every earlier one lands.
        TensorInfo later = EmbeddingLstmLm.Tensors[EmbeddingLstmLm.Tensors.Count / 2];
        long failAfter = where switch
        {
            SaveFailure.InTheHeaderLength => 4,
            SaveFailure.InTheHeaderJson => 100,
            SaveFailure.AtTheFirstTensor => dataStart + 1,
            SaveFailure.InALaterTensor => dataStart + 4L * later.Offset + 2,
            _ => before.Length - 1,
        };
        Assert.InRange(failAfter, 1, before.Length - 1);
        m.Parameters.Fill(1f);
        FailingStream? failing = null;
        Safetensors.WrapWriteStream = s => failing = new FailingStream(s, failAfter);
        try
        {
            Assert.Throws<IOException>(() => Safetensors.Save(m, path));
        }
        finally
        {
            Safetensors.WrapWriteStream = null;
        }
        Assert.NotNull(failing);
        // The failure struck where intended: every write before the failing one landed, and nothing of it.
        TensorInfo last = EmbeddingLstmLm.Tensors[^1];
        long landed = where switch
        {
            SaveFailure.InTheHeaderLength => 0,
            SaveFailure.InTheHeaderJson => 8,
            SaveFailure.AtTheFirstTensor => dataStart,
            SaveFailure.InALaterTensor => dataStart + 4L * later.Offset,
            _ => dataStart + 4L * last.Offset,
        };
        Assert.Equal(landed, failing.Written);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "keep.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
        var reloaded = new EmbeddingLstmLm(4);
        Safetensors.Load(reloaded, path);
        Assert.Equal(new EmbeddingLstmLm(3).Parameters.ToArray(), reloaded.Parameters.ToArray());
    }

    // ------------------------------------------------------------------ bad files: each names the problem and changes nothing

    /// <summary>A safetensors file from a header object and data bytes, optionally with a forged header length.</summary>
    private string Write(string name, string headerJson, byte[] data, ulong? headerLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        string path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A valid header for <see cref="UnitRnn"/> (double: F64), with one entry rewritten by <paramref name="edit"/>.</summary>
    private static string UnitHeader(Func<string, string, string>? edit = null)
    {
        var parts = new List<string>();
        long offset = 0;
        foreach (TensorInfo t in UnitRnn.Tensors)
        {
            string entry = $"{{\"dtype\":\"F64\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + 8 * t.Length}]}}";
            parts.Add($"\"{t.Name}\":{edit?.Invoke(t.Name, entry) ?? entry}");
            offset += 8 * t.Length;
        }
        return "{" + string.Join(",", parts) + "}";
    }

    private static byte[] UnitData(double value = 0.5)
    {
        var data = new byte[8 * UnitRnn.ParameterCount];
        for (int i = 0; i < UnitRnn.ParameterCount; i++) BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), value);
        return data;
    }

    private static void AssertRejected(string path, string expectedText, string? tensor = null, SafetensorsLoadOptions? options = null)
    {
        var m = new UnitRnn(5);
        double[] before = m.Parameters.ToArray();
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Load(m, path, options ?? SafetensorsLoadOptions.Strict));
        Assert.Contains(expectedText, ex.Message);
        Assert.Equal(tensor, ex.TensorName);
        Assert.Equal(before, m.Parameters.ToArray());
    }

    [Fact]
    public void A_valid_handmade_file_loads() // the fixture builder itself is right
    {
        var m = new UnitRnn(5);
        Safetensors.Load(m, Write("ok.safetensors", UnitHeader(), UnitData(0.25)));
        Assert.All(m.Parameters.ToArray(), v => Assert.Equal(0.25, v));
    }

    [Fact]
    public void Missing_tensor() => AssertRejected(
        Write("missing.safetensors", UnitHeader().Replace("\"head.bias\"", "\"head.bias_renamed\""), UnitData()),
        "is missing", "head.bias");

    [Fact]
    public void Unknown_tensor_is_rejected_unless_allowed()
    {
        string header = UnitHeader()[..^1] + ",\"extra.weight\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[" + 8 * UnitRnn.ParameterCount + "," + (8 * UnitRnn.ParameterCount + 8) + "]}}";
        string path = Write("extra.safetensors", header, UnitData().Concat(new byte[8]).ToArray());
        AssertRejected(path, "is not a tensor of UnitRnn", "extra.weight");
        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        Assert.Equal(0.5, m.Parameters[0]);
    }

    [Fact]
    public void Wrong_shape() => AssertRejected(
        Write("shape.safetensors", UnitHeader((n, e) => n == "head.weight" ? e.Replace("\"shape\":[1,1]", "\"shape\":[1]") : e), UnitData()),
        "has shape [1] but UnitRnn needs [1, 1]", "head.weight");

    [Fact]
    public void A_checkpoint_of_another_model_names_the_first_mismatch()
    {
        string path = PathOf("other.safetensors");
        Safetensors.Save(new UnitLstm(1), path);
        AssertRejected(path, "has shape [4, 1] but UnitRnn needs [1, 1]", "rnn.weight_ih_l0");
    }

    [Fact]
    public void Unsupported_dtype() => AssertRejected(
        Write("dtype.safetensors", UnitHeader((n, e) => n == "rnn.bias_ih_l0" ? e.Replace("F64", "I8") : e), UnitData()),
        "dtype I8 is not supported; RnnGen reads F64, F32, F16 and BF16", "rnn.bias_ih_l0");

    [Fact]
    public void Size_of_bytes_not_matching_shape() => AssertRejected(
        Write("size.safetensors", UnitHeader((n, e) => n == "rnn.bias_ih_l0" ? e.Replace("F64", "F32") : e), UnitData()),
        "holds 8 bytes, but shape [1] of F32 needs 4", "rnn.bias_ih_l0");

    [Fact]
    public void Truncated_file() => AssertRejected(Write("short.safetensors", UnitHeader(), UnitData()[..20]), "reach past", "rnn.bias_ih_l0");

    [Fact]
    public void Padding_after_the_data() => AssertRejected(Write("long.safetensors", UnitHeader(), UnitData().Concat(new byte[5]).ToArray()), "truncated or padded");

    [Theory]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(1UL << 40)]
    public void Impossible_header_length(ulong length) => AssertRejected(Write("len.safetensors", UnitHeader(), UnitData(), length), "header length");

    [Fact]
    public void Malformed_json() => AssertRejected(Write("json.safetensors", UnitHeader()[..^3], UnitData()), "not valid JSON");

    [Fact]
    public void Overlapping_tensors() => AssertRejected(
        Write("overlap.safetensors", UnitHeader((n, e) => n == "rnn.weight_hh_l0" ? e.Replace("[8,16]", "[0,8]") : e), UnitData()),
        "overlap", "rnn.weight_hh_l0");

    [Fact]
    public void Negative_offsets() => AssertRejected(
        Write("negative.safetensors", UnitHeader((n, e) => n == "rnn.weight_ih_l0" ? e.Replace("[0,8]", "[-8,0]") : e), UnitData()),
        "non-negative", "rnn.weight_ih_l0");

    [Fact]
    public void Non_finite_values_are_rejected_unless_allowed()
    {
        byte[] data = UnitData();
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * 3), double.NaN);
        string path = Write("nan.safetensors", UnitHeader(), data);
        AssertRejected(path, "value NaN at index 0 is not finite", "rnn.bias_hh_l0");
        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { AllowNonFinite = true });
        Assert.True(double.IsNaN(m.Parameters[3]));
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Infinite_values_are_rejected_unless_allowed(double infinity)
    {
        byte[] data = UnitData();
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * 4), infinity); // the first value of head.weight
        string path = Write("inf.safetensors", UnitHeader(), data);
        AssertRejected(path, $"value {infinity} at index 0 is not finite (load with", "head.weight");
        var m = new UnitRnn(5);
        Safetensors.Load(m, path, new SafetensorsLoadOptions { AllowNonFinite = true });
        Assert.Equal(infinity, m.Parameters[4]);
    }

    [Fact]
    public void Directories_missing_files_and_tiny_files()
    {
        AssertRejected(_folder, "is a directory");
        AssertRejected(PathOf("nope.safetensors"), "cannot be opened");
        File.WriteAllBytes(PathOf("tiny.safetensors"), new byte[3]);
        AssertRejected(PathOf("tiny.safetensors"), "8-byte header length");
        Assert.Throws<IOException>(() => Safetensors.Save(new UnitRnn(), _folder));
    }

    /// <summary>Writes through until <c>failAfter</c> bytes, then throws: a disk that fills up mid-save.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        /// <summary>Bytes that reached the inner stream before the failure.</summary>
        public long Written => _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfter) throw new IOException("simulated: no space left on device");
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
