using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary>
/// <see cref="Adam{T}"/> against the textbook update of Kingma and Ba (as <c>torch.optim.Adam</c>), written with the
/// bias-corrected moments m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ) explicitly.
/// </summary>
public class AdamTests
{
    private const double Lr = 0.01, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    [Fact]
    public void First_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        // Step 1: m̂ = g and v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g) whatever the gradient's size.
        float[] theta = { 1f, 1f, 1f, 1f }, g = { 0.5f, -2f, 1e-3f, -40f };
        new Adam<float>(0.1f).Step(theta, g);
        Assert.Equal(new[] { 0.9f, 1.1f, 0.9f, 1.1f }, theta, (IEqualityComparer<float>)new Near(1e-6));
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Three_steps_match_the_textbook_update_with_bias_corrections(int width)
    {
        using var forced = new ForcedWidth(width);
        const int count = 37;
        float[] theta = Uniform(count, 1, seed: 1);
        float[][] g = { Uniform(count, 1, seed: 2), Uniform(count, 0.1, seed: 3), Uniform(count, 2, seed: 4) };
        double[] expected = ToDouble(theta), m = new double[count], v = new double[count];
        var adam = new Adam<float>((float)Lr, Beta1, Beta2, Epsilon);
        for (int t = 1; t <= 3; t++)
        {
            adam.Step(theta, g[t - 1]);
            for (int i = 0; i < count; i++)
            {
                double gi = g[t - 1][i];
                m[i] = Beta1 * m[i] + (1 - Beta1) * gi;
                v[i] = Beta2 * v[i] + (1 - Beta2) * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(Beta1, t)), vHat = v[i] / (1 - Math.Pow(Beta2, t));
                expected[i] -= Lr * mHat / (Math.Sqrt(vHat) + Epsilon);
            }
            AssertClose(expected, theta, 1e-6, $"θ after step {t} (width {width})");
        }
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void Every_width_gives_the_same_bits()
    {
        float[] Run(int width)
        {
            using var forced = new ForcedWidth(width);
            float[] theta = Uniform(101, 1, seed: 5);
            var adam = new Adam<float>(1e-3f);
            for (int t = 0; t < 4; t++) adam.Step(theta, Uniform(101, 1, seed: 6 + t));
            return theta;
        }
        float[] scalar = Run(1);
        Assert.Equal(scalar, Run(256));
        Assert.Equal(scalar, Run(512));
    }

    [Fact]
    public void Double_adam_matches_the_textbook_update()
    {
        double[] theta = { 0.5, -0.25 }, g = { 0.3, -0.7 };
        double[] expected = (double[])theta.Clone(), m = new double[2], v = new double[2];
        var adam = new Adam<double>(Lr);
        for (int t = 1; t <= 2; t++)
        {
            adam.Step(theta, g);
            for (int i = 0; i < 2; i++)
            {
                m[i] = Beta1 * m[i] + (1 - Beta1) * g[i];
                v[i] = Beta2 * v[i] + (1 - Beta2) * g[i] * g[i];
                expected[i] -= Lr * (m[i] / (1 - Math.Pow(Beta1, t))) / (Math.Sqrt(v[i] / (1 - Math.Pow(Beta2, t))) + Epsilon);
            }
        }
        AssertClose(expected, theta, 1e-14, "θ");
    }
}
