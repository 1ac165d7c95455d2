using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Backpropagation through time against finite differences, in double precision, for every cell × topology ×
/// input × output (and stacks): the analytic gradient of every parameter, and of every input of vector models,
/// must agree to a relative error below 1e-6.
/// </summary>
public class GradientCheckTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    [Theory]
    [MemberData(nameof(GradientCheckCases.Names), MemberType = typeof(GradientCheckCases))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        IRnnModel<double> model = GradientCheckCases.Create[name]();
        var driver = new ModelDriver<double>(model, seed: 11);
        (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, GradientCheckCases.AbsoluteNoise.GetValueOrDefault(name));
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
    }

    [Theory]
    [MemberData(nameof(GradientCheckCases.VectorNames), MemberType = typeof(GradientCheckCases))]
    public void Input_gradients_match_finite_differences(string name)
    {
        var model = (IVectorInputModel<double>)GradientCheckCases.Create[name]();
        var driver = new ModelDriver<double>(model, seed: 12);
        (double error, string where) = GradientCheck.Inputs(model, driver.Inputs!, driver.ForwardLoss, driver.ForwardBackward);
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
    }

    /// <summary>
    /// Lengths that exercise the packed layout: a lane shorter than the others, an unused lane (0), and an order that
    /// sorting must change (a short lane before a long one).
    /// </summary>
    public static IEnumerable<int[]> LengthPatterns(int steps, int batch)
    {
        yield return Enumerable.Range(0, batch).Select(b => batch > 1 && b == batch - 1 ? 0 : steps - b % steps).ToArray();
        yield return Enumerable.Range(0, batch).Select(b => 1 + b * 2 % steps).ToArray();
    }

    [Theory]
    [MemberData(nameof(GradientCheckCases.LengthNames), MemberType = typeof(GradientCheckCases))]
    public void Parameter_gradients_with_lengths_match_finite_differences(string name)
    {
        foreach (int[] lengths in LengthPatterns(GradientCheckCases.Create[name]().Steps, GradientCheckCases.Create[name]().Batch))
        {
            IRnnModel<double> model = GradientCheckCases.Create[name]();
            var driver = new ModelDriver<double>(model, seed: 13).WithLengths(lengths);
            (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward);
            output.WriteLine($"{name} lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            Assert.True(error < Tolerance, $"{name} lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            Assert.True(double.IsFinite(driver.ForwardLoss()), "the garbage in padded positions reached the loss");
        }
    }

    [Theory]
    [MemberData(nameof(GradientCheckCases.VectorLengthNames), MemberType = typeof(GradientCheckCases))]
    public void Input_gradients_with_lengths_match_finite_differences(string name)
    {
        foreach (int[] lengths in LengthPatterns(GradientCheckCases.Create[name]().Steps, GradientCheckCases.Create[name]().Batch))
        {
            var model = (IVectorInputModel<double>)GradientCheckCases.Create[name]();
            var driver = new ModelDriver<double>(model, seed: 14).WithLengths(lengths);
            (double error, string where) = GradientCheck.Inputs(model, driver.Inputs!, driver.ForwardLoss, driver.ForwardBackward);
            output.WriteLine($"{name} lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            Assert.True(error < Tolerance, $"{name} lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            // The gradient of a padded input is exactly zero: it is never read.
            for (int t = 0; t < model.Steps; t++)
                for (int b = 0; b < model.Batch; b++)
                    if (t >= lengths[b])
                        Assert.All(model.InputGradient.Slice((t * model.Batch + b) * model.InputSize, model.InputSize).ToArray(), v => Assert.Equal(0.0, v));
        }
    }

    [Theory]
    [MemberData(nameof(GradientCheckCases.GeneratingNames), MemberType = typeof(GradientCheckCases))]
    public void Parameter_gradients_with_target_lengths_match_finite_differences(string name)
    {
        IRnnModel<double> probe = GradientCheckCases.Create[name]();
        foreach (int[] lengths in LengthPatterns(probe.OutputSteps, probe.Batch))
        {
            IRnnModel<double> model = GradientCheckCases.Create[name]();
            var driver = new ModelDriver<double>(model, seed: 15).WithTargetLengths(lengths);
            (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward);
            output.WriteLine($"{name} target lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            Assert.True(error < Tolerance, $"{name} target lengths [{string.Join(", ", lengths)}]: max relative error {error:E2} at {where}");
            Assert.True(double.IsFinite(driver.ForwardLoss()), "the garbage in padded targets reached the loss");
        }
    }

    [Theory]
    [MemberData(nameof(GradientCheckCases.EncoderDecoderNames), MemberType = typeof(GradientCheckCases))]
    public void Parameter_gradients_with_source_and_target_lengths_match_finite_differences(string name)
    {
        IRnnModel<double> probe = GradientCheckCases.Create[name]();
        int[][] sources = LengthPatterns(probe.Steps, probe.Batch).ToArray();
        int[][] targets = LengthPatterns(probe.OutputSteps, probe.Batch).Reverse().ToArray();
        for (int p = 0; p < sources.Length; p++)
        {
            IRnnModel<double> model = GradientCheckCases.Create[name]();
            // A lane unused by its source keeps the encoder's initial state; its targets still count unless their length is 0.
            var driver = new ModelDriver<double>(model, seed: 16).WithTargetLengths(targets[p]).WithSourceLengths(sources[p]);
            string what = $"{name} source lengths [{string.Join(", ", sources[p])}], target lengths [{string.Join(", ", targets[p])}]";
            (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, absoluteNoise: 1e-10);
            output.WriteLine($"{what}: max relative error {error:E2} at {where}");
            Assert.True(error < Tolerance, $"{what}: max relative error {error:E2} at {where}");
            Assert.True(double.IsFinite(driver.ForwardLoss()), "the garbage in padded sources or targets reached the loss");
        }
    }

    [Fact]
    public void Gradient_check_detects_a_wrong_gradient()
    {
        // The check itself must be able to fail: perturb one analytic gradient and expect a large error.
        IRnnModel<double> model = new LstmManyToManyVectorLinear(7);
        var driver = new ModelDriver<double>(model, seed: 11);
        (double error, _) = GradientCheck.Parameters(model, driver.ForwardLoss, () =>
        {
            driver.ForwardBackward();
            model.Gradients[5] += 1e-3;
        });
        Assert.True(error > 1e-4);
    }
}
