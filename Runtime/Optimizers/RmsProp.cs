using System.Numerics;

namespace RnnGen;

/// <summary>
/// RMSprop (Hinton, 2012), as PyTorch's <c>torch.optim.RMSprop</c>: with <c>g = g + λθ</c>,
/// <c>s = α·s + (1−α)·g²</c>; centered, also <c>ḡ = α·ḡ + (1−α)·g</c> and the denominator <c>√(s − ḡ²) + ε</c>,
/// else <c>√s + ε</c>; with momentum μ, <c>b = μ·b + g/denominator</c> and <c>θ −= lr·b</c>, else <c>θ −= lr·g/denominator</c>.
/// </summary>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer with PyTorch's defaults (α = 0.99, ε = 1e-8).</summary>
    public RmsProp(T learningRate, double alpha = 0.99, double epsilon = 1e-8, T weightDecay = default, double momentum = 0, bool centered = false)
        : base(learningRate, weightDecay)
    {
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must lie in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1).");
        Alpha = alpha;
        Epsilon = epsilon;
        Momentum = momentum;
        Centered = centered;
    }

    /// <summary>Smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Momentum μ (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Normalize by the variance estimate instead of the raw second moment.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override int StateArrays => 1 + (Centered ? 1 : 0) + (Momentum > 0 ? 1 : 0);

    /// <inheritdoc/>
    protected override string StateName(int index) => index == 0 ? "square_avg" : index == 1 && Centered ? "grad_avg" : "momentum_buffer";

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        T[] square = State(0);
        T[]? average = Centered ? State(1) : null, buffer = Momentum > 0 ? State(Centered ? 2 : 1) : null;
        T alpha = T.CreateTruncating(Alpha), oneMinusAlpha = T.One - alpha, eps = T.CreateTruncating(Epsilon), mu = T.CreateTruncating(Momentum);
        T lr = LearningRate;
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i] + WeightDecay * parameters[i];
            square[i] = alpha * square[i] + oneMinusAlpha * g * g;
            T denominator;
            if (average is not null)
            {
                average[i] = alpha * average[i] + oneMinusAlpha * g;
                denominator = T.Sqrt(square[i] - average[i] * average[i]) + eps;
            }
            else
            {
                denominator = T.Sqrt(square[i]) + eps;
            }
            if (buffer is not null)
            {
                buffer[i] = mu * buffer[i] + g / denominator;
                parameters[i] -= lr * buffer[i];
            }
            else
            {
                parameters[i] -= lr * g / denominator;
            }
        }
    }
}
