using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Row-wise softmax and the cross-entropy loss of a softmax head.</summary>
/// <remarks>Single precision runs SIMD (<see cref="SimdPath"/>, <see cref="VectorMath.Exp"/>); double precision the exact scalar math.</remarks>
public static class Softmax
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
        if (typeof(T) == typeof(float))
        {
            ref float v = ref SpanRef.Float(values), lse = ref SpanRef.Float(logSumExp);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: RowsSingle<Simd512>(ref v, rows, n, ref lse); break;
                case SimdWidth.Vector256: RowsSingle<Simd256>(ref v, rows, n, ref lse); break;
                default: RowsSingle<Simd1>(ref v, rows, n, ref lse); break;
            }
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            Span<T> row = values.Slice(r * n, n);
            T max = row[0];
            for (int j = 1; j < n; j++) max = T.Max(max, row[j]);
            T sum = T.Zero;
            for (int j = 0; j < n; j++) { T e = T.Exp(row[j] - max); row[j] = e; sum += e; }
            T inv = T.One / sum;
            for (int j = 0; j < n; j++) row[j] *= inv;
            logSumExp[r] = max + T.Log(sum);
        }
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
        if (typeof(T) == typeof(float))
        {
            ref float x = ref SpanRef.Float(headInput), w = ref SpanRef.Float(weight), b = ref SpanRef.Float(bias), lse = ref SpanRef.Float(logSumExp);
            float sum = SimdPath.Current switch
            {
                SimdWidth.Vector512 => LossSingle<Simd512>(targets, ref x, ldx, width, ref w, ref b, ref lse, rows),
                SimdWidth.Vector256 => LossSingle<Simd256>(targets, ref x, ldx, width, ref w, ref b, ref lse, rows),
                _ => LossSingle<Simd1>(targets, ref x, ldx, width, ref w, ref b, ref lse, rows),
            };
            return Unsafe.As<float, T>(ref sum) * scale;
        }

        T total = T.Zero;
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            ReadOnlySpan<T> x = headInput.Slice(r * ldx, width), w = weight.Slice(y * width, width);
            T z = bias[y];
            for (int j = 0; j < width; j++) z += x[j] * w[j];
            total += logSumExp[r] - z;
        }
        return total * scale;
    }

    /// <summary><c>dz = scale · (p − onehot(target))</c>, the gradient of <see cref="CrossEntropyLoss"/> with respect to the logits.</summary>
    public static void CrossEntropyBackward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<int> targets, Span<T> dLogits, int rows, int n, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Rows(probabilities.Length, rows, n, n, nameof(probabilities));
        Shape.Count(targets.Length, rows, nameof(targets));
        Shape.Rows(dLogits.Length, rows, n, n, nameof(dLogits));
        for (int r = 0; r < rows; r++) Shape.Index(targets[r], n, "Target", nameof(targets));
        int count = rows * n;
        if (typeof(T) == typeof(float))
        {
            // p·scale over the whole [rows, n] block at once (the rows are contiguous), then the one-hot corrections.
            ref float p = ref SpanRef.Float(probabilities), d = ref SpanRef.Float(dLogits);
            Elementwise.Scale(ref p, ref d, count, Unsafe.As<T, float>(ref scale));
        }
        else
        {
            for (int i = 0; i < count; i++) dLogits[i] = probabilities[i] * scale;
        }
        for (int r = 0; r < rows; r++) dLogits[r * n + targets[r]] -= scale;
    }

    /// <summary><c>Σ_r lse_r − (x_r·W[y_r] + b[y_r])</c>, the dot products with SIMD fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static float LossSingle<TV>(ReadOnlySpan<int> targets, ref float x, int ldx, int width, ref float weight, ref float bias,
        ref float logSumExp, int rows) where TV : struct, ISimdFloat<TV>
    {
        float total = 0;
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            ref float xr = ref Unsafe.Add(ref x, (nint)r * ldx), wr = ref Unsafe.Add(ref weight, (nint)y * width);
            float z = Unsafe.Add(ref bias, y);
            int j = DotLanes<TV>(ref xr, ref wr, width, 0, ref z);
            if (TV.Count > Simd256.Count) j = DotLanes<Simd256>(ref xr, ref wr, width, j, ref z);
            if (TV.Count > Simd1.Count) DotLanes<Simd1>(ref xr, ref wr, width, j, ref z);
            total += Unsafe.Add(ref logSumExp, r) - z;
        }
        return total;
    }

    /// <summary>Adds <c>Σ x_j·w_j</c> over columns <c>[j, …)</c> to <paramref name="sum"/> (two accumulators); returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotLanes<TV>(ref float x, ref float w, int width, int j, ref float sum) where TV : struct, ISimdFloat<TV>
    {
        if (j > width - TV.Count) return j;
        TV a0 = TV.Create(0f), a1 = TV.Create(0f);
        for (; j <= width - 2 * TV.Count; j += 2 * TV.Count)
        {
            a0 = TV.MultiplyAdd(TV.Load(ref x, (nuint)j), TV.Load(ref w, (nuint)j), a0);
            a1 = TV.MultiplyAdd(TV.Load(ref x, (nuint)(j + TV.Count)), TV.Load(ref w, (nuint)(j + TV.Count)), a1);
        }
        for (; j <= width - TV.Count; j += TV.Count) a0 = TV.MultiplyAdd(TV.Load(ref x, (nuint)j), TV.Load(ref w, (nuint)j), a0);
        sum += TV.Sum(a0 + a1);
        return j;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static void RowsSingle<TV>(ref float values, int rows, int n, ref float logSumExp) where TV : struct, ISimdFloat<TV>
    {
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref values, (nint)r * n);

            float max = float.NegativeInfinity;
            int j = MaxLanes<TV>(ref row, n, 0, ref max);
            if (TV.Count > Simd256.Count) j = MaxLanes<Simd256>(ref row, n, j, ref max);
            if (TV.Count > Simd1.Count) MaxLanes<Simd1>(ref row, n, j, ref max);

            // e_j = exp(z_j − max) ≤ 1, and their sum ≥ 1 (the maximum contributes e⁰).
            float sum = 0;
            j = ExpLanes<TV>(ref row, n, max, 0, ref sum);
            if (TV.Count > Simd256.Count) j = ExpLanes<Simd256>(ref row, n, max, j, ref sum);
            if (TV.Count > Simd1.Count) ExpLanes<Simd1>(ref row, n, max, j, ref sum);

            float inverse = 1f / sum;
            j = ScaleLanes<TV>(ref row, n, inverse, 0);
            if (TV.Count > Simd256.Count) j = ScaleLanes<Simd256>(ref row, n, inverse, j);
            if (TV.Count > Simd1.Count) ScaleLanes<Simd1>(ref row, n, inverse, j);

            Unsafe.Add(ref logSumExp, r) = max + MathF.Log(sum);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rows are short (a softmax over classes): no call per phase
    private static int MaxLanes<TV>(ref float row, int n, int j, ref float max) where TV : struct, ISimdFloat<TV>
    {
        if (j > n - TV.Count) return j;
        TV m = TV.Load(ref row, (nuint)j);
        for (j += TV.Count; j <= n - TV.Count; j += TV.Count) m = TV.Max(m, TV.Load(ref row, (nuint)j));
        max = MathF.Max(max, TV.MaxAcross(m));
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rows are short (a softmax over classes): no call per phase
    private static int ExpLanes<TV>(ref float row, int n, float max, int j, ref float sum) where TV : struct, ISimdFloat<TV>
    {
        if (j > n - TV.Count) return j;
        TV m = TV.Create(max), total = TV.Create(0f);
        for (; j <= n - TV.Count; j += TV.Count)
        {
            TV e = VectorMath.Exp(TV.Load(ref row, (nuint)j) - m);
            TV.Store(e, ref row, (nuint)j);
            total += e;
        }
        sum += TV.Sum(total);
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // rows are short (a softmax over classes): no call per phase
    private static int ScaleLanes<TV>(ref float row, int n, float scale, int j) where TV : struct, ISimdFloat<TV>
    {
        TV s = TV.Create(scale);
        for (; j <= n - TV.Count; j += TV.Count) TV.Store(TV.Load(ref row, (nuint)j) * s, ref row, (nuint)j);
        return j;
    }
}
