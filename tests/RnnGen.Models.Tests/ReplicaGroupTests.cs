using System.Numerics;
using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;
using RnnGen.Training;

namespace RnnGen.Models.Tests;

/// <summary>
/// Data-parallel replicas over one parameter buffer (<see cref="ReplicaGroup{TModel, T}"/>): N replicas of B/N lanes
/// step as one model of B lanes, bit for bit whatever the thread count, without allocating, and fail cleanly.
/// </summary>
public class ReplicaGroupTests
{
    private const int Steps = 5, Lanes = 6, Replicas = 3, LanesPerReplica = 2, Vocabulary = 7;

    /// <summary>Forward, loss and backward of replica r on its own slice of the step's tokens.</summary>
    private readonly struct TokenStep<TModel, T>(int[][] inputs, int[][] targets) : IReplicaStep<TModel, T>
        where TModel : ISupervisedModel<T, int, int>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Run(TModel model, int replica)
        {
            model.Forward(inputs[replica]);
            T loss = model.Loss(targets[replica]);
            model.Backward(targets[replica]);
            return loss;
        }
    }

    /// <summary>Time-major [Steps, Lanes] tokens for step <paramref name="step"/>.</summary>
    private static int[] Tokens(int step, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed * 1000 + (ulong)step);
        return Enumerable.Range(0, Steps * Lanes).Select(_ => random.NextInt(Vocabulary)).ToArray();
    }

    /// <summary>Lanes r·2 and r·2 + 1 of <paramref name="whole"/>, time-major [Steps, 2], for each replica r.</summary>
    private static int[][] Slices(int[] whole)
    {
        var slices = new int[Replicas][];
        for (int r = 0; r < Replicas; r++)
        {
            slices[r] = new int[Steps * LanesPerReplica];
            for (int t = 0; t < Steps; t++)
                for (int b = 0; b < LanesPerReplica; b++)
                    slices[r][t * LanesPerReplica + b] = whole[t * Lanes + r * LanesPerReplica + b];
        }
        return slices;
    }

    private static void AssertClose<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, double tolerance, string what)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double a = double.CreateTruncating(expected[i]), b = double.CreateTruncating(actual[i]);
            Assert.True(Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a)), $"{what} {i}: {a} vs {b}");
        }
    }

    /// <summary>
    /// Trains one model of six lanes and three replicas of two lanes from the same parameters on the same tokens with
    /// clipping and momentum, comparing losses, reduced (clipped) gradients and parameters after every step.
    /// </summary>
    private static void Three_replicas_step_as_one_model<TWhole, TLanes, T>(
        TWhole whole, TLanes first, Func<SharedParameters<T>, TLanes> create, T clipNorm, double tolerance)
        where TWhole : ISupervisedModel<T, int, int>
        where TLanes : class, ISupervisedModel<T, int, int>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        whole.Parameters.CopyTo(first.Parameters);
        using var group = new ReplicaGroup<TLanes, T>(first, Replicas, create, threads: 2) { ClipNorm = clipNorm };
        var sgdWhole = new Sgd<T>(T.CreateTruncating(0.2), momentum: T.CreateTruncating(0.9));
        var sgdGroup = new Sgd<T>(T.CreateTruncating(0.2), momentum: T.CreateTruncating(0.9));
        bool clipped = false;
        for (int step = 0; step < 6; step++)
        {
            int[] x = Tokens(step, 1), y = Tokens(step, 2);
            T expected = whole.TrainStep(x, y, sgdWhole, clipNorm);
            double actual = group.TrainStep(new TokenStep<TLanes, T>(Slices(x), Slices(y)), sgdGroup);
            clipped |= group.GradientNorm > clipNorm;
            Assert.True(Math.Abs(double.CreateTruncating(expected) - actual) <= tolerance * Math.Abs(actual), $"step {step}: loss {expected} vs {actual}");
            AssertClose<T>(whole.Gradients, group.Model.Gradients, tolerance, $"step {step}: gradient");
            AssertClose<T>(whole.Parameters, group.Model.Parameters, tolerance, $"step {step}: parameter");
        }
        Assert.True(clipped, "the clip was never active; lower it so the test covers clipping");
        for (int r = 1; r < Replicas; r++) Assert.True(group[r].Parameters == group.Model.Parameters, "replicas share one buffer");
    }

    [Fact]
    public void Three_replicas_of_two_lanes_step_as_one_model_of_six_lanes_in_double()
    {
        using var whole = new ReplicaWholeD(5);
        using var first = new ReplicaLanesD(77);
        Three_replicas_step_as_one_model(whole, first, p => new ReplicaLanesD(p), clipNorm: 0.5, tolerance: 1e-12);
    }

    [Fact]
    public void Three_replicas_of_two_lanes_step_as_one_model_of_six_lanes_in_float()
    {
        using var whole = new ReplicaWholeF(5);
        using var first = new ReplicaLanesF(77);
        Three_replicas_step_as_one_model(whole, first, p => new ReplicaLanesF(p), clipNorm: 0.5f, tolerance: 2e-5);
    }

    /// <summary>Eight steps of three dropout replicas with Adam and clipping; the first replica's parameters after them.</summary>
    private static float[] TrainDropoutReplicas(int threads)
    {
        using var first = new ReplicaDropoutF(11);
        using var group = new ReplicaGroup<ReplicaDropoutF, float>(first, Replicas, p => new ReplicaDropoutF(p), threads) { ClipNorm = 0.3f };
        Assert.Equal(Math.Min(threads, Replicas), group.Threads);
        var adam = new Adam<float>(0.01f);
        for (int step = 0; step < 8; step++)
            group.TrainStep(new TokenStep<ReplicaDropoutF, float>(Slices(Tokens(step, 3)), Slices(Tokens(step, 4))), adam);
        return first.Parameters.ToArray();
    }

    /// <summary>The same in double precision (where a norm summed in another order would show in the clipped update).</summary>
    private static double[] TrainDoubleReplicas(int threads)
    {
        using var first = new ReplicaLanesD(11);
        using var group = new ReplicaGroup<ReplicaLanesD, double>(first, Replicas, p => new ReplicaLanesD(p), threads) { ClipNorm = 0.3 };
        var adam = new Adam<double>(0.01);
        bool clipped = false;
        for (int step = 0; step < 8; step++)
        {
            group.TrainStep(new TokenStep<ReplicaLanesD, double>(Slices(Tokens(step, 3)), Slices(Tokens(step, 4))), adam);
            clipped |= group.GradientNorm > 0.3;
        }
        Assert.True(clipped, "the clip was never active");
        return first.Parameters.ToArray();
    }

    [Fact]
    public void One_two_and_three_threads_give_bit_identical_parameters_run_after_run()
    {
        float[] one = TrainDropoutReplicas(1);
        Assert.Equal(one, TrainDropoutReplicas(2));
        Assert.Equal(one, TrainDropoutReplicas(3));
        Assert.Equal(one, TrainDropoutReplicas(2));
        Assert.Equal(one, TrainDropoutReplicas(8)); // more threads than replicas: one per replica
        Assert.NotEqual(new ReplicaDropoutF(11).Parameters.ToArray(), one); // it did train

        double[] oneD = TrainDoubleReplicas(1);
        Assert.Equal(oneD, TrainDoubleReplicas(2));
        Assert.Equal(oneD, TrainDoubleReplicas(3));
        Assert.Equal(oneD, TrainDoubleReplicas(2));
    }

    [Fact]
    public void Replicas_draw_different_dropout_masks_from_the_first_replicas_seed()
    {
        using var first = new ReplicaDropoutF(11);
        using var group = new ReplicaGroup<ReplicaDropoutF, float>(first, Replicas, p => new ReplicaDropoutF(p), threads: 1);
        ulong a = group[1].DropoutRandom.NextUInt64(), b = group[2].DropoutRandom.NextUInt64();
        Assert.NotEqual(a, b);
        Assert.NotEqual(first.DropoutRandom.NextUInt64(), a);
        using var again = new ReplicaDropoutF(11);
        using var group2 = new ReplicaGroup<ReplicaDropoutF, float>(again, Replicas, p => new ReplicaDropoutF(p), threads: 1);
        Assert.Equal(a, group2[1].DropoutRandom.NextUInt64());
    }

    [Fact]
    public void A_step_allocates_nothing_on_one_thread_or_two()
    {
        int[][] x = Slices(Tokens(0, 5)), y = Slices(Tokens(0, 6));
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var first = new ReplicaDropoutF(1);
            using var group = new ReplicaGroup<ReplicaDropoutF, float>(first, Replicas, p => new ReplicaDropoutF(p), threads) { ClipNorm = 0.5f };
            var adam = new Adam<float>(1e-3f);
            var step = new TokenStep<ReplicaDropoutF, float>(x, y);
            long bytes = RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => group.TrainStep(step, adam));
            Assert.True(bytes == 0, $"{threads} thread(s), struct step: {bytes} bytes per step");

            Func<ReplicaDropoutF, int, float> run = step.Run;
            bytes = RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => group.TrainStep(run, adam));
            Assert.True(bytes == 0, $"{threads} thread(s), delegate step: {bytes} bytes per step");
        }
    }

    [Theory]
    [InlineData(1, 2)] // a worker thread's replica
    [InlineData(0, 2)] // the caller's
    [InlineData(2, 1)]
    public void A_failing_replica_surfaces_on_the_caller_by_number_and_nothing_is_updated(int bad, int threads)
    {
        using var first = new ReplicaLanesF(3);
        using var group = new ReplicaGroup<ReplicaLanesF, float>(first, Replicas, p => new ReplicaLanesF(p), threads);
        var adam = new Adam<float>(0.01f);
        int[][] x = Slices(Tokens(0, 7)), y = Slices(Tokens(0, 8));
        group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), adam);
        float[] before = first.Parameters.ToArray();

        int saved = x[bad][3];
        x[bad][3] = Vocabulary + 5; // not a token id
        var failure = Assert.Throws<ReplicaFailedException>(() => group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), adam));
        Assert.Equal(bad, failure.Replica);
        Assert.Contains($"Replica {bad}", failure.Message);
        Assert.IsAssignableFrom<ArgumentException>(failure.InnerException);
        Assert.Equal(before, first.Parameters.ToArray());

        // The group is still usable: the next step trains.
        x[bad][3] = saved;
        group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), adam);
        Assert.NotEqual(before, first.Parameters.ToArray());
    }

    [Fact]
    public void A_diverging_step_throws_before_the_update()
    {
        using var first = new ReplicaLanesF(3);
        using var group = new ReplicaGroup<ReplicaLanesF, float>(first, Replicas, p => new ReplicaLanesF(p), threads: 2);
        Span<float> bias = first.Parameter("head.bias");
        bias[0] = float.MaxValue;
        bias[1] = -float.MaxValue;
        float[] before = first.Parameters.ToArray();
        int[][] x = Slices(Tokens(0, 7)), y = Slices(Tokens(0, 8));
        Assert.Throws<TrainingDivergedException>(() => group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), new Sgd<float>(0.1f)));
        Assert.Equal(before, first.Parameters.ToArray());
    }

    [Fact]
    public void Sum_reduction_adds_what_Mean_averages()
    {
        int[][] x = Slices(Tokens(0, 9)), y = Slices(Tokens(0, 10));
        (double Loss, double[] Gradient) StepWith(ReplicaReduction reduction)
        {
            using var first = new ReplicaLanesD(4);
            using var group = new ReplicaGroup<ReplicaLanesD, double>(first, Replicas, p => new ReplicaLanesD(p), threads: 2) { Reduction = reduction };
            double loss = group.TrainStep(new TokenStep<ReplicaLanesD, double>(x, y), new Sgd<double>(0.1));
            return (loss, first.Gradients.ToArray());
        }
        (double meanLoss, double[] mean) = StepWith(ReplicaReduction.Mean);
        (double sumLoss, double[] sum) = StepWith(ReplicaReduction.Sum);
        Assert.Equal(3 * meanLoss, sumLoss, 1e-12);
        Assert.Contains(sum, g => g != 0);
        // Mean is the same sum times 1/3, element by element.
        Assert.Equal(mean, sum.Select(g => g * (1.0 / 3)).ToArray());
    }

    [Fact]
    public void Dispose_stops_the_group_and_disposes_the_replicas_it_created_only()
    {
        using var first = new ReplicaLanesF(3);
        var group = new ReplicaGroup<ReplicaLanesF, float>(first, Replicas, p => new ReplicaLanesF(p), threads: 3);
        int[][] x = Slices(Tokens(0, 7)), y = Slices(Tokens(0, 8));
        group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), new Sgd<float>(0.1f));
        ReplicaLanesF created = group[1];
        group.Dispose();
        group.Dispose(); // twice is fine
        Assert.Throws<ObjectDisposedException>(() => group.TrainStep(new TokenStep<ReplicaLanesF, float>(x, y), new Sgd<float>(0.1f)));
        Assert.Throws<ObjectDisposedException>(() => created.Forward(x[1]));
        first.Forward(x[0]); // the caller's model still works
    }

    [Fact]
    public void Replicas_of_other_classes_or_with_their_own_parameters_are_refused()
    {
        using var a = new ReplicaLanesF(1);
        using var own = new ReplicaLanesF(2);
        using var dropout = new ReplicaDropoutF(a.SharedParameters); // the same network over a's parameters, another class
        using var whole = new ReplicaWholeF(a.SharedParameters);

        var e = Assert.Throws<ArgumentException>(() => new ReplicaGroup<ReplicaLanesF, float>([a, own], 1));
        Assert.Contains("SharedParameters", e.Message);
        Assert.Equal("replicas", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => new ReplicaGroup<IRnnModel<float>, float>([a, dropout], 1));
        Assert.Contains("ReplicaDropoutF", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ReplicaGroup<IRnnModel<float>, float>([a, whole], 1));
        Assert.Contains("ReplicaWholeF", e.Message);
        e = Assert.Throws<ArgumentException>(() => new ReplicaGroup<ReplicaLanesF, float>([a, a], 1));
        Assert.Contains("same instance", e.Message);
        Assert.Throws<ArgumentException>(() => new ReplicaGroup<ReplicaLanesF, float>(Array.Empty<ReplicaLanesF>(), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaGroup<ReplicaLanesF, float>([a], threads: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplicaGroup<ReplicaLanesF, float>(a, 0, p => new ReplicaLanesF(p), 1));

        // A factory that ignores the parameters it is given, or creates another class.
        e = Assert.Throws<ArgumentException>(() => new ReplicaGroup<ReplicaLanesF, float>(a, 2, _ => new ReplicaLanesF(9), 1));
        Assert.Contains("SharedParameters", e.Message);
        Assert.Equal("create", e.ParamName);
        Assert.Throws<ArgumentException>(() => new ReplicaGroup<IRnnModel<float>, float>(a, 2, p => new ReplicaWholeF(p), 1));

        // Well formed: replicas passed in, sharing a's buffer.
        using var b = new ReplicaLanesF(a.SharedParameters);
        using var group = new ReplicaGroup<ReplicaLanesF, float>([a, b], threads: 2);
        Assert.Equal(2, group.Count);
        Assert.Same(b, group[1]);
    }
}
