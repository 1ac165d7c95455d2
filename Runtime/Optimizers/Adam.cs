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
/// In single precision the moment and parameter updates are one SIMD pass (<see cref="SimdPath"/>) that evaluates
/// exactly the scalar expressions below, operation for operation (no fused multiply-adds), so every width gives the
/// same bits as the scalar loop.
/// </remarks>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
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

        if (WeightDecay != T.Zero && DecoupledWeightDecay)
        {
            // AdamW: θ ← θ·(1 − lr·λ), then the Adam step on the unchanged gradient.
            T shrink = T.One - LearningRate * WeightDecay;
            for (int i = 0; i < parameters.Length; i++) parameters[i] *= shrink;
        }
        else if (WeightDecay != T.Zero)
        {
            // Adam with L2: the gradient becomes g + λθ.
            for (int i = 0; i < parameters.Length; i++)
            {
                T g = gradients[i] + WeightDecay * parameters[i];
                firstMoments[i] = b1 * firstMoments[i] + c1 * g;
                secondMoments[i] = b2 * secondMoments[i] + c2 * g * g;
                parameters[i] -= stepSize * firstMoments[i] / (T.Sqrt(secondMoments[i]) / sqrtCorrection2 + eps);
            }
            return;
        }

        if (typeof(T) == typeof(float))
        {
            ref float p = ref SpanRef.Float(parameters), g = ref SpanRef.Float(gradients);
            ref float firstMoment = ref SpanRef.Float<T>(firstMoments), secondMoment = ref SpanRef.Float<T>(secondMoments);
            var constants = new Constants(float.CreateTruncating(b1), float.CreateTruncating(b2), float.CreateTruncating(c1), float.CreateTruncating(c2),
                float.CreateTruncating(stepSize), float.CreateTruncating(sqrtCorrection2), float.CreateTruncating(eps));
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: Update<Simd512>(ref p, ref g, ref firstMoment, ref secondMoment, parameters.Length, constants); break;
                case SimdWidth.Vector256: Update<Simd256>(ref p, ref g, ref firstMoment, ref secondMoment, parameters.Length, constants); break;
                default: Update<Simd1>(ref p, ref g, ref firstMoment, ref secondMoment, parameters.Length, constants); break;
            }
            return;
        }

        Span<T> m = firstMoments, v = secondMoments;
        for (int i = 0; i < parameters.Length; i++)
        {
            T g = gradients[i];
            m[i] = b1 * m[i] + c1 * g;
            v[i] = b2 * v[i] + c2 * g * g;
            parameters[i] -= stepSize * m[i] / (T.Sqrt(v[i]) / sqrtCorrection2 + eps);
        }
    }

    /// <summary>The per-step scalars of the update, in single precision.</summary>
    private readonly record struct Constants(float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2,
        float StepSize, float SqrtCorrection2, float Epsilon);

    private static void Update<TV>(ref float p, ref float g, ref float m, ref float v, int count, Constants k) where TV : struct, ISimdFloat<TV>
    {
        int j = UpdateLanes<TV>(ref p, ref g, ref m, ref v, count, k, 0);
        if (TV.Count > Simd256.Count) j = UpdateLanes<Simd256>(ref p, ref g, ref m, ref v, count, k, j);
        if (TV.Count > Simd1.Count) UpdateLanes<Simd1>(ref p, ref g, ref m, ref v, count, k, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int UpdateLanes<TV>(ref float p, ref float g, ref float m, ref float v, int count, Constants k, int j) where TV : struct, ISimdFloat<TV>
    {
        TV b1 = TV.Create(k.Beta1), b2 = TV.Create(k.Beta2), c1 = TV.Create(k.OneMinusBeta1), c2 = TV.Create(k.OneMinusBeta2);
        TV stepSize = TV.Create(k.StepSize), sqrtCorrection2 = TV.Create(k.SqrtCorrection2), eps = TV.Create(k.Epsilon);
        for (; j <= count - TV.Count; j += TV.Count)
        {
            nuint i = (nuint)j;
            TV gi = TV.Load(ref g, i);
            TV mi = b1 * TV.Load(ref m, i) + c1 * gi;       // m = β₁m + (1−β₁)g
            TV vi = b2 * TV.Load(ref v, i) + c2 * gi * gi;  // v = β₂v + (1−β₂)g²
            TV.Store(mi, ref m, i);
            TV.Store(vi, ref v, i);
            // θ −= (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)
            TV.Store(TV.Load(ref p, i) - stepSize * mi / (TV.Sqrt(vi) / sqrtCorrection2 + eps), ref p, i);
        }
        return j;
    }
}
