using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>Gradient clipping, as PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
/// <remarks>In single precision every pass is SIMD (<see cref="SimdPath"/>); the norm's squares are widened and summed in double.</remarks>
public static class GradientClipping
{
    /// <summary>The Euclidean norm <c>‖g‖₂</c> of all gradients, accumulated in double precision.</summary>
    public static T GlobalNorm<T>(ReadOnlySpan<T> gradients) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gradients);
            double squares = SimdPath.Current switch
            {
                SimdWidth.Vector512 => SumOfSquares<Simd512, Vector512<double>>(ref g, gradients.Length),
                SimdWidth.Vector256 => SumOfSquares<Simd256, Vector256<double>>(ref g, gradients.Length),
                _ => SumOfSquaresScalar(ref g, 0, gradients.Length),
            };
            return T.CreateTruncating(Math.Sqrt(squares));
        }

        double sum = 0;
        for (int i = 0; i < gradients.Length; i++) { double g = double.CreateTruncating(gradients[i]); sum += g * g; }
        return T.CreateTruncating(Math.Sqrt(sum));
    }

    /// <summary>
    /// Scales all gradients by <c>maxNorm / ‖g‖₂</c> when the norm exceeds <paramref name="maxNorm"/>; returns the norm before clipping
    /// (non-finite if any gradient is, in which case nothing is scaled).
    /// </summary>
    public static T ClipByGlobalNorm<T>(Span<T> gradients, T maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");
        T norm = GlobalNorm<T>(gradients);
        if (T.IsFinite(norm) && norm > maxNorm)
        {
            // PyTorch adds 1e-6 to the norm in the denominator; the same keeps results comparable.
            T scale = maxNorm / (norm + T.CreateTruncating(1e-6));
            if (typeof(T) == typeof(float))
            {
                ref float g = ref SpanRef.Float(gradients);
                Elementwise.Scale(ref g, ref g, gradients.Length, Unsafe.As<T, float>(ref scale));
            }
            else
            {
                for (int i = 0; i < gradients.Length; i++) gradients[i] *= scale;
            }
        }
        return norm;
    }

    /// <summary>Clamps every gradient to <c>[−maxValue, maxValue]</c>.</summary>
    public static void ClipByValue<T>(Span<T> gradients, T maxValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxValue > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The clip value must be positive.");
        if (typeof(T) == typeof(float))
        {
            ref float g = ref SpanRef.Float(gradients);
            float bound = Unsafe.As<T, float>(ref maxValue);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: Clamp<Simd512>(ref g, gradients.Length, bound); break;
                case SimdWidth.Vector256: Clamp<Simd256>(ref g, gradients.Length, bound); break;
                default: Clamp<Simd1>(ref g, gradients.Length, bound); break;
            }
            return;
        }

        for (int i = 0; i < gradients.Length; i++) gradients[i] = T.Clamp(gradients[i], -maxValue, maxValue);
    }

    /// <summary>Σ g², each square widened to double before it is formed; four accumulators hide the FMA latency.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static double SumOfSquares<TV, TD>(ref float g, int count)
        where TV : struct, ISimdFloat<TV>, ISimdWidening<TV, TD>
        where TD : struct
    {
        TD a0 = TV.DoubleZero, a1 = a0, a2 = a0, a3 = a0;
        nuint c = (nuint)TV.Count;
        int j = 0;
        for (; j <= count - 4 * TV.Count; j += 4 * TV.Count)
        {
            nuint k = (nuint)j;
            a0 = TV.AddSquares(TV.Load(ref g, k), a0);
            a1 = TV.AddSquares(TV.Load(ref g, k + c), a1);
            a2 = TV.AddSquares(TV.Load(ref g, k + 2 * c), a2);
            a3 = TV.AddSquares(TV.Load(ref g, k + 3 * c), a3);
        }
        for (; j <= count - TV.Count; j += TV.Count) a0 = TV.AddSquares(TV.Load(ref g, (nuint)j), a0);
        return TV.SumDoubles(TV.AddDoubles(TV.AddDoubles(a0, a1), TV.AddDoubles(a2, a3))) + SumOfSquaresScalar(ref g, j, count);
    }

    private static double SumOfSquaresScalar(ref float g, int j, int count)
    {
        double sum = 0;
        for (; j < count; j++) { double x = Unsafe.Add(ref g, j); sum += x * x; }
        return sum;
    }

    private static void Clamp<TV>(ref float g, int count, float bound) where TV : struct, ISimdFloat<TV>
    {
        int j = ClampLanes<TV>(ref g, count, bound, 0);
        if (TV.Count > Simd256.Count) j = ClampLanes<Simd256>(ref g, count, bound, j);
        if (TV.Count > Simd1.Count) ClampLanes<Simd1>(ref g, count, bound, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ClampLanes<TV>(ref float g, int count, float bound, int j) where TV : struct, ISimdFloat<TV>
    {
        TV high = TV.Create(bound), low = TV.Create(-bound);
        // The gradient is the second operand of min and max, so NaN stays NaN (as T.Clamp).
        for (; j <= count - TV.Count; j += TV.Count) TV.Store(TV.Min(high, TV.Max(low, TV.Load(ref g, (nuint)j))), ref g, (nuint)j);
        return j;
    }
}
