namespace RnnGen;

/// <summary>The learning rate as a function of the step (counted from 1); set it as an optimizer's <see cref="Optimizer{T}.Schedule"/>.</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate of step <paramref name="step"/>.</summary>
    double LearningRate(long step);
}

/// <summary>Ready-made schedules, as PyTorch's <c>torch.optim.lr_scheduler</c> defines them.</summary>
public static class LearningRateSchedule
{
    /// <summary>Any function of the step.</summary>
    public static ILearningRateSchedule From(Func<long, double> rate)
    {
        ArgumentNullException.ThrowIfNull(rate);
        return new FunctionSchedule(rate);
    }

    /// <summary><c>StepLR</c>: <c>initial · γ^⌊(step−1)/every⌋</c>.</summary>
    public static ILearningRateSchedule StepDecay(double initial, double gamma, int every)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        return From(step => initial * Math.Pow(gamma, (step - 1) / every));
    }

    /// <summary><c>ExponentialLR</c>: <c>initial · γ^(step−1)</c>.</summary>
    public static ILearningRateSchedule Exponential(double initial, double gamma) => From(step => initial * Math.Pow(gamma, step - 1));

    /// <summary>
    /// Linear warm-up from 0 over <paramref name="warmupSteps"/> steps, then cosine decay from <paramref name="initial"/> to
    /// <paramref name="final"/> at <paramref name="totalSteps"/> (and <paramref name="final"/> after it).
    /// </summary>
    public static ILearningRateSchedule WarmupCosine(double initial, double final, long totalSteps, long warmupSteps = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        return From(step =>
        {
            if (step <= warmupSteps) return initial * step / warmupSteps;
            if (step >= totalSteps) return final;
            double progress = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
            return final + (initial - final) * 0.5 * (1 + Math.Cos(Math.PI * progress));
        });
    }

    private sealed class FunctionSchedule(Func<long, double> rate) : ILearningRateSchedule
    {
        public double LearningRate(long step) => rate(step);
    }
}
