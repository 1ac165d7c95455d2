using RnnGen.Inputs;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary><see cref="LossOptions{T}.Evaluate"/> on cases with closed forms.</summary>
public class LossOptionsTests
{
    [Fact]
    public void Weighted_label_smoothed_cross_entropy_of_uniform_logits_is_log_C_under_the_mean()
    {
        // z = 0: −log p_j = log 3 for every class, so each row's loss is log 3 · [(1 − ε)·w_y + ε/3 · Σ w], and PyTorch's
        // mean divides by Σ w_y: rows with targets 0 and 2, w = (1, 2, 3), ε = 0.3 give (1.3 + 2.7)·log 3 / 4 = log 3.
        var lanes = new PackedLanes(steps: 1, batch: 2);
        lanes.SetFull();
        var options = new LossOptions<double>(HeadKind.Softmax, outputSize: 3, batch: 2);
        options.SetClassWeights(new[] { 1.0, 2.0, 3.0 });
        options.LabelSmoothing = 0.3;
        options.Reduction = LossReduction.MeanOverTokens;
        double[] z = new double[6], p = Enumerable.Repeat(1 / 3.0, 6).ToArray(), dz = new double[6];
        double loss = options.Evaluate(lanes, LossRows.Padded, 0, z, p, new[] { 0, 2 }, default, n: 3, lanesInUse: 2, dz);
        Assert.Equal(Math.Log(3), loss, 1e-15);
        // dz_k = [(1 − ε)·w_y·(p_k − δ_ky) + ε/3·(Σw·p_k − w_k)] / Σ w_y; row 0 (y = 0): (0.7·(1/3 − 1) + 0.1·(2 − 1)) / 4.
        Assert.Equal((0.7 * (1 / 3.0 - 1) + 0.1 * (2 - 1)) / 4, dz[0], 1e-15);
        Assert.Equal((0.7 * 3 * (1 / 3.0 - 1) + 0.1 * (2 - 3)) / 4, dz[5], 1e-15);
        // Each row's dz sums to 0 (softmax's gradient is orthogonal to a constant shift).
        Assert.Equal(0, dz[0] + dz[1] + dz[2], 1e-15);
    }

    [Fact]
    public void Positive_weights_scale_the_positive_term_of_binary_cross_entropy()
    {
        // z = 0, t = 1: loss = pw·log 2 per output; the sum reduction over one lane in use.
        var lanes = new PackedLanes(steps: 1, batch: 1);
        lanes.SetFull();
        var options = new LossOptions<double>(HeadKind.Sigmoid, outputSize: 2, batch: 1);
        options.SetPositiveWeights(new[] { 3.0, 0.5 });
        double loss = options.Evaluate(lanes, LossRows.Padded, 0, new double[2], new[] { 0.5, 0.5 }, default, new[] { 1.0, 1.0 }, n: 2, lanesInUse: 1, default);
        Assert.Equal(3.5 * Math.Log(2), loss, 1e-15);
    }
}
