using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Single-precision element-wise loops shared by several kernels, at the width <see cref="SimdPath"/> selects. The
/// callers have checked that <c>count</c> values exist behind every reference.
/// </summary>
internal static class Elementwise
{
    /// <summary><c>destination[i] = a[i] + b[i]</c>; <paramref name="destination"/> may be <paramref name="a"/> (accumulation).</summary>
    internal static void Add(ref float a, ref float b, ref float destination, int count)
    {
        switch (SimdPath.Current)
        {
            case SimdWidth.Vector512: Add<Simd512>(ref a, ref b, ref destination, count); break;
            case SimdWidth.Vector256: Add<Simd256>(ref a, ref b, ref destination, count); break;
            default: Add<Simd1>(ref a, ref b, ref destination, count); break;
        }
    }

    /// <summary><c>destination[i] = scale·source[i]</c>; the two may be the same buffer.</summary>
    internal static void Scale(ref float source, ref float destination, int count, float scale)
    {
        switch (SimdPath.Current)
        {
            case SimdWidth.Vector512: Scale<Simd512>(ref source, ref destination, count, scale); break;
            case SimdWidth.Vector256: Scale<Simd256>(ref source, ref destination, count, scale); break;
            default: Scale<Simd1>(ref source, ref destination, count, scale); break;
        }
    }

    /// <summary><c>destination[i] = scale·(y[i] − t[i])</c>: the gradient of squared error and of cross-entropy from probabilities.</summary>
    internal static void ScaledDifference(ref float y, ref float t, ref float destination, int count, float scale)
    {
        switch (SimdPath.Current)
        {
            case SimdWidth.Vector512: ScaledDifference<Simd512>(ref y, ref t, ref destination, count, scale); break;
            case SimdWidth.Vector256: ScaledDifference<Simd256>(ref y, ref t, ref destination, count, scale); break;
            default: ScaledDifference<Simd1>(ref y, ref t, ref destination, count, scale); break;
        }
    }

    private static void Add<TV>(ref float a, ref float b, ref float destination, int count) where TV : struct, ISimdFloat<TV>
    {
        int j = AddLanes<TV>(ref a, ref b, ref destination, count, 0);
        if (TV.Count > Simd256.Count) j = AddLanes<Simd256>(ref a, ref b, ref destination, count, j);
        if (TV.Count > Simd1.Count) AddLanes<Simd1>(ref a, ref b, ref destination, count, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int AddLanes<TV>(ref float a, ref float b, ref float destination, int count, int j) where TV : struct, ISimdFloat<TV>
    {
        for (; j <= count - TV.Count; j += TV.Count)
            TV.Store(TV.Load(ref a, (nuint)j) + TV.Load(ref b, (nuint)j), ref destination, (nuint)j);
        return j;
    }

    private static void Scale<TV>(ref float source, ref float destination, int count, float scale) where TV : struct, ISimdFloat<TV>
    {
        int j = ScaleLanes<TV>(ref source, ref destination, count, scale, 0);
        if (TV.Count > Simd256.Count) j = ScaleLanes<Simd256>(ref source, ref destination, count, scale, j);
        if (TV.Count > Simd1.Count) ScaleLanes<Simd1>(ref source, ref destination, count, scale, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ScaleLanes<TV>(ref float source, ref float destination, int count, float scale, int j) where TV : struct, ISimdFloat<TV>
    {
        TV s = TV.Create(scale);
        for (; j <= count - TV.Count; j += TV.Count) TV.Store(TV.Load(ref source, (nuint)j) * s, ref destination, (nuint)j);
        return j;
    }

    private static void ScaledDifference<TV>(ref float y, ref float t, ref float destination, int count, float scale) where TV : struct, ISimdFloat<TV>
    {
        int j = ScaledDifferenceLanes<TV>(ref y, ref t, ref destination, count, scale, 0);
        if (TV.Count > Simd256.Count) j = ScaledDifferenceLanes<Simd256>(ref y, ref t, ref destination, count, scale, j);
        if (TV.Count > Simd1.Count) ScaledDifferenceLanes<Simd1>(ref y, ref t, ref destination, count, scale, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int ScaledDifferenceLanes<TV>(ref float y, ref float t, ref float destination, int count, float scale, int j) where TV : struct, ISimdFloat<TV>
    {
        TV s = TV.Create(scale);
        for (; j <= count - TV.Count; j += TV.Count)
            TV.Store(s * (TV.Load(ref y, (nuint)j) - TV.Load(ref t, (nuint)j)), ref destination, (nuint)j);
        return j;
    }
}
