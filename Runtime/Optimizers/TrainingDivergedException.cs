namespace RnnGen;

/// <summary>
/// A training step produced a loss or a gradient that is not finite (NaN or infinity), thrown before the optimizer runs
/// so the parameters keep their values from before the step; or the update itself made parameters non-finite (a
/// learning rate far too large), thrown right after it (<see cref="ParametersUpdated"/>).
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception from the offending values.</summary>
    public TrainingDivergedException(double loss, double gradientNorm)
        : base($"Training diverged: loss = {loss}, gradient norm = {gradientNorm}. The parameters were not updated; " +
               "lower the learning rate or clip the gradients (clipNorm).")
    {
        Loss = loss;
        GradientNorm = gradientNorm;
    }

    private TrainingDivergedException(double loss, double gradientNorm, string tensor, int index, string value)
        : base($"Training diverged: the update made {tensor}[{index}] = {value} (and maybe more) non-finite, after a loss of {loss} " +
               $"and a gradient norm of {gradientNorm}. The parameters were updated and are no longer usable: reload the last " +
               "checkpoint and lower the learning rate.")
    {
        Loss = loss;
        GradientNorm = gradientNorm;
        ParametersUpdated = true;
    }

    /// <summary>
    /// The check after an update: throws when a parameter is not finite, naming the first one by tensor and index. One
    /// vectorized norm pass decides; the scan for the name runs only when that norm is not finite.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A parameter is NaN or infinite (<see cref="ParametersUpdated"/> is true).</exception>
    public static void ThrowIfParametersNotFinite<T>(ReadOnlySpan<T> parameters, IReadOnlyList<TensorInfo> tensors, double loss, double gradientNorm)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (T.IsFinite(GradientClipping.GlobalNorm<T>(parameters))) return;
        if (FirstNonFinite(parameters, tensors, loss, gradientNorm) is { } diverged) throw diverged;
    }

    /// <summary>The exception naming the first non-finite parameter; null when all are finite (a norm that overflowed).</summary>
    private static TrainingDivergedException? FirstNonFinite<T>(ReadOnlySpan<T> parameters, IReadOnlyList<TensorInfo> tensors, double loss, double gradientNorm)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (T.IsFinite(parameters[i])) continue;
            TensorInfo? tensor = tensors.LastOrDefault(t => t.Offset <= i);
            string name = tensor?.Name ?? "Parameters";
            int index = i - (tensor?.Offset ?? 0);
            return new TrainingDivergedException(loss, gradientNorm, name, index, parameters[i].ToString(null, System.Globalization.CultureInfo.InvariantCulture));
        }
        return null;
    }

    /// <summary>True when the optimizer had already updated the parameters (they are not the ones from before the step).</summary>
    public bool ParametersUpdated { get; }

    /// <summary>The loss of the step.</summary>
    public double Loss { get; }

    /// <summary>The global norm of the gradients of the step.</summary>
    public double GradientNorm { get; }
}
