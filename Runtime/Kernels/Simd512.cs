using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>Sixteen float lanes in one <see cref="Vector512{T}"/> (AVX-512).</summary>
internal readonly struct Simd512 : ISimdFloat<Simd512>, ISimdWidening<Simd512, Vector512<double>>
{
    private readonly Vector512<float> _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd512(Vector512<float> value) => _value = value;

    /// <inheritdoc/>
    public static int Count => Vector512<float>.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Load(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd512 value, ref float destination, nuint offset) => value._value.StoreUnsafe(ref destination, offset);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Create(float value) => new(Vector512.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator +(Simd512 left, Simd512 right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator -(Simd512 left, Simd512 right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator *(Simd512 left, Simd512 right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator /(Simd512 left, Simd512 right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 operator -(Simd512 value) => new(-value._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 MultiplyAdd(Simd512 a, Simd512 b, Simd512 c) => new(Vector512.FusedMultiplyAdd(a._value, b._value, c._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Min(Simd512 bound, Simd512 x) => new(Vector512.MinNative(bound._value, x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Max(Simd512 bound, Simd512 x) => new(Vector512.MaxNative(bound._value, x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Abs(Simd512 x) => new(Vector512.Abs(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Sqrt(Simd512 x) => new(Vector512.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Round(Simd512 x) => new(Vector512.Round(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 ScaleB(Simd512 x, Simd512 n)
    {
        // vscalefps computes x·2^floor(n) in one instruction, with IEEE overflow and gradual underflow.
        if (Avx512F.IsSupported) return new(Avx512F.Scale(x._value, n._value));

        // Emulated Vector512 (tests on machines without AVX-512): build 2^⌊n/2⌋ and 2^(n−⌊n/2⌋) from exponent bits. Each
        // factor is a normal float for n in [−150, 129], and x·2^a is exact, so only the last product rounds.
        Vector512<int> k = Vector512.ConvertToInt32Native(n._value);
        Vector512<int> k1 = Vector512.ShiftRightArithmetic(k, 1);
        Vector512<float> s1 = Vector512.ShiftLeft(k1 + Vector512.Create(127), 23).AsSingle();
        Vector512<float> s2 = Vector512.ShiftLeft(k - k1 + Vector512.Create(127), 23).AsSingle();
        return new(x._value * s1 * s2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Log(Simd512 x) => new(Vector512.Log(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 GreaterThan(Simd512 left, Simd512 right) => new(Vector512.GreaterThan(left._value, right._value));


    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Equal(Simd512 left, Simd512 right) => new(Vector512.Equals(left._value, right._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd512 Select(Simd512 mask, Simd512 whenTrue, Simd512 whenFalse)
        => new(Vector512.ConditionalSelect(mask._value, whenTrue._value, whenFalse._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd512 x) => Vector512.Sum(x._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Simd512 x) => Simd256.MaxAcross(Vector256.MaxNative(x._value.GetLower(), x._value.GetUpper()));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AddSquares(Simd512 x, Vector512<double> accumulator)
    {
        (Vector512<double> low, Vector512<double> high) = Vector512.Widen(x._value);
        return Vector512.FusedMultiplyAdd(high, high, Vector512.FusedMultiplyAdd(low, low, accumulator));
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AddDoubles(Vector512<double> left, Vector512<double> right) => left + right;

    /// <inheritdoc/>
    public static Vector512<double> DoubleZero => Vector512<double>.Zero;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SumDoubles(Vector512<double> accumulator) => Vector512.Sum(accumulator);
}
