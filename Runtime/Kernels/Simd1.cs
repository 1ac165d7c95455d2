using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>
/// One float lane: the scalar path (processors without SIMD acceleration) and the tail of every vectorized loop, so
/// a kernel's tail runs the same generic body, with the same approximations, as its vector part.
/// </summary>
internal readonly struct Simd1 : ISimdFloat<Simd1>
{
    // The lane value of a true comparison: all bits set, as in a vector mask.
    private static float TrueMask => BitConverter.Int32BitsToSingle(-1);

    private readonly float _value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Simd1(float value) => _value = value;

    /// <inheritdoc/>
    public static int Count => 1;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Load(ref float source, nuint offset) => new(Unsafe.Add(ref source, offset));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Simd1 value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value._value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Create(float value) => new(value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 operator +(Simd1 left, Simd1 right) => new(left._value + right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 operator -(Simd1 left, Simd1 right) => new(left._value - right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 operator *(Simd1 left, Simd1 right) => new(left._value * right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 operator /(Simd1 left, Simd1 right) => new(left._value / right._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 operator -(Simd1 value) => new(-value._value);

    /// <inheritdoc/>
    /// <remarks>Without FMA hardware (x86 FMA3, Arm64 AdvSimd) <see cref="MathF.FusedMultiplyAdd"/> is a slow software
    /// routine; the two roundings of <c>a·b + c</c> are accurate enough for every use here (the range reduction constants
    /// are exact in few bits).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 MultiplyAdd(Simd1 a, Simd1 b, Simd1 c)
        => new(Fma.IsSupported || AdvSimd.IsSupported ? MathF.FusedMultiplyAdd(a._value, b._value, c._value) : a._value * b._value + c._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Min(Simd1 bound, Simd1 x) => new(bound._value < x._value ? bound._value : x._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Max(Simd1 bound, Simd1 x) => new(bound._value > x._value ? bound._value : x._value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Abs(Simd1 x) => new(MathF.Abs(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Sqrt(Simd1 x) => new(MathF.Sqrt(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Round(Simd1 x) => new(MathF.Round(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 ScaleB(Simd1 x, Simd1 n)
    {
        // As the vector fallbacks: two normal powers of two, so only the last product rounds.
        int k = (int)n._value;
        int k1 = k >> 1;
        float s1 = BitConverter.Int32BitsToSingle((k1 + 127) << 23);
        float s2 = BitConverter.Int32BitsToSingle((k - k1 + 127) << 23);
        return new(x._value * s1 * s2);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Log(Simd1 x) => new(MathF.Log(x._value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 GreaterThan(Simd1 left, Simd1 right) => new(left._value > right._value ? TrueMask : 0f);


    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Equal(Simd1 left, Simd1 right) => new(left._value == right._value ? TrueMask : 0f);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Simd1 Select(Simd1 mask, Simd1 whenTrue, Simd1 whenFalse)
        => BitConverter.SingleToInt32Bits(mask._value) != 0 ? whenTrue : whenFalse;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Simd1 x) => x._value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Simd1 x) => x._value;
}
