using CsCheck;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Property tests of lanes of different lengths (CsCheck draws the lengths and the garbage): a lane's output, its share
/// of the loss and its contribution to the gradient depend on its own real steps only — not on what its padded inputs
/// and targets hold, nor on the other lanes' lengths — and the batched gradient is the sum of the lanes' gradients.
/// </summary>
public class PaddingInvarianceTests
{
    private const int Steps = 5, Batch = 4;

    /// <summary>Lengths of the four lanes, at least one of them above 0.</summary>
    private static readonly Gen<int[]> Lengths = Gen.Int[0, Steps].Array[Batch].Where(l => l.Any(v => v > 0));

    private static IRnnModel<double> Create(int which) => which switch
    {
        0 => new LengthsBiLstmGruTagger(5),
        1 => new LengthsBiGruRnnClassifier(5),
        2 => new LengthsReluLstmSigmoid(5),
        _ => new LengthsLstmRegressor(5),
    };

    private static (double Loss, double[] Output, double[] Gradients) Run(int which, int[] lengths, ulong garbageSeed)
    {
        IRnnModel<double> model = Create(which);
        // The same real inputs and targets (seed 7) whatever the garbage: only padded positions differ between runs.
        var driver = new ModelDriver<double>(model, 7).WithLengths(lengths);
        var garbage = new RnnGen.Randomness.Xoshiro256StarStar(garbageSeed);
        for (int t = 0; t < Steps; t++)
            for (int b = 0; b < Batch; b++)
                if (t >= lengths[b] && garbageSeed != 0)
                {
                    for (int i = 0; i < model.InputSize; i++) driver.Inputs![(t * Batch + b) * model.InputSize + i] = garbage.NextUniform(-1e6, 1e6);
                    // Padded targets too (a many-to-one target is padded only for an unused lane).
                    if (t < model.OutputSteps && driver.ClassTargets is not null) driver.ClassTargets[t * Batch + b] = garbage.NextInt(1000) - 500;
                    if (t < model.OutputSteps && driver.ValueTargets is not null)
                        for (int j = 0; j < model.OutputSize; j++) driver.ValueTargets[(t * Batch + b) * model.OutputSize + j] = garbage.NextUniform(-1e6, 1e6);
                }
        double loss = driver.ForwardLoss();
        driver.Backward();
        return (loss, model.Output.ToArray(), model.Gradients.ToArray());
    }

    [Fact]
    public void Padded_inputs_and_targets_change_nothing() =>
        Gen.Select(Gen.Int[0, 3], Lengths, Gen.ULong[1, ulong.MaxValue]).Sample((which, lengths, seed) =>
        {
            var nan = Run(which, lengths, 0);  // NaN and out-of-range ids in every padded position
            var noise = Run(which, lengths, seed); // huge finite values instead
            return nan.Loss == noise.Loss && nan.Output.SequenceEqual(noise.Output) && nan.Gradients.SequenceEqual(noise.Gradients);
        }, iter: 40);

    [Fact]
    public void A_lane_does_not_depend_on_the_other_lanes_lengths() =>
        Gen.Select(Gen.Int[0, 3], Lengths, Lengths).Sample((which, a, b) =>
        {
            // Lane 0 keeps its length in both runs; the other lanes' lengths differ.
            b[0] = a[0];
            if (a[0] == 0) return true;
            var first = Run(which, a, 0);
            var second = Run(which, b, 0);
            int width = Create(which).OutputSize, outputSteps = Create(which).OutputSteps;
            for (int t = 0; t < outputSteps; t++)
                for (int j = 0; j < width; j++)
                    if (Math.Abs(first.Output[(t * Batch) * width + j] - second.Output[(t * Batch) * width + j]) > 1e-13) return false;
            return true;
        }, iter: 40);

    [Fact]
    public void The_batched_gradient_is_the_sum_of_each_lane_s_gradient() =>
        Gen.Select(Gen.Int[0, 3], Lengths).Sample((which, lengths) =>
        {
            var batched = Run(which, lengths, 0);
            int used = lengths.Count(l => l > 0);
            var sum = new double[batched.Gradients.Length];
            double lossSum = 0;
            for (int b = 0; b < Batch; b++)
            {
                if (lengths[b] == 0) continue;
                var alone = new int[Batch];
                alone[b] = lengths[b];
                var lane = Run(which, alone, 0);
                lossSum += lane.Loss;
                for (int i = 0; i < sum.Length; i++) sum[i] += lane.Gradients[i];
            }
            // The batch averages over the lanes in use; a lane alone is averaged over one.
            if (Math.Abs(lossSum / used - batched.Loss) > 1e-12 * Math.Max(1, Math.Abs(batched.Loss))) return false;
            for (int i = 0; i < sum.Length; i++)
                if (Math.Abs(sum[i] / used - batched.Gradients[i]) > 1e-12 * Math.Max(1, Math.Abs(batched.Gradients[i]))) return false;
            return true;
        }, iter: 30);
}
