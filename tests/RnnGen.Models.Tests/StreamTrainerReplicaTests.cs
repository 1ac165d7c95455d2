using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;
using RnnGen.Training;

namespace RnnGen.Models.Tests;

/// <summary>Data-parallel truncated BPTT over replicas: the same as one model with every lane, whatever the thread count.</summary>
public class StreamTrainerReplicaTests
{
    private static int[] Stream(int length, ulong seed, int vocabulary)
    {
        var random = new Xoshiro256StarStar(seed);
        return Enumerable.Range(0, length).Select(_ => random.NextInt(vocabulary)).ToArray();
    }

    private static float[] TrainReplicas(int replicas, int threads, int[] stream, int passes)
    {
        var first = new StreamCharF(7);
        var models = Enumerable.Range(0, replicas).Select(r => r == 0 ? first : (IRnnModel<float>)new StreamCharF(first.SharedParameters)).ToArray();
        using var trainer = new StreamTrainer<float>(models, stride: 5, threads) { ClipNorm = 1f };
        var adam = new Adam<float>(0.01f);
        for (int p = 0; p < passes; p++)
        {
            int windows = trainer.WindowsFor(stream.Length, 5);
            for (int w = 0; w < windows; w++) trainer.TrainWindow(stream, w, adam, shift: 13 * p);
        }
        trainer.Evaluate(stream); // touches no parameters, and must not disturb the next window either
        float[] parameters = models[0].Parameters.ToArray();
        for (int r = 1; r < replicas; r++) Assert.Equal(parameters, models[r].Parameters.ToArray());
        return parameters;
    }

    [Fact]
    public void Replicas_on_one_or_several_threads_give_bit_identical_parameters()
    {
        int[] stream = Stream(4 * 4 * 40, 11, 7);
        float[] one = TrainReplicas(4, threads: 1, stream, passes: 2);
        float[] two = TrainReplicas(4, threads: 2, stream, passes: 2);
        float[] four = TrainReplicas(4, threads: 4, stream, passes: 2);
        Assert.Equal(one, two);
        Assert.Equal(one, four);
        Assert.NotEqual(new StreamCharF(7).Parameters.ToArray(), one); // it did train
    }

    [Fact]
    public void Two_replicas_equal_one_model_with_all_lanes_in_its_batch()
    {
        int[] stream = Stream(2 * 30, 3, 5);
        var batched = new StreamLm(4);
        var lane0 = new StreamLmLane(1);
        var lanes = new[] { lane0, new StreamLmLane(lane0.SharedParameters) };
        // The first replica's parameters are the ones trained (the other computes with them): start from the batched model's.
        batched.Parameters.CopyTo(lanes[0].Parameters);
        var sgdBatched = new Sgd<double>(0.1, momentum: 0.9);
        var sgdLanes = new Sgd<double>(0.1, momentum: 0.9);
        using var single = new StreamTrainer<double>(batched, stride: 2) { ClipNorm = 0.5 };
        StreamResult expected = single.Train(stream, sgdBatched);
        using var replicas = new StreamTrainer<double>(lanes, stride: 2, threads: 2) { ClipNorm = 0.5 };
        Assert.Equal(2, replicas.Lanes);
        StreamResult actual = replicas.Train(stream, sgdLanes);

        Assert.Equal(expected.Windows, actual.Windows);
        Assert.Equal(expected.Tokens, actual.Tokens);
        Assert.Equal(expected.MeanLoss, actual.MeanLoss, 1e-12);
        double[] a = batched.Parameters.ToArray(), b = lanes[0].Parameters.ToArray();
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-12 * Math.Max(1, Math.Abs(a[i])), $"parameter {i}: {a[i]} vs {b[i]}");
        Assert.Equal(b, lanes[1].Parameters.ToArray());
        Assert.Equal(single.Evaluate(stream).MeanLoss, replicas.Evaluate(stream).MeanLoss, 1e-12);
    }

    [Fact]
    public void A_window_allocates_nothing_on_one_thread_or_two()
    {
        int[] stream = Stream(2 * 4 * 60, 5, 7);
        foreach (int threads in new[] { 1, 2 })
        {
            var first = new StreamCharF(1);
            var models = new IRnnModel<float>[] { first, new StreamCharF(first.SharedParameters) };
            using var trainer = new StreamTrainer<float>(models, stride: 4, threads) { ClipNorm = 1f };
            var adam = new Adam<float>(1e-3f);
            int windows = trainer.WindowsFor(stream.Length, 4), w = 0;
            long bytes = RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() =>
            {
                trainer.TrainWindow(stream, w, adam, shift: 3);
                w = (w + 1) % windows;
            });
            Assert.True(bytes == 0, $"{threads} thread(s): {bytes} bytes per window");
        }
    }

    [Fact]
    public void Replicas_must_be_distinct_instances_of_one_class_over_one_parameter_buffer()
    {
        var m = new StreamCharF();
        Assert.Throws<ArgumentException>(() => new StreamTrainer<float>(new IRnnModel<float>[] { m, m }, 4));
        var own = Assert.Throws<ArgumentException>(() => new StreamTrainer<float>(new IRnnModel<float>[] { m, new StreamCharF() }, 4));
        Assert.Contains("SharedParameters", own.Message);
        Assert.Throws<ArgumentException>(() => new StreamTrainer<double>(new IRnnModel<double>[] { new StreamLm(), new StreamLmLane() }, 4));
        Assert.Throws<ArgumentException>(() => new StreamTrainer<float>(Array.Empty<IRnnModel<float>>(), 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamTrainer<float>(new IRnnModel<float>[] { m }, 4, threads: 0));
    }

    [Fact]
    public void A_diverging_replica_throws_before_any_update_and_keeps_every_replica_in_step()
    {
        var first = new StreamCharF(1);
        var models = new IRnnModel<float>[] { first, new StreamCharF(first.SharedParameters) };
        using var trainer = new StreamTrainer<float>(models, stride: 4, threads: 2);
        Span<float> bias = models[0].Parameter("head.bias");
        bias[0] = float.MaxValue;
        bias[1] = -float.MaxValue;
        float[] before = models[0].Parameters.ToArray();
        int[] stream = Stream(2 * 4 * 60, 5, 7);
        Assert.Throws<TrainingDivergedException>(() => trainer.TrainWindow(stream, 0, new Sgd<float>(0.1f)));
        Assert.Equal(before, models[0].Parameters.ToArray());
    }
}
