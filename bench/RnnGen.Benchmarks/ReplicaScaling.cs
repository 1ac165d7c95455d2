using System.Diagnostics;
using RnnGen.Randomness;
using RnnGen.Training;

namespace RnnGen.Benchmarks;

// The peer layer at 8 lanes: two replicas of it read the 16 lanes of Lstm_I65_H128_T32_B16.
[RnnModel(Steps = 32, Batch = 8)]
[VectorInput(65)]
[Lstm(128)]
[SoftmaxOutput(65)]
public partial class Lstm_I65_H128_T32_B8 { }

// The Sample's default character model (Sample/Models/CharShapes.cs, MediumCharModel), declared again here.
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(128)]
[Lstm(256, Dropout = 0.25, RecurrentDropout = 0.15)]
[SoftmaxOutput(128)]
public partial class SampleMediumChar { }

/// <summary>
/// <c>replicas [--rounds N] [--budget ms]</c>: train-step throughput of data-parallel replicas (ReplicaGroup) against one
/// model, on the B = 16 LSTM 65,128,32 peer workload (clip to norm 5, SGD lr 0.01, as the peer's "train"), and the
/// Sample's training step (StreamTrainer, 2 replicas × 16 lanes of its default model, AdamW, clip 1) on one thread
/// and on two. The variants alternate in rounds; each round times a median step per variant, and the report is the
/// median over rounds.
/// </summary>
public static class ReplicaScaling
{
    private readonly struct VectorStep<TModel>(float[][] inputs, int[][] targets) : IReplicaStep<TModel, float>
        where TModel : ISupervisedModel<float, float, int>
    {
        public float Run(TModel model, int replica)
        {
            model.Forward(inputs[replica]);
            float loss = model.Loss(targets[replica]);
            model.Backward(targets[replica]);
            return loss;
        }
    }

    private sealed record Variant(string Name, int Lanes, Action Step, IDisposable? Owner = null);

    public static int Run(string[] args)
    {
        int rounds = Option(args, "--rounds", 7);
        double budget = Option(args, "--budget", 300);
        Console.WriteLine($"Replica scaling: {Environment.ProcessorCount} logical cores, {rounds} rounds, ~{budget:0} ms per variant per round.");
        var variants = new List<Variant>();
        try
        {
            variants.Add(Single());
            variants.Add(Group<Lstm_I65_H128_T32_B8>(new Lstm_I65_H128_T32_B8(1), p => new Lstm_I65_H128_T32_B8(p), 1, "2 × B8, 1 thread"));
            variants.Add(Group<Lstm_I65_H128_T32_B8>(new Lstm_I65_H128_T32_B8(1), p => new Lstm_I65_H128_T32_B8(p), 2, "2 × B8, 2 threads"));
            variants.Add(Group<Lstm_I65_H128_T32_B16>(new Lstm_I65_H128_T32_B16(1), p => new Lstm_I65_H128_T32_B16(p), 1, "2 × B16, 1 thread"));
            variants.Add(Group<Lstm_I65_H128_T32_B16>(new Lstm_I65_H128_T32_B16(1), p => new Lstm_I65_H128_T32_B16(p), 2, "2 × B16, 2 threads"));
            variants.Add(GroupForwardBackwardOnly(2, "2 × B8, 2 threads, no update"));
            variants.Add(SampleStep(1));
            variants.Add(SampleStep(2));

            var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
            foreach (Variant v in variants) Timing.MedianMilliseconds(v.Step, 5, warmup: 20); // JIT and tier-up
            for (int round = 0; round < rounds; round++)
            {
                foreach (Variant v in variants)
                    times[v.Name].Add(Timing.MedianMilliseconds(v.Step, Timing.RepsFor(v.Step, budget), warmup: 3));
            }

            double Ms(string name) => Timing.Median(times[name]);
            Console.WriteLine();
            Console.WriteLine($"{"variant",-34} {"ms/step",9} {"lanes",6} {"lanes/ms",9}");
            foreach (Variant v in variants)
                Console.WriteLine($"{v.Name,-34} {Ms(v.Name),9:F3} {v.Lanes,6} {v.Lanes / Ms(v.Name),9:F2}");
            Console.WriteLine();
            double one = Ms("1 × B16 (TrainStep)");
            Console.WriteLine($"2 × B8 on 2 threads vs one B16 model (same 16 lanes):      {one / Ms("2 × B8, 2 threads"):F2}× faster");
            Console.WriteLine($"2 × B8: 2 threads vs 1 thread:                              {Ms("2 × B8, 1 thread") / Ms("2 × B8, 2 threads"):F2}×");
            Console.WriteLine($"2 × B16 on 2 threads vs one B16 model (lanes per second):   {2 * one / Ms("2 × B16, 2 threads"):F2}×");
            Console.WriteLine($"2 × B16: 2 threads vs 1 thread:                             {Ms("2 × B16, 1 thread") / Ms("2 × B16, 2 threads"):F2}×");
            Console.WriteLine($"2 × B8, 2 threads: the update (reduce, clip, SGD) and its sync take {Ms("2 × B8, 2 threads") - Ms("2 × B8, 2 threads, no update"):F3} ms of the step");
            Console.WriteLine($"Sample step (StreamTrainer, 2 × 16 lanes): 2 threads vs 1:  {Ms("Sample: 2 × 16, 1 thread") / Ms("Sample: 2 × 16, 2 threads"):F2}×");
            return 0;
        }
        finally
        {
            foreach (Variant v in variants) v.Owner?.Dispose();
        }
    }

    private static Variant Single()
    {
        Workload w = Workload.Create("lstm-65-128-32-16");
        return new Variant("1 × B16 (TrainStep)", 16, () => w.Train(), w.Model);
    }

    private static (float[][] X, int[][] Y) Data(IRnnModel<float> model, int replicas, ulong seed)
    {
        var random = new Xoshiro256StarStar(seed);
        var x = new float[replicas][];
        var y = new int[replicas][];
        for (int r = 0; r < replicas; r++)
        {
            x[r] = new float[model.Steps * model.Batch * model.InputSize];
            for (int i = 0; i < x[r].Length; i++) x[r][i] = (float)random.NextGaussian();
            y[r] = new int[model.OutputSteps * model.Batch];
            for (int i = 0; i < y[r].Length; i++) y[r][i] = random.NextInt(model.OutputSize);
        }
        return (x, y);
    }

    private static Variant Group<TModel>(TModel first, Func<SharedParameters<float>, TModel> create, int threads, string name)
        where TModel : class, ISupervisedModel<float, float, int>
    {
        var group = new ReplicaGroup<TModel, float>(first, 2, create, threads) { ClipNorm = 5f };
        (float[][] x, int[][] y) = Data(first, 2, 42);
        var step = new VectorStep<TModel>(x, y);
        var sgd = new Sgd<float>(0.01f);
        return new Variant(name, 2 * first.Batch, () => group.TrainStep(step, sgd), new Both(group, first));
    }

    private static Variant GroupForwardBackwardOnly(int threads, string name)
    {
        var first = new Lstm_I65_H128_T32_B8(1);
        var group = new ReplicaGroup<Lstm_I65_H128_T32_B8, float>(first, 2, p => new Lstm_I65_H128_T32_B8(p), threads);
        (float[][] x, int[][] y) = Data(first, 2, 42);
        var step = new VectorStep<Lstm_I65_H128_T32_B8>(x, y);
        return new Variant(name, 16, () => group.Run(step), new Both(group, first));
    }

    private static Variant SampleStep(int threads)
    {
        var first = new SampleMediumChar(1);
        var replicas = new IRnnModel<float>[] { first, new SampleMediumChar(first.SharedParameters) };
        var trainer = new StreamTrainer<float>(replicas, SampleMediumChar.Steps, threads) { ClipNorm = 1f };
        var random = new Xoshiro256StarStar(7);
        int[] stream = new int[200_000];
        for (int i = 0; i < stream.Length; i++) stream[i] = random.NextInt(80); // about the Sample's alphabet
        var adamW = new AdamW<float>(0.006f);
        int windows = trainer.WindowsFor(stream.Length, trainer.Stride), w = 0;
        return new Variant($"Sample: 2 × 16, {threads} thread{(threads > 1 ? "s" : "")}", trainer.Lanes, () =>
        {
            trainer.TrainWindow(stream, w, adamW);
            w = (w + 1) % windows;
        }, new Both(trainer, first, replicas[1]));
    }

    private sealed class Both(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (IDisposable d in items) d.Dispose();
        }
    }

    private static T Option<T>(string[] args, string name, T fallback) where T : IParsable<T>
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }
}
