using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary><see cref="Sgd{T}"/> against updates computed by hand (PyTorch's <c>torch.optim.SGD</c> semantics).</summary>
public class SgdTests
{
    private const int Count = 37; // two registers of 16, one of 4 lanes... every path of the loop

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Plain_sgd_steps_against_the_gradient(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] theta = Uniform(Count, 1, seed: 1), g1 = Uniform(Count, 1, seed: 2), g2 = Uniform(Count, 1, seed: 3);
        double[] expected = ToDouble(theta);
        var sgd = new Sgd<float>(0.1f);
        sgd.Step(theta, g1);
        sgd.Step(theta, g2);
        for (int i = 0; i < Count; i++) expected[i] = expected[i] - 0.1 * g1[i] - 0.1 * g2[i];
        AssertClose(expected, theta, 1e-6, $"θ (width {width})");
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Momentum_starts_from_the_first_gradient_and_accumulates(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] theta = Uniform(Count, 1, seed: 4);
        float[][] g = { Uniform(Count, 1, seed: 5), Uniform(Count, 1, seed: 6), Uniform(Count, 1, seed: 7) };
        double[] expected = ToDouble(theta);
        var sgd = new Sgd<float>(0.5f, momentum: 0.9f);
        for (int step = 0; step < 3; step++) sgd.Step(theta, g[step]);
        for (int i = 0; i < Count; i++)
        {
            // v1 = g1; v2 = 0.9·g1 + g2; v3 = 0.9·v2 + g3; θ3 = θ0 − 0.5·(v1 + v2 + v3).
            double v1 = g[0][i], v2 = 0.9 * v1 + g[1][i], v3 = 0.9 * v2 + g[2][i];
            expected[i] -= 0.5 * (v1 + v2 + v3);
        }
        AssertClose(expected, theta, 1e-6, $"θ (width {width})");
    }

    [Fact]
    public void Double_sgd_is_exact()
    {
        double[] theta = { 1, -2, 3 }, g = { 0.5, 0.25, -1 };
        var sgd = new Sgd<double>(0.1, momentum: 0.5);
        sgd.Step(theta, g);
        sgd.Step(theta, g);
        // v1 = g, v2 = 1.5·g: θ − 0.1·2.5·g
        Assert.Equal(new[] { 1 - 0.25 * 0.5, -2 - 0.25 * 0.25, 3 + 0.25 }, theta, (IEqualityComparer<double>)new Near(1e-15));
    }
}
