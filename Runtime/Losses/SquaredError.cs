using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Losses;

/// <summary>Squared-error loss of a linear head: <c>scale · Σ (y − t)²</c>.</summary>
/// <remarks>Single precision runs SIMD (<see cref="SimdPath"/>); double precision the scalar loops.</remarks>
public static class SquaredError
{
    /// <summary><c>scale · Σ_i (y_i − t_i)²</c> over the first <paramref name="count"/> values.</summary>
    public static T Loss<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(outputs.Length, count, nameof(outputs));
        Shape.Count(targets.Length, count, nameof(targets));
        if (typeof(T) == typeof(float))
        {
            ref float y = ref SpanRef.Float(outputs), t = ref SpanRef.Float(targets);
            float sum = SimdPath.Current switch
            {
                SimdWidth.Vector512 => LossSingle<Simd512>(ref y, ref t, count),
                SimdWidth.Vector256 => LossSingle<Simd256>(ref y, ref t, count),
                _ => LossSingle<Simd1>(ref y, ref t, count),
            };
            return Unsafe.As<float, T>(ref sum) * scale;
        }

        T total = T.Zero;
        for (int i = 0; i < count; i++) { T d = outputs[i] - targets[i]; total += d * d; }
        return total * scale;
    }

    /// <summary><c>dy = 2·scale·(y − t)</c>.</summary>
    public static void Backward<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets, Span<T> dOutputs, int count, T scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(outputs.Length, count, nameof(outputs));
        Shape.Count(targets.Length, count, nameof(targets));
        Shape.Count(dOutputs.Length, count, nameof(dOutputs));
        T s = (T.One + T.One) * scale;
        if (typeof(T) == typeof(float))
        {
            ref float y = ref SpanRef.Float(outputs), t = ref SpanRef.Float(targets), d = ref SpanRef.Float(dOutputs);
            Elementwise.ScaledDifference(ref y, ref t, ref d, count, Unsafe.As<T, float>(ref s));
            return;
        }

        for (int i = 0; i < count; i++) dOutputs[i] = s * (outputs[i] - targets[i]);
    }

    private static float LossSingle<TV>(ref float y, ref float t, int count) where TV : struct, ISimdFloat<TV>
    {
        float sum = 0;
        int j = LossLanes<TV>(ref y, ref t, count, 0, ref sum);
        if (TV.Count > Simd256.Count) j = LossLanes<Simd256>(ref y, ref t, count, j, ref sum);
        if (TV.Count > Simd1.Count) LossLanes<Simd1>(ref y, ref t, count, j, ref sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int LossLanes<TV>(ref float y, ref float t, int count, int j, ref float sum) where TV : struct, ISimdFloat<TV>
    {
        if (j > count - TV.Count) return j;
        TV total = TV.Create(0f);
        for (; j <= count - TV.Count; j += TV.Count)
        {
            TV d = TV.Load(ref y, (nuint)j) - TV.Load(ref t, (nuint)j);
            total = TV.MultiplyAdd(d, d, total);
        }
        sum += TV.Sum(total);
        return j;
    }
}
