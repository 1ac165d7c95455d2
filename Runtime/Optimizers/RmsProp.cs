using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// RMSprop (Hinton, 2012), as PyTorch's <c>torch.optim.RMSprop</c>: with <c>g = g + λθ</c>,
/// <c>s = α·s + (1−α)·g²</c>; centered, also <c>ḡ = α·ḡ + (1−α)·g</c> and the denominator <c>√(s − ḡ²) + ε</c>,
/// else <c>√s + ε</c>; with momentum μ, <c>b = μ·b + g/denominator</c> and <c>θ −= lr·b</c>, else <c>θ −= lr·g/denominator</c>.
/// </summary>
/// <remarks>One pass written once over the register type and run at the path's width by <see cref="Simd"/>.</remarks>
public sealed unsafe class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
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
        fixed (T* p = parameters, g = gradients, s = square, a = average, b = buffer)
            Simd.Elements<UpdateOperator, T>(new(p, g, s, a, b, new Constants(alpha, oneMinusAlpha, eps, mu, LearningRate, WeightDecay)), parameters.Length);
    }

    /// <summary>The per-step scalars of the update.</summary>
    private readonly record struct Constants(T Alpha, T OneMinusAlpha, T Epsilon, T Momentum, T LearningRate, T WeightDecay);

    /// <summary>The update of the class summary, each product and sum rounded separately, so every width gives the same
    /// bits; <paramref name="average"/> (centered) and <paramref name="buffer"/> (momentum) are null when not used.</summary>
    private readonly struct UpdateOperator(T* p, T* g, T* square, T* average, T* buffer, Constants k) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec theta = TOps.Load(p + j), alpha = TOps.Create(k.Alpha), oneMinusAlpha = TOps.Create(k.OneMinusAlpha);
            TVec gj = TOps.Add(TOps.Load(g + j), TOps.Multiply(TOps.Create(k.WeightDecay), theta));                       // g + λθ
            TVec s = TOps.Add(TOps.Multiply(alpha, TOps.Load(square + j)), TOps.Multiply(TOps.Multiply(oneMinusAlpha, gj), gj)); // s = α·s + (1−α)·g²
            TOps.Store(s, square + j);
            if (average != null)
            {
                TVec a = TOps.Add(TOps.Multiply(alpha, TOps.Load(average + j)), TOps.Multiply(oneMinusAlpha, gj));       // ḡ = α·ḡ + (1−α)·g
                TOps.Store(a, average + j);
                s = TOps.Subtract(s, TOps.Multiply(a, a));                                                                   // s − ḡ²
            }
            TVec denominator = TOps.Add(TOps.Sqrt(s), TOps.Create(k.Epsilon));
            TVec lr = TOps.Create(k.LearningRate);
            if (buffer != null)
            {
                TVec b = TOps.Add(TOps.Multiply(TOps.Create(k.Momentum), TOps.Load(buffer + j)), TOps.Divide(gj, denominator)); // b = μ·b + g/denominator
                TOps.Store(b, buffer + j);
                TOps.Store(TOps.Subtract(theta, TOps.Multiply(lr, b)), p + j);                                               // θ −= lr·b
            }
            else
            {
                TOps.Store(TOps.Subtract(theta, TOps.Divide(TOps.Multiply(lr, gj), denominator)), p + j);                  // θ −= lr·g/denominator
            }
        }
    }
}
