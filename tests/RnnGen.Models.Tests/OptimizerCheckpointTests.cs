using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Optimizer checkpoints: a run stopped after N steps and resumed from the model's and the optimizer's checkpoints
/// continues bit for bit as if it had never stopped, for every optimizer; bad files change nothing.
/// </summary>
public sealed class OptimizerCheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-optimizer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>The optimizers under test, each with the settings that give it every state array it can have.</summary>
    public static TheoryData<string> Kinds => new() { "sgd", "sgd-momentum", "adam", "adamw-schedule", "adagrad", "rmsprop-centered-momentum" };

    private static Optimizer<float> Create(string kind) => kind switch
    {
        "sgd" => new Sgd<float>(0.05f),
        "sgd-momentum" => new Sgd<float>(0.05f, momentum: 0.9f, nesterov: true),
        "adam" => new Adam<float>(3e-3f),
        // The schedule reads the step count: a resumed run that lost it would restart the warm-up.
        "adamw-schedule" => new AdamW<float>(3e-3f) { Schedule = LearningRateSchedule.WarmupCosine(3e-3, 1e-4, totalSteps: 40, warmupSteps: 5) },
        "adagrad" => new Adagrad<float>(0.05f, learningRateDecay: 0.01, initialAccumulator: 0.1),
        "rmsprop-centered-momentum" => new RmsProp<float>(1e-3f, momentum: 0.5, centered: true),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    private static void Train(EmbeddingLstmLm model, Optimizer<float> optimizer, ModelDriver<float> data, int steps)
    {
        for (int i = 0; i < steps; i++) model.TrainStep(data.Tokens, data.ClassTargets, optimizer, 1f);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_resumed_run_continues_bit_for_bit(string kind)
    {
        var data = new ModelDriver<float>(new EmbeddingLstmLm(1), 11);
        using var uninterrupted = new EmbeddingLstmLm(1);
        Optimizer<float> optimizer = Create(kind);
        Train(uninterrupted, optimizer, data, 6);
        Safetensors.Save(uninterrupted, PathOf("model.safetensors"));
        Safetensors.SaveOptimizer(optimizer, uninterrupted, PathOf("optimizer.safetensors"));
        Train(uninterrupted, optimizer, data, 6);

        using var resumed = new EmbeddingLstmLm(2);
        Optimizer<float> fresh = Create(kind);
        Safetensors.Load(resumed, PathOf("model.safetensors"));
        Safetensors.LoadOptimizer(fresh, resumed, PathOf("optimizer.safetensors"));
        Assert.Equal(6, fresh.StepCount);
        Train(resumed, fresh, data, 6);

        Assert.Equal(uninterrupted.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(optimizer.StepCount, fresh.StepCount);
        Assert.Equal(optimizer.LearningRate, fresh.LearningRate);
    }

    [Fact]
    public void Without_the_optimizer_checkpoint_the_resumed_run_differs()
    {
        // The control for the test above: Adam's moments and step count matter, so reloading only the model is not a resume.
        var data = new ModelDriver<float>(new EmbeddingLstmLm(1), 11);
        using var uninterrupted = new EmbeddingLstmLm(1);
        var adam = new Adam<float>(3e-3f);
        Train(uninterrupted, adam, data, 6);
        Safetensors.Save(uninterrupted, PathOf("model.safetensors"));
        Train(uninterrupted, adam, data, 6);

        using var restarted = new EmbeddingLstmLm(2);
        Safetensors.Load(restarted, PathOf("model.safetensors"));
        Train(restarted, new Adam<float>(3e-3f), data, 6);
        Assert.NotEqual(uninterrupted.Parameters.ToArray(), restarted.Parameters.ToArray());
    }

    [Fact]
    public void The_file_holds_each_state_array_split_into_the_models_tensors()
    {
        var data = new ModelDriver<float>(new EmbeddingLstmLm(1), 11);
        using var model = new EmbeddingLstmLm(1);
        var adam = new AdamW<float>(3e-3f);
        Train(model, adam, data, 3);
        string path = PathOf("optimizer.safetensors");
        Safetensors.SaveOptimizer(adam, model, path);

        SafetensorsHeader header = Safetensors.ReadHeader(path);
        Assert.Equal("AdamW", header.Metadata[Safetensors.OptimizerKey]);
        Assert.Equal("3", header.Metadata[Safetensors.OptimizerStepKey]);
        Assert.True(header.Metadata.ContainsKey(Safetensors.DigestKey));
        string[] expected = ["exp_avg", "exp_avg_sq"];
        Assert.Equal(expected.SelectMany(s => EmbeddingLstmLm.Tensors.Select(t => $"{s}.{t.Name}")).Order(), header.Entries.Select(e => e.Name).Order());
        foreach (TensorInfo t in EmbeddingLstmLm.Tensors)
            Assert.Equal(t.Shape.Select(d => (long)d), header.Entries.Single(e => e.Name == "exp_avg_sq." + t.Name).Shape);
    }

    [Fact]
    public void An_optimizer_saved_before_its_first_step_loads_as_new()
    {
        using var model = new EmbeddingLstmLm(1);
        string path = PathOf("unused.safetensors");
        Safetensors.SaveOptimizer(new Adam<float>(1e-3f), model, path);
        var used = new Adam<float>(5e-3f);
        Train(model, used, new ModelDriver<float>(model, 3), 2);
        Safetensors.LoadOptimizer(used, model, path);
        Assert.Equal(0, used.StepCount);
        Assert.Equal(0, used.StateBytes);
        Assert.Equal(1e-3f, used.LearningRate);
    }

    [Fact]
    public void Saving_state_made_for_another_model_is_refused()
    {
        using var small = new SmallMixedFloat(1);
        var adam = new Adam<float>(1e-3f);
        small.TrainStep(new ModelDriver<float>(small, 1).Inputs, new ModelDriver<float>(small, 1).ClassTargets, adam);
        using var other = new EmbeddingLstmLm(1);
        var ex = Assert.Throws<ArgumentException>(() => Safetensors.SaveOptimizer(adam, other, PathOf("x.safetensors")));
        Assert.Contains("another model", ex.Message);
        Assert.False(File.Exists(PathOf("x.safetensors")));
    }

    /// <summary>Each bad file: a <see cref="CheckpointException"/> whose message has <paramref name="says"/>, and an optimizer
    /// that then continues exactly as an untouched twin does.</summary>
    private void AssertRejected(string path, Func<Optimizer<float>> create, string says)
    {
        var data = new ModelDriver<float>(new EmbeddingLstmLm(1), 11);
        using var a = new EmbeddingLstmLm(4);
        using var b = new EmbeddingLstmLm(4);
        Optimizer<float> target = create(), twin = create();
        Train(a, target, data, 2);
        Train(b, twin, data, 2);
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.LoadOptimizer(target, a, path));
        Assert.Contains(says, ex.Message);
        Assert.Equal(twin.StepCount, target.StepCount);
        Train(a, target, data, 2);
        Train(b, twin, data, 2);
        Assert.Equal(b.Parameters.ToArray(), a.Parameters.ToArray());
    }

    private string SavedState(string name, Func<Optimizer<float>>? create = null)
    {
        using var model = new EmbeddingLstmLm(1);
        Optimizer<float> optimizer = create?.Invoke() ?? new Adam<float>(3e-3f);
        Train(model, optimizer, new ModelDriver<float>(model, 11), 3);
        string path = PathOf(name);
        Safetensors.SaveOptimizer(optimizer, model, path);
        return path;
    }

    [Fact]
    public void Another_optimizers_state_is_rejected() =>
        AssertRejected(SavedState("adam.safetensors"), () => new Sgd<float>(0.05f, momentum: 0.9f), "holds the state of Adam, not of Sgd");

    [Fact]
    public void Other_settings_of_the_same_optimizer_are_rejected() =>
        // Saved without momentum (no momentum_buffer), loaded into SGD with momentum: the state it needs is missing.
        AssertRejected(SavedState("sgd.safetensors", () => new Sgd<float>(0.05f)), () => new Sgd<float>(0.05f, momentum: 0.9f), "is missing");

    [Fact]
    public void A_model_checkpoint_is_not_an_optimizer_checkpoint()
    {
        string path = PathOf("model.safetensors");
        Safetensors.Save(new EmbeddingLstmLm(1), path);
        AssertRejected(path, () => new Adam<float>(3e-3f), "is not an optimizer checkpoint");
    }

    [Fact]
    public void State_for_a_model_of_other_shapes_is_rejected()
    {
        using var small = new SmallMixedFloat(1);
        var adam = new Adam<float>(1e-3f);
        var d = new ModelDriver<float>(small, 1);
        small.TrainStep(d.Inputs, d.ClassTargets, adam);
        string path = PathOf("small.safetensors");
        Safetensors.SaveOptimizer(adam, small, path);
        AssertRejected(path, () => new Adam<float>(3e-3f), "is missing");
    }

    [Fact]
    public void Truncated_and_corrupted_files_are_rejected()
    {
        string path = SavedState("good.safetensors");
        byte[] bytes = File.ReadAllBytes(path);
        string truncated = PathOf("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length - 5)]);
        AssertRejected(truncated, () => new Adam<float>(3e-3f), "reach past");

        byte[] flipped = (byte[])bytes.Clone();
        flipped[^3] ^= 0x40;
        string corrupted = PathOf("corrupted.safetensors");
        File.WriteAllBytes(corrupted, flipped);
        AssertRejected(corrupted, () => new Adam<float>(3e-3f), Safetensors.DigestKey);
    }
}
