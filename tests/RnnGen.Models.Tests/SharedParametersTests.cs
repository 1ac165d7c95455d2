using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

// Three declarations of one network: two buckets of lengths for training and batch 1 for serving.
[RnnModel(Steps = 8, Batch = 4, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 4)]
[Lstm(6)]
[SoftmaxOutput(3)]
public partial class ShortBucket { }

[RnnModel(Steps = 16, Batch = 4, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 4)]
[Lstm(6)]
[SoftmaxOutput(3)]
public partial class LongBucket { }

[RnnModel(Steps = 16, Batch = 1, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 4)]
[Lstm(6)]
[SoftmaxOutput(3)]
public partial class ServeOne { }

/// <summary>The same sizes with another cell: a different network.</summary>
[RnnModel(Steps = 8, Batch = 4, Topology = Topology.ManyToOne)]
[TokenInput(7, Embedding = 4)]
[Gru(6)]
[SoftmaxOutput(3)]
public partial class OtherCell { }

/// <summary>Models over one set of parameters: each its own activations and gradients, one optimizer for all.</summary>
public class SharedParametersTests
{
    [Fact]
    public void Models_of_one_network_compute_with_the_same_parameters()
    {
        var shortBucket = new ShortBucket(seed: 3);
        var longBucket = new LongBucket(shortBucket.SharedParameters);
        var serve = new ServeOne(longBucket.SharedParameters);
        Assert.Equal(shortBucket.Parameters.ToArray(), longBucket.Parameters.ToArray());
        // One buffer, not copies: a write through one model is seen by the others.
        shortBucket.Parameters[5] = 0.125f;
        Assert.Equal(0.125f, serve.Parameters[5]);

        // Training alternates between the buckets with one optimizer; the serving model sees every update.
        var adam = new Adam<float>(1e-2f);
        var random = new Xoshiro256StarStar(4);
        var shortTokens = new int[8 * 4];
        var longTokens = new int[16 * 4];
        for (int i = 0; i < shortTokens.Length; i++) shortTokens[i] = random.NextInt(7);
        for (int i = 0; i < longTokens.Length; i++) longTokens[i] = random.NextInt(7);
        int[] targets = { 0, 1, 2, 1 };
        float[] before = serve.Parameters.ToArray();
        float first = shortBucket.TrainStep(shortTokens, targets, new[] { 8, 3, 5, 1 }, adam);
        longBucket.TrainStep(longTokens, targets, new[] { 16, 9, 12, 0 }, adam);
        Assert.NotEqual(before, serve.Parameters.ToArray());
        for (int i = 0; i < 30; i++)
        {
            shortBucket.TrainStep(shortTokens, targets, new[] { 8, 3, 5, 1 }, adam);
            longBucket.TrainStep(longTokens, targets, new[] { 16, 9, 12, 0 }, adam);
        }
        Assert.True(shortBucket.Loss(targets) < first / 2, "training through two buckets with one optimizer did not learn");

        // Each keeps its own gradients and activations: serving a lane gives what the long bucket gives for it.
        longBucket.Forward(longTokens, new[] { 16, 9, 12, 0 });
        var one = new int[16];
        for (int t = 0; t < 16; t++) one[t] = longTokens[t * 4 + 1];
        serve.Forward(one, new[] { 9 });
        for (int j = 0; j < 3; j++) Assert.Equal(longBucket.Output[1 * 3 + j], serve.Output[j], 1e-6f);
        Assert.All(serve.Gradients.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void A_checkpoint_loaded_into_one_model_is_every_sharing_model_s()
    {
        var a = new ShortBucket(seed: 1);
        var b = new LongBucket(a.SharedParameters);
        var source = new ServeOne(seed: 9);
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-shared-{Guid.NewGuid():N}.safetensors");
        try
        {
            Safetensors.Save(source, path);
            Safetensors.Load(b, path);
            Assert.Equal(source.Parameters.ToArray(), a.Parameters.ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Another_network_cannot_share()
    {
        var a = new ShortBucket(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => new OtherCell(a.SharedParameters));
        Assert.Equal("parameters", e.ParamName);
        Assert.Contains("LSTM(6)", e.Message);
        Assert.Contains("GRU(6)", e.Message);
        Assert.Throws<ArgumentNullException>(() => new LongBucket((SharedParameters<float>)null!));
    }
}

/// <summary>The batcher, the buckets and the shared parameters together: the way variable-length data is trained.</summary>
public class BucketTrainingTests
{
    [Fact]
    public void Buckets_over_shared_parameters_learn_from_batches_of_the_batcher()
    {
        // Sequences of 1–16 tokens; the class is the first token mod 3, which a many-to-one model must carry to the end.
        var random = new Xoshiro256StarStar(8);
        var inputs = new List<int[]>();
        var targets = new List<int[]>();
        for (int i = 0; i < 96; i++)
        {
            var sequence = new int[1 + random.NextInt(16)];
            for (int t = 0; t < sequence.Length; t++) sequence[t] = random.NextInt(7);
            inputs.Add(sequence);
            targets.Add(new[] { sequence[0] % 3 });
        }
        var shortBucket = new ShortBucket(seed: 2);
        var longBucket = new LongBucket(shortBucket.SharedParameters);
        IVariableLengthModel<float, int, int>[] models = { shortBucket, longBucket };
        var batcher = new RnnGen.Training.SequenceBatcher<int, int>(inputs, targets, inputSize: 1, targetSize: 1, Topology.ManyToOne,
            bucketSteps: new[] { 8, 16 }, batch: 4, seed: 3);
        var adam = new Adam<float>(2e-2f);
        float firstEpoch = 0, lastEpoch = 0;
        for (int epoch = 0; epoch < 25; epoch++)
        {
            float sum = 0;
            foreach (var batch in batcher.NextEpoch())
            {
                Assert.Equal(batch.Steps, models[batch.Bucket].Steps);
                sum += models[batch.Bucket].TrainStep(batch.Inputs, batch.Targets, batch.Lengths, adam, 5f);
            }
            if (epoch == 0) firstEpoch = sum;
            lastEpoch = sum;
        }
        Assert.True(lastEpoch < firstEpoch / 3, $"loss per epoch went from {firstEpoch} to {lastEpoch}");
    }
}
