using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// How one instruction-set path computes a tile of C: <see cref="Rows"/> rows (the BLIS "MR") by up to one packed panel
/// (<see cref="GemmBlocking.PanelWidth{T}"/> columns, the "NR"), from a packed micro-panel of A and a panel of B.
/// </summary>
/// <remarks>
/// The tile is accumulated in registers over the whole <c>kc</c> depth and touches C once at the end — the point of
/// register blocking (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication", 2008). Each step of
/// depth loads one row of the B panel as vectors and broadcasts each of the <see cref="Rows"/> A values against it.
/// </remarks>
internal unsafe interface IGemmTile<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per tile, which is also the height of a packed A micro-panel.</summary>
    static abstract int Rows { get; }

    /// <summary>
    /// <c>C[Rows × width] (+)= Ã·B̃</c> over <paramref name="kc"/> steps, where <paramref name="a"/> is a packed A micro-panel
    /// (<see cref="Rows"/> values per step, one step after another) and <paramref name="b"/> the first of <paramref name="kc"/>
    /// panel rows <paramref name="ldb"/> elements apart. The kernel may compute and store columns past
    /// <paramref name="width"/>, up to the panel width, so <paramref name="c"/> must have room for the whole panel (callers
    /// route narrow edge tiles through a scratch tile) and B must hold (zero) padding up to the panel width.
    /// </summary>
    static abstract void Panel(int kc, T* a, T* b, nint ldb, T* c, nint ldc, int width, bool overwrite);

    /// <summary>How many columns <see cref="Panel"/> stores when asked for <paramref name="width"/>: when it equals
    /// <paramref name="width"/> and the tile has all its rows, the kernel can write straight into C.</summary>
    static abstract int StoredWidth(int width);
}

/// <summary>
/// The register-blocked micro-kernels, written once over <see cref="ISimdOps{TVec, T}"/> and instantiated per path and
/// element type. Each keeps its accumulators in named locals (not an array or struct) so the JIT's register allocator
/// gives every one its own register.
/// </summary>
/// <remarks>
/// The kernels, the packing routines, the GEMV kernels and the blocked loop nest carry
/// <see cref="MethodImplOptions.AggressiveOptimization"/>: they are compiled fully optimized on first call instead of
/// starting at tier 0, where vectors live on the stack and the inlining the kernels depend on does not happen, so the
/// first calls of a process run at full speed; tiered PGO, which this gives up, has no branches worth profiling here.
/// </remarks>
internal static unsafe class GemmMicroKernels
{
    /// <summary>8 rows × 3 registers: the Vector512 main tile (24 accumulators + 3 B registers + 1 broadcast, of the 32 zmm registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows8x3<TOps, TVec, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c22 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c32 = TOps.Zero;
        TVec c40 = TOps.Zero, c41 = TOps.Zero, c42 = TOps.Zero;
        TVec c50 = TOps.Zero, c51 = TOps.Zero, c52 = TOps.Zero;
        TVec c60 = TOps.Zero, c61 = TOps.Zero, c62 = TOps.Zero;
        TVec c70 = TOps.Zero, c71 = TOps.Zero, c72 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b);
            TVec b1 = TOps.Load(b + w);
            TVec b2 = TOps.Load(b + 2 * w);
            TVec a0 = TOps.Broadcast(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00); c01 = TOps.MultiplyAdd(a0, b1, c01); c02 = TOps.MultiplyAdd(a0, b2, c02);
            TVec a1 = TOps.Broadcast(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10); c11 = TOps.MultiplyAdd(a1, b1, c11); c12 = TOps.MultiplyAdd(a1, b2, c12);
            TVec a2 = TOps.Broadcast(a + 2);
            c20 = TOps.MultiplyAdd(a2, b0, c20); c21 = TOps.MultiplyAdd(a2, b1, c21); c22 = TOps.MultiplyAdd(a2, b2, c22);
            TVec a3 = TOps.Broadcast(a + 3);
            c30 = TOps.MultiplyAdd(a3, b0, c30); c31 = TOps.MultiplyAdd(a3, b1, c31); c32 = TOps.MultiplyAdd(a3, b2, c32);
            TVec a4 = TOps.Broadcast(a + 4);
            c40 = TOps.MultiplyAdd(a4, b0, c40); c41 = TOps.MultiplyAdd(a4, b1, c41); c42 = TOps.MultiplyAdd(a4, b2, c42);
            TVec a5 = TOps.Broadcast(a + 5);
            c50 = TOps.MultiplyAdd(a5, b0, c50); c51 = TOps.MultiplyAdd(a5, b1, c51); c52 = TOps.MultiplyAdd(a5, b2, c52);
            TVec a6 = TOps.Broadcast(a + 6);
            c60 = TOps.MultiplyAdd(a6, b0, c60); c61 = TOps.MultiplyAdd(a6, b1, c61); c62 = TOps.MultiplyAdd(a6, b2, c62);
            TVec a7 = TOps.Broadcast(a + 7);
            c70 = TOps.MultiplyAdd(a7, b0, c70); c71 = TOps.MultiplyAdd(a7, b1, c71); c72 = TOps.MultiplyAdd(a7, b2, c72);
            a += 8;
            b += ldb;
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, c00, c01, c02); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c10, c11, c12); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c20, c21, c22); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c30, c31, c32); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c40, c41, c42); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c50, c51, c52); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c60, c61, c62); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c70, c71, c72);
    }

    /// <summary>8 rows × 2 registers: the Vector512 tile for a right-edge panel at most 2 registers wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows8x2<TOps, TVec, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero, c01 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero;
        TVec c40 = TOps.Zero, c41 = TOps.Zero;
        TVec c50 = TOps.Zero, c51 = TOps.Zero;
        TVec c60 = TOps.Zero, c61 = TOps.Zero;
        TVec c70 = TOps.Zero, c71 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b);
            TVec b1 = TOps.Load(b + w);
            TVec a0 = TOps.Broadcast(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00); c01 = TOps.MultiplyAdd(a0, b1, c01);
            TVec a1 = TOps.Broadcast(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10); c11 = TOps.MultiplyAdd(a1, b1, c11);
            TVec a2 = TOps.Broadcast(a + 2);
            c20 = TOps.MultiplyAdd(a2, b0, c20); c21 = TOps.MultiplyAdd(a2, b1, c21);
            TVec a3 = TOps.Broadcast(a + 3);
            c30 = TOps.MultiplyAdd(a3, b0, c30); c31 = TOps.MultiplyAdd(a3, b1, c31);
            TVec a4 = TOps.Broadcast(a + 4);
            c40 = TOps.MultiplyAdd(a4, b0, c40); c41 = TOps.MultiplyAdd(a4, b1, c41);
            TVec a5 = TOps.Broadcast(a + 5);
            c50 = TOps.MultiplyAdd(a5, b0, c50); c51 = TOps.MultiplyAdd(a5, b1, c51);
            TVec a6 = TOps.Broadcast(a + 6);
            c60 = TOps.MultiplyAdd(a6, b0, c60); c61 = TOps.MultiplyAdd(a6, b1, c61);
            TVec a7 = TOps.Broadcast(a + 7);
            c70 = TOps.MultiplyAdd(a7, b0, c70); c71 = TOps.MultiplyAdd(a7, b1, c71);
            a += 8;
            b += ldb;
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, c00, c01); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c10, c11); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c20, c21); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c30, c31); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c40, c41); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c50, c51); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c60, c61); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c70, c71);
    }

    /// <summary>8 rows × 1 register: the Vector512 tile for a right-edge panel at most 1 register wide.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows8x1<TOps, TVec, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero;
        TVec c10 = TOps.Zero;
        TVec c20 = TOps.Zero;
        TVec c30 = TOps.Zero;
        TVec c40 = TOps.Zero;
        TVec c50 = TOps.Zero;
        TVec c60 = TOps.Zero;
        TVec c70 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b);
            TVec a0 = TOps.Broadcast(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00);
            TVec a1 = TOps.Broadcast(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10);
            TVec a2 = TOps.Broadcast(a + 2);
            c20 = TOps.MultiplyAdd(a2, b0, c20);
            TVec a3 = TOps.Broadcast(a + 3);
            c30 = TOps.MultiplyAdd(a3, b0, c30);
            TVec a4 = TOps.Broadcast(a + 4);
            c40 = TOps.MultiplyAdd(a4, b0, c40);
            TVec a5 = TOps.Broadcast(a + 5);
            c50 = TOps.MultiplyAdd(a5, b0, c50);
            TVec a6 = TOps.Broadcast(a + 6);
            c60 = TOps.MultiplyAdd(a6, b0, c60);
            TVec a7 = TOps.Broadcast(a + 7);
            c70 = TOps.MultiplyAdd(a7, b0, c70);
            a += 8;
            b += ldb;
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, c00); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c10); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c20); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c30); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c40); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c50); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c60); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c70);
    }

    /// <summary>6 rows × 2 registers: the Vector256 and Vector128 tile, sized for the 16 ymm/xmm registers without AVX-512 (12 accumulators + 2 B registers + 1 broadcast).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows6x2<TOps, TVec, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero, c01 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero;
        TVec c40 = TOps.Zero, c41 = TOps.Zero;
        TVec c50 = TOps.Zero, c51 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b);
            TVec b1 = TOps.Load(b + w);
            TVec a0 = TOps.Broadcast(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00); c01 = TOps.MultiplyAdd(a0, b1, c01);
            TVec a1 = TOps.Broadcast(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10); c11 = TOps.MultiplyAdd(a1, b1, c11);
            TVec a2 = TOps.Broadcast(a + 2);
            c20 = TOps.MultiplyAdd(a2, b0, c20); c21 = TOps.MultiplyAdd(a2, b1, c21);
            TVec a3 = TOps.Broadcast(a + 3);
            c30 = TOps.MultiplyAdd(a3, b0, c30); c31 = TOps.MultiplyAdd(a3, b1, c31);
            TVec a4 = TOps.Broadcast(a + 4);
            c40 = TOps.MultiplyAdd(a4, b0, c40); c41 = TOps.MultiplyAdd(a4, b1, c41);
            TVec a5 = TOps.Broadcast(a + 5);
            c50 = TOps.MultiplyAdd(a5, b0, c50); c51 = TOps.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += ldb;
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, c00, c01); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c10, c11); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c20, c21); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c30, c31); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c40, c41); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c50, c51);
    }

    /// <summary>4 rows × 2 scalars: the portable tile (8 accumulators leave room in the 16 xmm registers of baseline x64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Rows4x2<TOps, TVec, T>(int kc, T* a, T* b, nint ldb, T* c, nint ldc, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c00 = TOps.Zero, c01 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TVec b0 = TOps.Load(b);
            TVec b1 = TOps.Load(b + w);
            TVec a0 = TOps.Broadcast(a + 0);
            c00 = TOps.MultiplyAdd(a0, b0, c00); c01 = TOps.MultiplyAdd(a0, b1, c01);
            TVec a1 = TOps.Broadcast(a + 1);
            c10 = TOps.MultiplyAdd(a1, b0, c10); c11 = TOps.MultiplyAdd(a1, b1, c11);
            TVec a2 = TOps.Broadcast(a + 2);
            c20 = TOps.MultiplyAdd(a2, b0, c20); c21 = TOps.MultiplyAdd(a2, b1, c21);
            TVec a3 = TOps.Broadcast(a + 3);
            c30 = TOps.MultiplyAdd(a3, b0, c30); c31 = TOps.MultiplyAdd(a3, b1, c31);
            a += 4;
            b += ldb;
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, c00, c01); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c10, c11); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c20, c21); c += ldc;
        StoreRow<TOps, TVec, T>(c, w, overwrite, c30, c31);
    }


    /// <summary>
    /// One row of A against a whole packed panel: the GEMV case (m = 1) of a product with a <see cref="PackedMatrix{T}"/>.
    /// It is bound by the bandwidth of streaming B, not by arithmetic; two steps per iteration give six independent FMA
    /// chains so the four-cycle FMA latency does not limit it either.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Row1x3<TOps, TVec, T>(int k, T* a, nint strideA, T* b, nint ldb, T* c, bool overwrite)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = TOps.Count;
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, d0 = TOps.Zero, d1 = TOps.Zero, d2 = TOps.Zero;
        int p = 0;
        for (; p + 1 < k; p += 2)
        {
            TVec x = TOps.Broadcast(a);
            TVec y = TOps.Broadcast(a + strideA);
            c0 = TOps.MultiplyAdd(x, TOps.Load(b), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(b + w), c1);
            c2 = TOps.MultiplyAdd(x, TOps.Load(b + 2 * w), c2);
            d0 = TOps.MultiplyAdd(y, TOps.Load(b + ldb), d0);
            d1 = TOps.MultiplyAdd(y, TOps.Load(b + ldb + w), d1);
            d2 = TOps.MultiplyAdd(y, TOps.Load(b + ldb + 2 * w), d2);
            a += 2 * strideA;
            b += 2 * ldb;
        }
        if (p < k)
        {
            TVec x = TOps.Broadcast(a);
            c0 = TOps.MultiplyAdd(x, TOps.Load(b), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(b + w), c1);
            c2 = TOps.MultiplyAdd(x, TOps.Load(b + 2 * w), c2);
        }
        StoreRow<TOps, TVec, T>(c, w, overwrite, TOps.Add(c0, d0), TOps.Add(c1, d1), TOps.Add(c2, d2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOps, TVec, T>(T* c, int w, bool overwrite, TVec v0)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!overwrite) v0 = TOps.Add(TOps.Load(c), v0);
        TOps.Store(v0, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOps, TVec, T>(T* c, int w, bool overwrite, TVec v0, TVec v1)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!overwrite)
        {
            v0 = TOps.Add(TOps.Load(c), v0);
            v1 = TOps.Add(TOps.Load(c + w), v1);
        }
        TOps.Store(v0, c);
        TOps.Store(v1, c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOps, TVec, T>(T* c, int w, bool overwrite, TVec v0, TVec v1, TVec v2)
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!overwrite)
        {
            v0 = TOps.Add(TOps.Load(c), v0);
            v1 = TOps.Add(TOps.Load(c + w), v1);
            v2 = TOps.Add(TOps.Load(c + 2 * w), v2);
        }
        TOps.Store(v0, c);
        TOps.Store(v1, c + w);
        TOps.Store(v2, c + 2 * w);
    }
}
