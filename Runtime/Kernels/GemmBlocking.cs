using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

/// <summary>How the B operand of a product is stored.</summary>
internal enum GemmB
{
    /// <summary><c>B[p, j] = b[p·ldb + j]</c>: row-major k × n (NN, TN).</summary>
    Rows,

    /// <summary><c>B[p, j] = b[j·ldb + p]</c>: row-major n × k, used transposed (NT).</summary>
    Columns,

    /// <summary>Already in panel layout (a <see cref="PackedMatrix{T}"/>); <c>ldb</c> is the distance between panels.</summary>
    Panels,
}

/// <summary>
/// The cache-blocked loop nest around the micro-kernels, after GotoBLAS/BLIS (Goto &amp; van de Geijn 2008; Van Zee &amp;
/// van de Geijn, "BLIS", 2015), written for row-major C with vectors along n (so B is the vector operand and A the
/// broadcast one, the mirror image of column-major BLIS):
/// <code>
/// for ic in m by MC:                   A block MC × KC packed once, lives in L3
///   for pc in k by KC:                 (the first KC block overwrites C when not accumulating)
///     pack A[ic.., pc..] into MR-row micro-panels
///     for jc in n by NC:               B block KC × NC packed into NR-column panels, sized to stay in L2
///       for ir in MC by MR:            one A micro-panel (MR × KC) stays in L1 ...
///         for jr in NC by NR:          ... while the B panels stream from L2 past it
///           micro-kernel: C[MR × NR] += Ã[MR × KC] · B̃[KC × NR], accumulators in registers
/// </code>
/// Edge tiles (fewer than MR rows or NR columns) run the same kernels on zero-padded panels into a scratch tile, and
/// only the valid part is merged into C. Single-row products skip all of this for <see cref="Gemv"/>.
/// </summary>
internal static unsafe class GemmBlocking
{
    /// <summary>KC, the depth of a block: an A micro-panel is MR × KC (8 KB for 8 floats × 256) and stays in a 32 KB L1
    /// while a whole B block streams past it; deep enough that loading and storing the C tile once per block is
    /// negligible.</summary>
    internal const int DepthBlock = 256;

    /// <summary>
    /// MC, the most rows of A packed per block. In this loop order the A block only needs to stay in L3 (each A
    /// micro-panel is read from it once per B block, then reused from L1 across NC/NR panels), so the block is large: B
    /// is packed once per row block, and m ≤ 1920 packs it exactly once. Larger m is split into equal blocks
    /// (<see cref="RowBlockFor"/>) so no block is a thin remainder that reuses its packed B only a few times.
    /// </summary>
    internal const int RowBlock = 1920;

    /// <summary>Products with at most this many rows read a row-major B (NN, TN) in place instead of packing it: with
    /// two row tiles or fewer each B value is used so few times that copying it costs a large share of the multiply.
    /// Larger m packs, because a B read in place from rows a power of two apart thrashes cache sets.</summary>
    internal const int UnpackedBMaxRows = 16;

    /// <summary>NR, the width of a B panel: 192 bytes = 48 floats or 24 doubles = three 512-bit registers, six 256-bit
    /// ones, twelve 128-bit ones or 24 (12) scalar sub-tiles of 2. One width for every path, so <see cref="PackedMatrix{T}"/> is valid
    /// whichever path multiplies with it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int PanelWidth<T>() => 192 / Unsafe.SizeOf<T>();

    /// <summary>NC, the width of a B block: 8 panels, so a KC × NC block is 384 KB of the 1 MB L2 and stays there
    /// while every A micro-panel of the A block passes over it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int ColumnBlock<T>() => 8 * PanelWidth<T>();

    /// <summary>
    /// <c>C[m × n] (+)= A′·B′</c> on <paramref name="path"/>; m, n &gt; 0 and all pointers valid for the stated shapes
    /// (the public entry points have checked them). <paramref name="aTransposed"/> says A is stored k × m (TN).
    /// </summary>
    internal static void Multiply<T>(SimdPath path, int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmWorkers? workers = GemmWorkers.Active;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) new Span<T>(c + i * ldc, n).Clear();
            return;
        }
        if (workers is not null && workers.Threads > 1 && SplitWork(m, n, k) >= workers.MinimumWork && (m == 1 || TakesBlockedPath(m, n, aTransposed, bLayout)))
        {
            GemmJob job = GemmJob.Plan(workers.Threads, path, m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
            if (job.Blocks > 1 && workers.TryRun(job)) return;
        }
        var product = new Product<T>(ProductShape.Any, m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
        Simd.Run<Product<T>, T>(path, ref product);
    }

    /// <summary>
    /// The work compared with <see cref="GemmWorkers.MinimumWork"/>: m·n·k, times four for a single-row product, whose
    /// multiply-adds are bound by streaming the matrix from L2 or L3 and take several times as long as a blocked
    /// product's (bench/RESULTS.md has the measured factor).
    /// </summary>
    private static long SplitWork(int m, int n, int k) => (long)m * n * k * (m == 1 ? 4 : 1);

    /// <summary>Whether <see cref="Multiply{T, TOps, TVec}"/> sends the product to the blocked loop nest (not
    /// to a matrix–vector kernel). Only those products are split between threads: the blocks then run the same loop nest.</summary>
    private static bool TakesBlockedPath(int m, int n, bool aTransposed, GemmB bLayout)
        => m > 1 && !(n == 1 && bLayout == GemmB.Columns && !aTransposed);

    /// <summary>The blocked loop nest (<see cref="Blocked{T, TTile}"/>) on <paramref name="path"/>, for one block of a split
    /// product (<see cref="GemmJob"/>); m, n, k &gt; 0.</summary>
    internal static void BlockedOn<T>(SimdPath path, int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var product = new Product<T>(ProductShape.Blocked, m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
        Simd.Run<Product<T>, T>(path, ref product);
    }

    /// <summary>The single-row (m = 1) kernels on <paramref name="path"/>, for one block of columns of a split product
    /// (<see cref="GemmJob"/>); n, k &gt; 0.</summary>
    internal static void SingleRowOn<T>(SimdPath path, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var product = new Product<T>(ProductShape.SingleRow, 1, n, k, a, lda, aTransposed, b, ldb, bLayout, c, 0, accumulate);
        Simd.Run<Product<T>, T>(path, ref product);
    }

    /// <summary>Which part of the product code a <see cref="Product{T}"/> runs.</summary>
    private enum ProductShape
    {
        /// <summary>Whichever kernel suits the shape (<see cref="Multiply{T, TOps, TVec}"/>).</summary>
        Any,

        /// <summary>The blocked loop nest.</summary>
        Blocked,

        /// <summary>The single-row kernels.</summary>
        SingleRow,
    }

    /// <summary>A product's arguments, run on the path <see cref="Simd"/> dispatches to.</summary>
    private readonly struct Product<T>(ProductShape shape, int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate) : ISimdKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        void ISimdKernel<T>.Run<TOps, TVec>()
        {
            switch (shape)
            {
                case ProductShape.Blocked:
                    Blocked<T, TOps>(m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
                    break;
                case ProductShape.SingleRow:
                    SingleRow<T, TOps, TVec>(n, k, a, lda, aTransposed, b, ldb, bLayout, c, accumulate);
                    break;
                default:
                    Multiply<T, TOps, TVec>(m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
                    break;
            }
        }
    }

    /// <summary>m = 1: a matrix–vector product, by how B is stored.</summary>
    private static void SingleRow<T, TOps, TVec>(int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
    {
        switch (bLayout)
        {
            case GemmB.Rows:
                Gemv.CombineRows<TOps, TVec, T>(k, n, a, aTransposed ? lda : 1, b, ldb, c, accumulate);
                return;
            case GemmB.Columns:
                Gemv.DotRows<TOps, TVec, T>(n, k, a, b, ldb, c, 1, accumulate);
                return;
            default:
                RowTimesPanels<T, TOps, TVec>(n, k, a, b, ldb, c, accumulate);
                return;
        }
    }

    private static void Multiply<T, TOps, TVec>(int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOps : struct, ISimdOps<TVec, T>, IGemmTile<T>
        where TVec : unmanaged
    {
        if (m == 1)
        {
            SingleRow<T, TOps, TVec>(n, k, a, lda, aTransposed, b, ldb, bLayout, c, accumulate);
            return;
        }
        if (n == 1 && bLayout == GemmB.Columns && !aTransposed)
        {
            // One output column: dot products of A's rows with B's only row.
            Gemv.DotRows<TOps, TVec, T>(m, k, b, a, lda, c, ldc, accumulate);
            return;
        }
        Blocked<T, TOps>(m, n, k, a, lda, aTransposed, b, ldb, bLayout, c, ldc, accumulate);
    }

    /// <summary>The GotoBLAS loop nest described on the class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Blocked<T, TTile>(int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTile : struct, IGemmTile<T>
    {
        int mr = TTile.Rows;
        int nr = PanelWidth<T>();
        int ncBlock = ColumnBlock<T>();
        bool vectorPacking = typeof(TTile) != typeof(ScalarOps<T>);
        bool inPlaceB = bLayout == GemmB.Rows && m <= UnpackedBMaxRows;

        int kcMax = Math.Min(k, DepthBlock);
        int mcBlock = RowBlockFor(m);
        T* packA = GemmBuffers<T>.A(Math.Min(RoundUp(m, mr), mcBlock) * kcMax);
        T* packB = bLayout == GemmB.Panels ? null
            : GemmBuffers<T>.B((inPlaceB ? nr : Math.Min(RoundUp(n, nr), ncBlock)) * kcMax);
        T* tile = GemmBuffers<T>.Tile(mr * nr);

        for (int ic = 0; ic < m; ic += mcBlock)
        {
            int mc = Math.Min(mcBlock, m - ic);
            for (int pc = 0; pc < k; pc += DepthBlock)
            {
                int kc = Math.Min(DepthBlock, k - pc);
                bool overwrite = !accumulate && pc == 0;

                if (aTransposed)
                {
                    GemmPacking.PackCopy(a + pc * lda + ic, lda, mc, kc, packA, mr, (nint)mr * kc, vectorPacking);
                }
                else
                {
                    for (int ir = 0; ir < mc; ir += mr)
                        GemmPacking.PackTransposed(a + (ic + ir) * lda + pc, lda, Math.Min(mr, mc - ir), kc, packA + ir * kc, mr, vectorPacking);
                }

                for (int jc = 0; jc < n; jc += ncBlock)
                {
                    int nc = Math.Min(ncBlock, n - jc);
                    T* bBlock;
                    nint panelStride, rowStride;
                    int fullWidth = nc; // panels starting below this use bBlock; an unpacked B's partial last panel is in packB
                    if (bLayout == GemmB.Panels)
                    {
                        bBlock = b + jc / nr * ldb + pc * nr;
                        panelStride = ldb;
                        rowStride = nr;
                    }
                    else if (inPlaceB)
                    {
                        bBlock = b + pc * ldb + jc;
                        panelStride = nr;
                        rowStride = ldb;
                        fullWidth = nc / nr * nr;
                        // The kernels read whole panels; a partial one at the right edge would read past B's rows.
                        if (fullWidth < nc) GemmPacking.PackCopy(bBlock + fullWidth, ldb, nc - fullWidth, kc, packB, nr, 0, vectorPacking);
                    }
                    else
                    {
                        if (bLayout == GemmB.Rows)
                        {
                            GemmPacking.PackCopy(b + pc * ldb + jc, ldb, nc, kc, packB, nr, (nint)nr * kc, vectorPacking);
                        }
                        else
                        {
                            for (int jr = 0; jr < nc; jr += nr)
                                GemmPacking.PackTransposed(b + (jc + jr) * ldb + pc, ldb, Math.Min(nr, nc - jr), kc, packB + jr * kc, nr, vectorPacking);
                        }
                        bBlock = packB;
                        panelStride = (nint)kc * nr;
                        rowStride = nr;
                    }

                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        int rows = Math.Min(mr, mc - ir);
                        T* ap = packA + ir * kc;
                        T* cRow = c + (ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int width = Math.Min(nr, nc - jr);
                            T* bp = bBlock + jr / nr * panelStride;
                            nint bs = rowStride;
                            if (jr >= fullWidth)
                            {
                                bp = packB;
                                bs = nr;
                            }
                            if (rows == mr && TTile.StoredWidth(width) == width)
                            {
                                PrefetchTile(cRow + jr, ldc, mr, width);
                                TTile.Panel(kc, ap, bp, bs, cRow + jr, ldc, width, overwrite);
                            }
                            else
                            {
                                TTile.Panel(kc, ap, bp, bs, tile, nr, width, overwrite: true);
                                MergeTile(tile, nr, cRow + jr, ldc, rows, width, overwrite);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>m = 1 against a <see cref="PackedMatrix{T}"/>: stream each panel once, three registers at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowTimesPanels<T, TOps, TVec>(int n, int k, T* a, T* panels, nint panelStride, T* c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOps : struct, ISimdOps<TVec, T>
        where TVec : unmanaged
    {
        int nr = PanelWidth<T>();
        int step = 3 * TOps.Count; // divides nr on every path: 48 floats = 1·(3·16) = 2·(3·8) = 4·(3·4) = 16·3
        T* tile = GemmBuffers<T>.Tile(nr);
        for (int j = 0; j < n; j += nr)
        {
            int width = Math.Min(nr, n - j);
            T* panel = panels + j / nr * panelStride;
            bool edge = width < nr;
            T* target = edge ? tile : c + j;
            for (int s = 0; s < width; s += step)
                GemmMicroKernels.Row1x3<TOps, TVec, T>(k, a, 1, panel + s, nr, target + s, overwrite: edge || !accumulate);
            if (edge) MergeTile(tile, nr, c + j, 0, 1, width, !accumulate);
        }
    }

    /// <summary>
    /// Asks for the C tile's cache lines before the kernel spends thousands of cycles on the depth loop, so the load
    /// and store of C at its end hit L1 (BLIS's kernels do the same). Without it every tile of a C larger than L2 pays
    /// cache misses once per depth block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile<T>(T* c, nint ldc, int rows, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Sse.IsSupported) return;
        int last = width * Unsafe.SizeOf<T>() - 1;
        for (int r = 0; r < rows; r++, c += ldc)
        {
            byte* row = (byte*)c;
            for (int offset = 0; offset < last; offset += 64) Sse.Prefetch0(row + offset);
            Sse.Prefetch0(row + last);
        }
    }

    /// <summary>Writes (or adds) the valid <paramref name="rows"/> × <paramref name="width"/> corner of a scratch tile into C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MergeTile<T>(T* tile, nint ldt, T* c, nint ldc, int rows, int width, bool overwrite)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            T* s = tile + r * ldt;
            T* d = c + r * ldc;
            if (overwrite) new ReadOnlySpan<T>(s, width).CopyTo(new Span<T>(d, width));
            else for (int j = 0; j < width; j++) d[j] += s[j];
        }
    }

    /// <summary>Rows per block for m rows: as equal as possible, at most <see cref="RowBlock"/>, a multiple of 24 (every
    /// path's MR: 8, 6 and 4 divide it) so only the matrix's last micro-panel is partial.</summary>
    internal static int RowBlockFor(int m)
    {
        int blocks = (m + RowBlock - 1) / RowBlock;
        return Math.Min(RowBlock, RoundUp((m + blocks - 1) / blocks, 24));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
