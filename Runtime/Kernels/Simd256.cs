using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>Eight float lanes in one <see cref="Vector256{T}"/> (AVX2).</summary>
internal readonly struct Simd256 : ISimdFloat<Simd256>, ISimdWidening<Simd256, Vector256<double>>
{
    private readonly Vector256<float> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd256(Vector256<float> value) => _value = value;

    /// <inheritdoc/>
    public static int Count => Vector256<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Load(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd256 value, ref float destination, nuint offset) => value._value.StoreUnsafe(ref destination, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Create(float value) => new(Vector256.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator +(Simd256 left, Simd256 right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator -(Simd256 left, Simd256 right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator *(Simd256 left, Simd256 right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator /(Simd256 left, Simd256 right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 operator -(Simd256 value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 MultiplyAdd(Simd256 a, Simd256 b, Simd256 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Min(Simd256 bound, Simd256 x) => new(Vector256.MinNative(bound._value, x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Max(Simd256 bound, Simd256 x) => new(Vector256.MaxNative(bound._value, x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Abs(Simd256 x) => new(Vector256.Abs(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Sqrt(Simd256 x) => new(Vector256.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Round(Simd256 x) => new(Vector256.Round(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 ScaleB(Simd256 x, Simd256 n)
    {
        // vscalefps (AVX-512VL) computes x·2^floor(n) in one instruction, with IEEE overflow and gradual underflow.
        if (Avx512F.VL.IsSupported) return new(Avx512F.VL.Scale(x._value, n._value));

        // AVX2: build 2^⌊n/2⌋ and 2^(n−⌊n/2⌋) from exponent bits. Each factor is a normal float for n in [−150, 129]
        // and x·2^a is exact, so only the last product rounds (overflow to ∞, gradual underflow as vscalefps).
        Vector256<int> k = Vector256.ConvertToInt32Native(n._value);
        Vector256<int> k1 = Vector256.ShiftRightArithmetic(k, 1);
        Vector256<float> s1 = Vector256.ShiftLeft(k1 + Vector256.Create(127), 23).AsSingle();
        Vector256<float> s2 = Vector256.ShiftLeft(k - k1 + Vector256.Create(127), 23).AsSingle();
        return new(x._value * s1 * s2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Log(Simd256 x) => new(Vector256.Log(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 GreaterThan(Simd256 left, Simd256 right) => new(Vector256.GreaterThan(left._value, right._value));


    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Equal(Simd256 left, Simd256 right) => new(Vector256.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd256 Select(Simd256 mask, Simd256 whenTrue, Simd256 whenFalse)
        => new(Vector256.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd256 x) => Vector256.Sum(x._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Simd256 x) => MaxAcross(x._value);

    /// <summary>Largest of eight lanes (also the last stage of <see cref="Simd512.MaxAcross"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float MaxAcross(Vector256<float> x)
    {
        Vector128<float> m = Vector128.MaxNative(x.GetLower(), x.GetUpper());
        return MathF.Max(MathF.Max(m.GetElement(0), m.GetElement(1)), MathF.Max(m.GetElement(2), m.GetElement(3)));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AddSquares(Simd256 x, Vector256<double> accumulator)
    {
        (Vector256<double> low, Vector256<double> high) = Vector256.Widen(x._value);
        return Vector256.FusedMultiplyAdd(high, high, Vector256.FusedMultiplyAdd(low, low, accumulator));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AddDoubles(Vector256<double> left, Vector256<double> right) => left + right;

    /// <inheritdoc/>
    public static Vector256<double> DoubleZero => Vector256<double>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SumDoubles(Vector256<double> accumulator) => Vector256.Sum(accumulator);
}
