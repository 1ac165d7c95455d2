using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Randomness;

namespace RnnGen.Kernels;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014): while training, each value is dropped (set to 0) with probability p and
/// every kept value is scaled by 1/(1 − p), so its expectation is unchanged and evaluation, which drops nothing, needs no
/// rescaling. A mask holds the factor of each value, 0 or 1/(1 − p); forward multiplies by it, and backward multiplies the
/// gradient by the same mask, since d(x⊙m)/dx = m.
/// </summary>
public static unsafe class Dropout
{
    /// <summary>
    /// Fills <paramref name="mask"/> with 0 (dropped, probability <paramref name="p"/>) or 1/(1 − p) (kept), drawing from
    /// <paramref name="random"/>: each value takes 32 bits of a draw and is dropped when they are below p·2³², so the
    /// probability is p to within 2⁻³², and the same generator state gives the same mask on every machine.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1).</exception>
    public static void DrawMask<T>(Span<T> mask, double p, Xoshiro256StarStar random) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!DropoutProbability.IsValid(p)) throw new ArgumentOutOfRangeException(nameof(p), p, $"A dropout probability must be in {DropoutProbability.Range}.");
        ulong threshold = (ulong)(p * 4294967296.0);
        T keep = T.CreateTruncating(1 / (1 - p));
        int i = 0;
        for (; i + 1 < mask.Length; i += 2)
        {
            ulong bits = random.NextUInt64();
            mask[i] = (bits & 0xFFFFFFFF) < threshold ? T.Zero : keep;
            mask[i + 1] = (bits >> 32) < threshold ? T.Zero : keep;
        }
        if (i < mask.Length) mask[i] = (random.NextUInt64() & 0xFFFFFFFF) < threshold ? T.Zero : keep;
    }

    /// <summary>
    /// <c>y = x⊙m</c> over <paramref name="rows"/> rows of <paramref name="columns"/> values (each span with its own row
    /// stride); <paramref name="y"/> may be <paramref name="x"/> (in place: backward turns dL/d(x⊙m) into dL/dx so).
    /// </summary>
    public static void Apply<T>(ReadOnlySpan<T> x, int ldx, ReadOnlySpan<T> mask, int ldm, Span<T> y, int ldy, int rows, int columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (rows == 0) return;
        Shape.Rows(x.Length, rows, columns, ldx, nameof(x));
        Shape.Rows(mask.Length, rows, columns, ldm, nameof(mask));
        Shape.Rows(y.Length, rows, columns, ldy, nameof(y));
        fixed (T* px = x, pm = mask, py = y)
            Simd.Rows<ApplyOperator<T>, T>(new(px, ldx, pm, ldm, py, ldy), rows, columns);
    }

    /// <summary>
    /// <c>y (+)= x⊙m</c>, adding to what <paramref name="y"/> holds when <paramref name="accumulate"/>: where backward sends a
    /// gradient through a masked product (dL/dh_(t−1) += (dgates·W_hh)⊙m under recurrent dropout).
    /// </summary>
    public static void AddApplied<T>(ReadOnlySpan<T> x, int ldx, ReadOnlySpan<T> mask, int ldm, Span<T> y, int ldy, int rows, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!accumulate)
        {
            Apply(x, ldx, mask, ldm, y, ldy, rows, columns);
            return;
        }
        if (rows == 0) return;
        Shape.Rows(x.Length, rows, columns, ldx, nameof(x));
        Shape.Rows(mask.Length, rows, columns, ldm, nameof(mask));
        Shape.Rows(y.Length, rows, columns, ldy, nameof(y));
        fixed (T* px = x, pm = mask, py = y)
            Simd.Rows<AddAppliedOperator<T>, T>(new(px, ldx, pm, ldm, py, ldy), rows, columns);
    }

    private readonly struct ApplyOperator<T>(T* x, nint ldx, T* mask, nint ldm, T* y, nint ldy) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(TOps.Multiply(TOps.Load(x + row * ldx + j), TOps.Load(mask + row * ldm + j)), y + row * ldy + j);
    }

    private readonly struct AddAppliedOperator<T>(T* x, nint ldx, T* mask, nint ldm, T* y, nint ldy) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            T* target = y + row * ldy + j;
            TOps.Store(TOps.Add(TOps.Load(target), TOps.Multiply(TOps.Load(x + row * ldx + j), TOps.Load(mask + row * ldm + j))), target);
        }
    }
}
