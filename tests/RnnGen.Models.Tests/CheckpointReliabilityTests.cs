using System.Buffers.Binary;
using System.Text;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;

namespace RnnGen.Models.Tests;

/// <summary>Checkpoints that must not be written, files that must not load, and what a save leaves behind.</summary>
public sealed class CheckpointReliabilityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-reliability-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void Save_refuses_non_finite_parameters_names_the_tensor_and_leaves_the_file()
    {
        var m = new EmbeddingLstmLm(3);
        string path = PathOf("m.safetensors");
        Safetensors.Save(m, path);
        byte[] before = File.ReadAllBytes(path);
        TensorInfo head = EmbeddingLstmLm.Tensors.Single(t => t.Name == "head.bias");
        m.Parameters[head.Offset + 1] = float.NaN;
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Save(m, path));
        Assert.Equal("head.bias", ex.TensorName);
        Assert.Contains("not finite", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "m.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));

        m.Parameters[head.Offset + 1] = float.PositiveInfinity;
        Assert.Throws<CheckpointException>(() => Safetensors.Save(m, PathOf("new.safetensors")));
        Assert.False(File.Exists(PathOf("new.safetensors")));
    }

    [Fact]
    public void One_changed_byte_of_the_metadata_is_detected()
    {
        var m = new EmbeddingLstmLm(3);
        string path = PathOf("meta.safetensors");
        Safetensors.Save(m, path, new Dictionary<string, string> { ["alphabet"] = "abcdefgh" });
        byte[] bytes = File.ReadAllBytes(path);
        int at = Encoding.UTF8.GetString(bytes).IndexOf("abcdefgh", StringComparison.Ordinal);
        Assert.True(at > 0);
        bytes[at + 3] = (byte)'x'; // "abcxefgh": same length, still valid JSON
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.ReadHeader(path));
        Assert.Contains("header", ex.Message);
        var target = new EmbeddingLstmLm(4);
        float[] before = target.Parameters.ToArray();
        Assert.Throws<CheckpointException>(() => Safetensors.Load(target, path));
        Assert.Equal(before, target.Parameters.ToArray());
    }

    [Fact]
    public void A_changed_tensor_entry_is_detected_too()
    {
        // Swapping two tensors' offsets keeps a valid layout; only the header digest can tell.
        var m = new UnitRnn(1);
        string path = PathOf("swap.safetensors");
        Safetensors.Save(m, path);
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        string swapped = text.Replace("\"data_offsets\":[0,8]", "\"data_offsets\":[@,@]").Replace("\"data_offsets\":[8,16]", "\"data_offsets\":[0,8]").Replace("\"data_offsets\":[@,@]", "\"data_offsets\":[8,16]");
        Assert.NotEqual(text, swapped);
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(swapped));
        Assert.Contains("header", Assert.Throws<CheckpointException>(() => Safetensors.Load(new UnitRnn(2), path)).Message);
    }

    private string Handmade(string name, string headerJson, int dataBytes)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(PathOf(name), bytes);
        return PathOf(name);
    }

    [Fact]
    public void Duplicate_keys_are_rejected_anywhere_in_the_header()
    {
        string entry = "\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        string inMetadata = Handmade("dup-meta.safetensors", "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}," + entry + "}", 4);
        Assert.Contains("appears twice", Assert.Throws<CheckpointException>(() => Safetensors.ReadHeader(inMetadata)).Message);
        string inEntry = Handmade("dup-entry.safetensors", "{\"t\":{\"dtype\":\"F64\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        Assert.Contains("appears twice", Assert.Throws<CheckpointException>(() => Safetensors.ReadHeader(inEntry)).Message);
        string topLevel = Handmade("dup-top.safetensors", "{\"__metadata__\":{},\"__metadata__\":{\"a\":\"1\"}," + entry + "}", 4);
        Assert.Contains("appears twice", Assert.Throws<CheckpointException>(() => Safetensors.ReadHeader(topLevel)).Message);
    }

    [Fact]
    public void A_shape_too_large_to_count_says_so()
    {
        string path = Handmade("huge.safetensors", "{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,4]}}", 4);
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.ReadHeader(path));
        Assert.Contains("too large", ex.Message);
        Assert.DoesNotContain("needs 0", ex.Message);
    }

    [Fact]
    public void A_checkpoint_of_another_head_kind_or_topology_is_refused_unless_allowed()
    {
        var softmax = new HeadSoftmax(1);
        string path = PathOf("softmax.safetensors");
        Safetensors.Save(softmax, path);

        var sigmoid = new HeadSigmoid(2);
        float[] before = sigmoid.Parameters.ToArray();
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Load(sigmoid, path));
        Assert.Contains("softmax head", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("sigmoid", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, sigmoid.Parameters.ToArray());
        var manyToOne = new HeadSoftmaxManyToOne(2);
        Assert.Contains("ManyToMany", Assert.Throws<CheckpointException>(() => Safetensors.Load(manyToOne, path)).Message);

        // The same network with other steps or batch loads; an explicit opt-out loads the others.
        var stepper = new HeadSoftmaxStepper(3);
        Safetensors.Load(stepper, path);
        Assert.Equal(softmax.Parameters.ToArray(), stepper.Parameters.ToArray());
        Safetensors.Load(sigmoid, path, new SafetensorsLoadOptions { IgnoreArchitecture = true });
        Assert.Equal(softmax.Parameters.ToArray(), sigmoid.Parameters.ToArray());
    }

    [Fact]
    public void A_save_removes_temporary_files_a_killed_save_of_the_same_target_left()
    {
        string path = PathOf("m.safetensors");
        File.WriteAllText(PathOf(".m.safetensors.0123456789abcdef0123456789abcdef.tmp"), "half a checkpoint");
        File.WriteAllText(PathOf(".other.safetensors.0123456789abcdef0123456789abcdef.tmp"), "another target's");
        File.WriteAllText(PathOf(".m.safetensors.notes"), "not a temporary file");
        Safetensors.Save(new UnitRnn(1), path);
        string[] left = Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(new[] { ".m.safetensors.notes", ".other.safetensors.0123456789abcdef0123456789abcdef.tmp", "m.safetensors" }, left);
    }

    [Fact]
    public void A_staged_save_replaces_nothing_until_committed_and_leaves_nothing_when_dropped()
    {
        string path = PathOf("staged.safetensors");
        Safetensors.Save(new UnitRnn(1), path);
        byte[] before = File.ReadAllBytes(path);
        using (PendingFile dropped = Safetensors.Stage(new UnitRnn(2), path))
        {
            Assert.True(File.Exists(dropped.TemporaryPath));
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        Assert.Equal(new[] { "staged.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
        Assert.Equal(before, File.ReadAllBytes(path));

        using (PendingFile kept = Safetensors.Stage(new UnitRnn(2), path))
        {
            kept.Commit();
            Assert.True(kept.Committed);
        }
        var loaded = new UnitRnn(3);
        Safetensors.Load(loaded, path);
        Assert.Equal(new UnitRnn(2).Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.Equal(new[] { "staged.safetensors" }, Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void An_optimizer_save_refuses_non_finite_state()
    {
        var model = new UnitRnn(1);
        var adam = new Adam<double>(0.1);
        model.Gradients.Fill(1);
        adam.Step(model.Parameters, model.Gradients);
        model.Gradients[0] = double.NaN;
        adam.Step(model.Parameters, model.Gradients); // the moments take the NaN
        string path = PathOf("adam.safetensors");
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.SaveOptimizer(adam, model, path));
        Assert.Contains("not finite", ex.Message);
        Assert.StartsWith("exp_avg", ex.TensorName);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_folder));
    }
}
