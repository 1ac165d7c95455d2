using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>Gradient clipping, as PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c>.</summary>
/// <remarks>Every pass is written once over the register type and run at the path's width by <see cref="Simd"/>; the
/// norm's squares are formed and summed in double precision.</remarks>
public static unsafe class GradientClipping
{
    /// <summary>The Euclidean norm <c>‖g‖₂</c> of all gradients, accumulated in double precision.</summary>
    public static T GlobalNorm<T>(ReadOnlySpan<T> gradients) where T : unmanaged, IFloatingPointIeee754<T>
        => T.CreateTruncating(Math.Sqrt(SumOfSquares(gradients)));

    /// <summary>Σ g² in double precision, summed as <see cref="GlobalNorm{T}"/> sums it.</summary>
    internal static double SumOfSquares<T>(ReadOnlySpan<T> gradients) where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* g = gradients)
        {
            var kernel = new SumOfSquaresKernel<T>(g, gradients.Length);
            Simd.Run<SumOfSquaresKernel<T>, double>(ref kernel);
            return kernel.Total;
        }
    }

    /// <summary>
    /// Scales all gradients by <c>maxNorm / ‖g‖₂</c> when the norm exceeds <paramref name="maxNorm"/>; returns the norm before clipping
    /// (non-finite if any gradient is, in which case nothing is scaled).
    /// </summary>
    public static T ClipByGlobalNorm<T>(Span<T> gradients, T maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxNorm > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The maximum norm must be positive.");
        T norm = GlobalNorm<T>(gradients);
        ScaleToNorm(gradients, norm, maxNorm);
        return norm;
    }

    /// <summary>The scaling of <see cref="ClipByGlobalNorm"/> once the norm is known (a caller that computed it another way,
    /// such as a reduction across replicas, scales the same way).</summary>
    internal static void ScaleToNorm<T>(Span<T> gradients, T norm, T maxNorm) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(norm) || !(norm > maxNorm)) return;
        // PyTorch adds 1e-6 to the norm in the denominator; the same keeps results comparable.
        T scale = maxNorm / (norm + T.CreateTruncating(1e-6));
        fixed (T* g = gradients) Elementwise.Scale(g, g, gradients.Length, scale);
    }

    /// <summary>Clamps every gradient to <c>[−maxValue, maxValue]</c>.</summary>
    public static void ClipByValue<T>(Span<T> gradients, T maxValue) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!(maxValue > T.Zero)) throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "The clip value must be positive.");
        fixed (T* g = gradients) Simd.Elements<ClampOperator<T>, T>(new(g, maxValue), gradients.Length);
    }

    /// <summary>
    /// Σ g² in double precision on the path's double registers: each register's worth of gradients (float ones widened
    /// exactly) is squared and added with a fused multiply-add, two registers per step into one of four accumulators, which
    /// hide the FMA latency; the remainder is added one by one. The scalar path adds every square in order.
    /// </summary>
    private struct SumOfSquaresKernel<T>(T* g, int count) : ISimdKernel<double>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>The sum, once run.</summary>
        public double Total;

        void ISimdKernel<double>.Run<TOps, TVec>()
            => Total = Sum<TOps, TVec>(g, count);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see Simd
        private static double Sum<TOps, TVec>(T* g, int count)
            where TOps : struct, ISimdOps<TVec, double>
            where TVec : unmanaged
        {
            int j = 0;
            double vectorSum = 0;
            if (TOps.Count > 1)
            {
                int c = TOps.Count;
                TVec a0 = TOps.Zero, a1 = a0, a2 = a0, a3 = a0;
                for (; j <= count - 8 * c; j += 8 * c)
                {
                    a0 = AddSquares<TOps, TVec>(g + j, a0);
                    a1 = AddSquares<TOps, TVec>(g + j + 2 * c, a1);
                    a2 = AddSquares<TOps, TVec>(g + j + 4 * c, a2);
                    a3 = AddSquares<TOps, TVec>(g + j + 6 * c, a3);
                }
                for (; j <= count - 2 * c; j += 2 * c) a0 = AddSquares<TOps, TVec>(g + j, a0);
                vectorSum = TOps.Sum(TOps.Add(TOps.Add(a0, a1), TOps.Add(a2, a3)));
            }
            double tail = 0;
            for (; j < count; j++) { double x = double.CreateTruncating(g[j]); tail += x * x; }
            return vectorSum + tail;
        }

        /// <summary><c>accumulator + Σ x²</c> over two registers of values from <paramref name="source"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec AddSquares<TOps, TVec>(T* source, TVec accumulator)
            where TOps : struct, ISimdOps<TVec, double>
            where TVec : unmanaged
        {
            TVec low = Load<TOps, TVec>(source), high = Load<TOps, TVec>(source + TOps.Count);
            return TOps.MultiplyAdd(high, high, TOps.MultiplyAdd(low, low, accumulator));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static TVec Load<TOps, TVec>(T* source)
            where TOps : struct, ISimdOps<TVec, double>
            where TVec : unmanaged
            => typeof(T) == typeof(float) ? TOps.LoadSingles((float*)source) : TOps.Load((double*)source);
    }

    private readonly struct ClampOperator<T>(T* g, T bound) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            // The gradient is the second operand of min and max, so NaN stays NaN (as T.Clamp).
            => TOps.Store(TOps.Min(TOps.Create(bound), TOps.Max(TOps.Create(-bound), TOps.Load(g + j))), g + j);
    }
}
