using System.Numerics;

namespace RnnGen;

/// <summary>
/// Stochastic gradient descent, as PyTorch's <c>torch.optim.SGD</c>: with momentum μ the velocity is
/// <c>v = μ·v + g</c> (the first step takes <c>v = g</c>) and the update <c>θ −= lr·v</c>.
/// </summary>
public sealed class Sgd<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]? _velocity;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(T learningRate, T momentum = default)
    {
        if (!(learningRate >= T.Zero) || !T.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and non-negative.");
        if (!(momentum >= T.Zero && momentum < T.One))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1).");
        LearningRate = learningRate;
        Momentum = momentum;
    }

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public T LearningRate { get; set; }

    /// <summary>Momentum μ.</summary>
    public T Momentum { get; }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"Gradients have {gradients.Length} values but parameters {parameters.Length}.", nameof(gradients));
        T lr = LearningRate;
        if (Momentum == T.Zero)
        {
            for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * gradients[i];
            return;
        }
        if (_velocity is null)
        {
            _velocity = gradients.ToArray();
        }
        else
        {
            if (_velocity.Length != parameters.Length)
                throw new ArgumentException($"This optimizer was first used with {_velocity.Length} parameters, now {parameters.Length}.", nameof(parameters));
            for (int i = 0; i < _velocity.Length; i++) _velocity[i] = Momentum * _velocity[i] + gradients[i];
        }
        for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * _velocity[i];
    }
}
