using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Row-wise softmax and the cross-entropy loss of a softmax head.</summary>
/// <remarks>Written once over the register type and run at the path's width by <see cref="Simd"/>, with
/// <see cref="VectorMath{TOps, TVec, T}.Exp"/>.</remarks>
public static unsafe class Softmax
{
    /// <summary>
    /// Replaces each row of logits <c>z</c> in <paramref name="values"/> <c>[rows, n]</c> by <c>p = exp(z − lse)</c> and stores
    /// <c>lse = log Σ_j exp(z_j)</c> per row (computed from the row maximum, so nothing overflows).
    /// </summary>
    public static void Rows<T>(Span<T> values, int rows, int n, Span<T> logSumExp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(values.Length, rows, n, n, nameof(values));
        Shape.Count(logSumExp.Length, rows, nameof(logSumExp));
        if (rows > 0 && n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A softmax row needs at least one value.");
        fixed (T* v = values, lse = logSumExp)
        {
            var kernel = new RowsKernel<T>(v, rows, n, lse, null, 0);
            Simd.Run<RowsKernel<T>, T>(ref kernel);
        }
    }

    /// <summary>
    /// <see cref="Rows{T}"/> over the first <c>lengths[r mod lengths.Length]</c> values of each row of <paramref name="values"/>
    /// (row stride <paramref name="n"/>; rows of length 0 are left as they are), without the log-sum-exp: the masked softmax
    /// of attention (<see cref="Attention.MaskedSoftmax"/>), one row at a time exactly as <see cref="Rows{T}"/> computes it.
    /// </summary>
    internal static void RowPrefixes<T>(T* values, int rows, int n, int* lengths, int batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new RowsKernel<T>(values, rows, n, null, lengths, batch);
        Simd.Run<RowsKernel<T>, T>(ref kernel);
    }

    /// <summary>
    /// <c>scale · Σ_r −log p[r, target_r]</c>, exactly: the target's logit is recomputed as
    /// <c>z_y = x_r·W[y] + b[y]</c> from the head input, so <c>−log p_y = lse − z_y</c> stays exact even where
    /// <c>p_y</c> underflows to zero.
    /// </summary>
    public static T CrossEntropyLoss<T>(ReadOnlySpan<int> targets, ReadOnlySpan<T> headInput, int ldx, int width,
        ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, ReadOnlySpan<T> logSumExp, int rows, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(targets.Length, rows, nameof(targets));
        Shape.Rows(headInput.Length, rows, width, ldx, nameof(headInput));
        Shape.Count(logSumExp.Length, rows, nameof(logSumExp));
        for (int r = 0; r < rows; r++)
        {
            // Row y of weight [classes, width] must exist for every target.
            int y = targets[r];
            Shape.Index(y, bias.Length, "Target", nameof(targets));
            Shape.Count(weight.Length, (y + 1L) * width, nameof(weight));
        }
        fixed (int* y = targets)
        fixed (T* x = headInput, w = weight, b = bias, lse = logSumExp)
        {
            var kernel = new LossKernel<T>(y, x, ldx, width, w, b, lse, rows);
            Simd.Run<LossKernel<T>, T>(ref kernel);
            return kernel.Total * scale;
        }
    }

    /// <summary><c>dz = scale · (p − onehot(target))</c>, the gradient of <see cref="CrossEntropyLoss"/> with respect to the logits.</summary>
    public static void CrossEntropyBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> targets, Span<T> dLogits, int rows, int n, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(probabilities.Length, rows, n, n, nameof(probabilities));
        Shape.Count(targets.Length, rows, nameof(targets));
        Shape.Rows(dLogits.Length, rows, n, n, nameof(dLogits));
        for (int r = 0; r < rows; r++) Shape.Index(targets[r], n, "Target", nameof(targets));
        // p·scale over the whole [rows, n] block at once (the rows are contiguous), then the one-hot corrections.
        fixed (T* p = probabilities, d = dLogits) Elementwise.Scale(p, d, rows * n, scale);
        for (int r = 0; r < rows; r++) dLogits[r * n + targets[r]] -= scale;
    }

    /// <summary>
    /// <c>dz = p ⊙ (g − Σ_j g_j·p_j)</c> per row: the gradient with respect to the logits of a loss whose gradient with
    /// respect to the probabilities <c>p = softmax(z)</c> is <paramref name="outputGradient"/> (the softmax Jacobian
    /// <c>∂p_i/∂z_j = p_i(δ_ij − p_j)</c> applied to g). <paramref name="dLogits"/> may be <paramref name="outputGradient"/>.
    /// </summary>
    public static void JacobianBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> outputGradient, Span<T> dLogits, int rows, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(probabilities.Length, rows, n, n, nameof(probabilities));
        Shape.Rows(outputGradient.Length, rows, n, n, nameof(outputGradient));
        Shape.Rows(dLogits.Length, rows, n, n, nameof(dLogits));
        fixed (T* p = probabilities, g = outputGradient, d = dLogits) JacobianRows(p, g, d, rows, n, null, 0);
    }

    /// <summary>
    /// <see cref="JacobianBackward{T}"/> over rows <paramref name="n"/> apart, each over its first <paramref name="n"/> values
    /// or, with <paramref name="lengths"/>, its first <c>lengths[r mod batch]</c> (the rest untouched): the dot product
    /// <c>Σ_j g_j·p_j</c> in lane-wise partial sums, then <c>d = p ⊙ (g − dot)</c>, at the path's width.
    /// <paramref name="d"/> may be <paramref name="g"/>.
    /// </summary>
    internal static void JacobianRows<T>(T* p, T* g, T* d, int rows, int n, int* lengths, int batch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var kernel = new JacobianKernel<T>(p, g, d, rows, n, lengths, batch);
        Simd.Run<JacobianKernel<T>, T>(ref kernel);
    }

    /// <summary>Each row in three passes (maximum; exponentials and their sum; scaling), every pass narrowing from the
    /// path's width to single lanes. Rows are short (a softmax over classes), so the passes are inlined into one root.</summary>
    /// <remarks>With <c>lengths</c>, row r covers its first <c>lengths[r mod batch]</c> values (none: skipped) and no
    /// log-sum-exp is stored.</remarks>
    private readonly struct RowsKernel<T>(T* values, int rows, int n, T* logSumExp, int* lengths, int batch) : ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        void ISimdKernel<T>.Run<TOps, TVec>()
            => AllRows<TOps, TVec>(values, rows, n, logSumExp, lengths, batch);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see Simd
        private static void AllRows<TOps, TVec>(T* values, int rows, int n, T* logSumExp, int* lengths, int batch)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            for (int r = 0; r < rows; r++)
            {
                int count = lengths == null ? n : lengths[r % batch];
                if (count == 0) continue;
                var row = new Row(values + (nint)r * n, count);
                row.Max = T.NegativeInfinity;
                row.Phase = Phase.Max;
                Simd.Narrowing<Row, TOps, TVec, T>(ref row);
                // e_j = exp(z_j − max) ≤ 1, and their sum ≥ 1 (the maximum contributes e⁰).
                row.Phase = Phase.Exp;
                Simd.Narrowing<Row, TOps, TVec, T>(ref row);
                row.Scale = T.One / row.Sum;
                row.Phase = Phase.Scale;
                Simd.Narrowing<Row, TOps, TVec, T>(ref row);
                if (logSumExp != null) logSumExp[r] = row.Max + T.Log(row.Sum);
            }
        }

        private enum Phase { Max, Exp, Scale }

        /// <summary>One row's state between the passes.</summary>
        private struct Row(T* row, int n) : ISimdLanes<T>
        {
            public Phase Phase;
            public T Max, Sum, Scale;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            int ISimdLanes<T>.Run<TOps, TVec>(int j)
            {
                if (Phase == Phase.Scale)
                {
                    TVec s = TOps.Create(Scale);
                    for (; j <= n - TOps.Count; j += TOps.Count) TOps.Store(TOps.Multiply(TOps.Load(row + j), s), row + j);
                    return j;
                }
                if (j > n - TOps.Count) return j;
                if (Phase == Phase.Max)
                {
                    TVec m = TOps.Load(row + j);
                    for (j += TOps.Count; j <= n - TOps.Count; j += TOps.Count) m = TOps.Max(m, TOps.Load(row + j));
                    Max = T.Max(Max, TOps.MaxAcross(m));
                    return j;
                }
                TVec max = TOps.Create(Max), total = TOps.Zero;
                for (; j <= n - TOps.Count; j += TOps.Count)
                {
                    TVec e = VectorMath<TOps, TVec, T>.Exp(TOps.Subtract(TOps.Load(row + j), max));
                    TOps.Store(e, row + j);
                    total = TOps.Add(total, e);
                }
                Sum += TOps.Sum(total);
                return j;
            }
        }
    }

    /// <summary>Each row in two passes (the dot product <c>Σ g_j·p_j</c>; <c>d = p ⊙ (g − dot)</c>), every pass narrowing from
    /// the path's width to single lanes, inlined into one root as <see cref="RowsKernel{T}"/>'s.</summary>
    private readonly struct JacobianKernel<T>(T* p, T* g, T* d, int rows, int n, int* lengths, int batch) : ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        void ISimdKernel<T>.Run<TOps, TVec>()
            => AllRows<TOps, TVec>(p, g, d, rows, n, lengths, batch);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see Simd
        private static void AllRows<TOps, TVec>(T* p, T* g, T* d, int rows, int n, int* lengths, int batch)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            for (int r = 0; r < rows; r++)
            {
                nint offset = (nint)r * n;
                var row = new Row(p + offset, g + offset, d + offset, lengths == null ? n : lengths[r % batch]);
                Simd.Narrowing<Row, TOps, TVec, T>(ref row);
                row.Scaling = true;
                Simd.Narrowing<Row, TOps, TVec, T>(ref row);
            }
        }

        /// <summary>One row's dot product between the passes.</summary>
        private struct Row(T* p, T* g, T* d, int n) : ISimdLanes<T>
        {
            public bool Scaling;
            public T Dot;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            int ISimdLanes<T>.Run<TOps, TVec>(int j)
            {
                if (Scaling)
                {
                    TVec dot = TOps.Create(Dot);
                    for (; j <= n - TOps.Count; j += TOps.Count)
                    {
                        TVec pj = TOps.Load(p + j);
                        TOps.Store(TOps.Multiply(pj, TOps.Subtract(TOps.Load(g + j), dot)), d + j);
                    }
                    return j;
                }
                if (j > n - TOps.Count) return j;
                TVec total = TOps.Zero;
                for (; j <= n - TOps.Count; j += TOps.Count) total = TOps.MultiplyAdd(TOps.Load(g + j), TOps.Load(p + j), total);
                Dot += TOps.Sum(total);
                return j;
            }
        }
    }

    /// <summary><c>Σ_r lse_r − (x_r·W[y_r] + b[y_r])</c>, the dot products with fused multiply-adds.</summary>
    private struct LossKernel<T>(int* targets, T* x, int ldx, int width, T* weight, T* bias, T* logSumExp, int rows) : ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>The sum, once run.</summary>
        public T Total;

        void ISimdKernel<T>.Run<TOps, TVec>()
            => Total = AllRows<TOps, TVec>(targets, x, ldx, width, weight, bias, logSumExp, rows);

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // own root, optimized at once: see Simd
        private static T AllRows<TOps, TVec>(int* targets, T* x, int ldx, int width, T* weight, T* bias, T* logSumExp, int rows)
            where TOps : struct, ISimdOps<TVec, T>
            where TVec : unmanaged
        {
            T total = T.Zero;
            for (int r = 0; r < rows; r++)
            {
                int y = targets[r];
                var dot = new Dot(x + (nint)r * ldx, weight + (nint)y * width, width) { Sum = bias[y] };
                Simd.Narrowing<Dot, TOps, TVec, T>(ref dot);
                total += logSumExp[r] - dot.Sum;
            }
            return total;
        }

        /// <summary>Adds <c>Σ x_j·w_j</c> to <see cref="Sum"/>, with two accumulators per width.</summary>
        private struct Dot(T* x, T* w, int width) : ISimdLanes<T>
        {
            public T Sum;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            int ISimdLanes<T>.Run<TOps, TVec>(int j)
            {
                if (j > width - TOps.Count) return j;
                TVec a0 = TOps.Zero, a1 = TOps.Zero;
                int c = TOps.Count;
                for (; j <= width - 2 * c; j += 2 * c)
                {
                    a0 = TOps.MultiplyAdd(TOps.Load(x + j), TOps.Load(w + j), a0);
                    a1 = TOps.MultiplyAdd(TOps.Load(x + j + c), TOps.Load(w + j + c), a1);
                }
                for (; j <= width - c; j += c) a0 = TOps.MultiplyAdd(TOps.Load(x + j), TOps.Load(w + j), a0);
                Sum += TOps.Sum(TOps.Add(a0, a1));
                return j;
            }
        }
    }
}
