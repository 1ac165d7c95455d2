using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Binary cross-entropy of a sigmoid head, computed from the logits as PyTorch's <c>BCEWithLogitsLoss</c>.</summary>
/// <remarks>Single precision runs SIMD (<see cref="SimdPath"/>, <see cref="VectorMath"/>); double precision the exact scalar math.</remarks>
public static class BinaryCrossEntropy
{
    /// <summary><c>y = σ(z)</c> element-wise.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> logits, Span<T> outputs, int count) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(logits.Length, count, nameof(logits));
        Shape.Count(outputs.Length, count, nameof(outputs));
        if (typeof(T) == typeof(float))
        {
            ref float z = ref SpanRef.Float(logits), y = ref SpanRef.Float(outputs);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: SigmoidSingle<Simd512>(ref z, ref y, count); break;
                case SimdWidth.Vector256: SigmoidSingle<Simd256>(ref z, ref y, count); break;
                default: SigmoidSingle<Simd1>(ref z, ref y, count); break;
            }
            return;
        }

        for (int i = 0; i < count; i++) outputs[i] = Activations.Sigmoid(logits[i]);
    }

    /// <summary>
    /// <c>scale · Σ −[t·log σ(z) + (1−t)·log(1−σ(z))]</c> written as <c>softplus(z) − t·z</c>, finite for every finite z.
    /// </summary>
    public static T Loss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(logits.Length, count, nameof(logits));
        Shape.Count(targets.Length, count, nameof(targets));
        if (typeof(T) == typeof(float))
        {
            ref float z = ref SpanRef.Float(logits), t = ref SpanRef.Float(targets);
            float sum = SimdPath.Current switch
            {
                SimdWidth.Vector512 => LossSingle<Simd512>(ref z, ref t, count),
                SimdWidth.Vector256 => LossSingle<Simd256>(ref z, ref t, count),
                _ => LossSingle<Simd1>(ref z, ref t, count),
            };
            return Unsafe.As<float, T>(ref sum) * scale;
        }

        T total = T.Zero;
        for (int i = 0; i < count; i++) total += Activations.Softplus(logits[i]) - targets[i] * logits[i];
        return total * scale;
    }

    /// <summary><c>dz = scale · (σ(z) − t)</c>, from the sigmoid outputs.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dLogits, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(outputs.Length, count, nameof(outputs));
        Shape.Count(targets.Length, count, nameof(targets));
        Shape.Count(dLogits.Length, count, nameof(dLogits));
        if (typeof(T) == typeof(float))
        {
            ref float y = ref SpanRef.Float(outputs), t = ref SpanRef.Float(targets), d = ref SpanRef.Float(dLogits);
            Elementwise.ScaledDifference(ref y, ref t, ref d, count, Unsafe.As<T, float>(ref scale));
            return;
        }

        for (int i = 0; i < count; i++) dLogits[i] = scale * (outputs[i] - targets[i]);
    }

    private static void SigmoidSingle<TV>(ref float z, ref float y, int count) where TV : struct, ISimdFloat<TV>
    {
        int j = SigmoidLanes<TV>(ref z, ref y, count, 0);
        if (TV.Count > Simd256.Count) j = SigmoidLanes<Simd256>(ref z, ref y, count, j);
        if (TV.Count > Simd1.Count) SigmoidLanes<Simd1>(ref z, ref y, count, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int SigmoidLanes<TV>(ref float z, ref float y, int count, int j) where TV : struct, ISimdFloat<TV>
    {
        for (; j <= count - TV.Count; j += TV.Count) TV.Store(VectorMath.Sigmoid(TV.Load(ref z, (nuint)j)), ref y, (nuint)j);
        return j;
    }

    private static float LossSingle<TV>(ref float z, ref float t, int count) where TV : struct, ISimdFloat<TV>
    {
        float sum = 0;
        int j = LossLanes<TV>(ref z, ref t, count, 0, ref sum);
        if (TV.Count > Simd256.Count) j = LossLanes<Simd256>(ref z, ref t, count, j, ref sum);
        if (TV.Count > Simd1.Count) LossLanes<Simd1>(ref z, ref t, count, j, ref sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int LossLanes<TV>(ref float z, ref float t, int count, int j, ref float sum) where TV : struct, ISimdFloat<TV>
    {
        if (j > count - TV.Count) return j;
        TV total = TV.Create(0f);
        for (; j <= count - TV.Count; j += TV.Count)
        {
            TV zj = TV.Load(ref z, (nuint)j);
            // softplus(z) − t·z
            total += TV.MultiplyAdd(-TV.Load(ref t, (nuint)j), zj, VectorMath.Softplus(zj));
        }
        sum += TV.Sum(total);
        return j;
    }
}
