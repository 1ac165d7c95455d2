namespace RnnGen;

/// <summary>
/// A training step produced a loss or a gradient that is not finite (NaN or infinity). It is thrown before the
/// optimizer runs, so the parameters keep their values from before the step.
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

    /// <summary>The loss of the step.</summary>
    public double Loss { get; }

    /// <summary>The global norm of the gradients of the step.</summary>
    public double GradientNorm { get; }
}
