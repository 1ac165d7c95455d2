using RnnGen;

namespace RnnGen.Models.Tests.Support;

/// <summary>
/// Compares the gradients of Backward with finite differences of Loss, in double precision. Uses the fourth-order
/// central difference (f(θ−2h) − 8f(θ−h) + 8f(θ+h) − f(θ+2h)) / 12h, whose truncation error O(h⁴) lets h be large
/// enough (1e-3) that rounding stays near 1e-12: the remaining error is the implementation's, not the check's.
/// </summary>
public static class GradientCheck
{
    public const double Step = 1e-3;

    /// <summary>Floor of the relative error's denominator, so a gradient that is zero analytically and 1e-13 numerically is not an error.</summary>
    public const double Floor = 1e-6;

    public static double RelativeError(double analytic, double numeric) =>
        Math.Abs(analytic - numeric) / Math.Max(Floor, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));

    /// <summary>
    /// Runs <paramref name="lossOf"/> (forward + loss) and <paramref name="backward"/> (forward + backward) on
    /// <paramref name="model"/> and returns the largest relative error over every parameter, and where it was.
    /// </summary>
    /// <param name="absoluteNoise">
    /// Differences below it count as agreement: the finite difference's rounding noise is about ε·|loss|/h, which a loss
    /// summed over many steps lifts above 1e-12; where a gradient is exactly 0 (an input a short lane never reaches), the
    /// relative error of that noise against the floor would otherwise fail a correct gradient.
    /// </param>
    public static (double MaxError, string Where) Parameters(IRnnModel<double> model, Func<double> lossOf, Action backward, double absoluteNoise = 0)
    {
        model.ZeroGradients();
        backward();
        double[] analytic = model.Gradients.ToArray();
        double worst = 0;
        string where = "";
        foreach (TensorInfo tensor in model.Tensors)
        {
            for (int i = 0; i < tensor.Length; i++)
            {
                int index = tensor.Offset + i;
                double numeric = Numeric(v => model.Parameters[index] = v, model.Parameters[index], lossOf);
                double error = Math.Abs(analytic[index] - numeric) < absoluteNoise ? 0 : RelativeError(analytic[index], numeric);
                if (error > worst) { worst = error; where = $"{tensor.Name}[{i}]: analytic {analytic[index]:R}, numeric {numeric:R}"; }
            }
        }
        return (worst, where);
    }

    /// <summary>The same for the inputs of a vector model, against <see cref="IVectorInputModel{T}.InputGradient"/>.</summary>
    public static (double MaxError, string Where) Inputs(IVectorInputModel<double> model, double[] inputs, Func<double> lossOf, Action backward)
    {
        model.ComputeInputGradient = true;
        model.ZeroGradients();
        backward();
        double[] analytic = model.InputGradient.ToArray();
        double worst = 0;
        string where = "";
        for (int i = 0; i < inputs.Length; i++)
        {
            int index = i;
            double numeric = Numeric(v => inputs[index] = v, inputs[index], lossOf);
            double error = RelativeError(analytic[index], numeric);
            if (error > worst) { worst = error; where = $"inputs[{i}]: analytic {analytic[index]:R}, numeric {numeric:R}"; }
        }
        return (worst, where);
    }

    private static double Numeric(Action<double> set, double original, Func<double> lossOf)
    {
        set(original + 2 * Step); double f2 = lossOf();
        set(original + Step); double f1 = lossOf();
        set(original - Step); double m1 = lossOf();
        set(original - 2 * Step); double m2 = lossOf();
        set(original);
        return (m2 - 8 * m1 + 8 * f1 - f2) / (12 * Step);
    }
}
