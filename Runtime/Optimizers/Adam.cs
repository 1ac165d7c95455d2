using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// Adam (Kingma and Ba, 2015), as PyTorch's <c>torch.optim.Adam</c>:
/// <c>m = β₁m + (1−β₁)g</c>, <c>v = β₂v + (1−β₂)g²</c>, <c>θ −= lr · m̂ / (√v̂ + ε)</c> with the bias corrections
/// <c>m̂ = m/(1−β₁ᵗ)</c>, <c>v̂ = v/(1−β₂ᵗ)</c>.
/// </summary>
/// <remarks>
/// The weight decay, moment and parameter updates are one pass written once over the register type and run at the
/// path's width by <see cref="Simd"/>. It evaluates exactly the expressions below, operation for operation (no fused
/// multiply-adds), so every width gives the same bits.
/// </remarks>
public unsafe class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer. <paramref name="weightDecay"/> λ adds λθ to the gradient (PyTorch's Adam; see <see cref="AdamW{T}"/>).</summary>
    public Adam(T learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, T weightDecay = default)
        : base(learningRate, weightDecay)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must lie in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <summary>Added to √v̂ so the update stays finite.</summary>
    public double Epsilon { get; }

    /// <summary>True when weight decay shrinks the parameters directly instead of entering the gradient (AdamW).</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    protected override int StateArrays => 2;

    /// <inheritdoc/>
    protected override string StateName(int index) => index == 0 ? "exp_avg" : "exp_avg_sq";

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        long step = StepCount;
        T b1 = T.CreateTruncating(Beta1), b2 = T.CreateTruncating(Beta2);
        T c1 = T.One - b1, c2 = T.One - b2;
        // Bias corrections folded into the step size: lr·m̂/(√v̂+ε) = (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
        T stepSize = LearningRate / T.CreateTruncating(1 - Math.Pow(Beta1, step));
        T sqrtCorrection2 = T.CreateTruncating(Math.Sqrt(1 - Math.Pow(Beta2, step)));
        T eps = T.CreateTruncating(Epsilon);
        T[] firstMoments = State(0), secondMoments = State(1);
        // AdamW shrinks θ by (1 − lr·λ) before the Adam step on the unchanged gradient; Adam with L2 uses the gradient g + λθ.
        bool decoupled = WeightDecay != T.Zero && DecoupledWeightDecay;
        var constants = new Constants(b1, b2, c1, c2, stepSize, sqrtCorrection2, eps,
            decoupled ? T.Zero : WeightDecay, decoupled ? T.One - LearningRate * WeightDecay : T.One);
        fixed (T* p = parameters, g = gradients, m = firstMoments, v = secondMoments)
            Simd.Elements<UpdateOperator, T>(new(p, g, m, v, constants), parameters.Length);
    }

    /// <summary>The per-step scalars of the update.</summary>
    private readonly record struct Constants(T Beta1, T Beta2, T OneMinusBeta1, T OneMinusBeta2,
        T StepSize, T SqrtCorrection2, T Epsilon, T L2, T Shrink);

    private readonly struct UpdateOperator(T* p, T* g, T* m, T* v, Constants k) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec theta = TOps.Load(p + j), gj = TOps.Load(g + j);
            if (k.L2 != T.Zero) gj = TOps.Add(gj, TOps.Multiply(TOps.Create(k.L2), theta));          // g + λθ
            if (k.Shrink != T.One) theta = TOps.Multiply(theta, TOps.Create(k.Shrink));              // θ·(1 − lr·λ)
            TVec mj = TOps.Add(TOps.Multiply(TOps.Create(k.Beta1), TOps.Load(m + j)), TOps.Multiply(TOps.Create(k.OneMinusBeta1), gj));
            TVec vj = TOps.Add(TOps.Multiply(TOps.Create(k.Beta2), TOps.Load(v + j)),
                TOps.Multiply(TOps.Multiply(TOps.Create(k.OneMinusBeta2), gj), gj));                 // m = β₁m + (1−β₁)g, v = β₂v + (1−β₂)g²
            TOps.Store(mj, m + j);
            TOps.Store(vj, v + j);
            // θ −= (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
            TVec denominator = TOps.Add(TOps.Divide(TOps.Sqrt(vj), TOps.Create(k.SqrtCorrection2)), TOps.Create(k.Epsilon));
            TOps.Store(TOps.Subtract(theta, TOps.Divide(TOps.Multiply(TOps.Create(k.StepSize), mj), denominator)), p + j);
        }
    }
}
