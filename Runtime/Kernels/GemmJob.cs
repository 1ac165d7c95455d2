using System.Numerics;

namespace RnnGen.Kernels;

/// <summary>
/// A product split for <see cref="GemmWorkers"/>: disjoint blocks of C, each a contiguous range of rows (multiples of
/// 24, which every path's MR divides) or of columns (multiples of the panel width NR), run through the same blocked loop
/// nest as the whole product. The k loop, the depth blocks and the register tiles of every element are the same as in
/// the unsplit call, and tiles cut at a block edge are computed the same way (a scratch tile merged with one add), so
/// every element gets exactly the single-threaded operations: the results are bit-identical. A single-row product is
/// split by columns into whole units of its matrix–vector kernel instead (<see cref="PlanSingleRow{T}"/>).
/// </summary>
internal unsafe struct GemmJob
{
    private SimdPath _path;
    private bool _double;
    private int _m, _n, _k;
    private nint _a, _lda, _b, _ldb, _c, _ldc;
    private bool _aTransposed, _accumulate;
    private GemmB _bLayout;
    private bool _byColumns;
    private bool _singleRow;
    private int _unit, _units;

    /// <summary>How many blocks the product is split into (1: not worth splitting).</summary>
    public int Blocks { get; private set; }

    /// <summary>
    /// Blocks per thread. More than one, so that when a thread is slow to start or runs slowly (a core shared with
    /// another process) the others take over part of its share instead of waiting for all of it; few, because each
    /// block packs its own copy of the operand that is not split.
    /// </summary>
    internal const int BlocksPerThread = 4;

    /// <summary>
    /// Rows or columns below which a thread's share is not cut further: each block packs its own copy of the operand that
    /// is not split (all of B for a block of rows, all of A for a block of columns), and packing an element costs about as
    /// much time as 8–16 multiply-adds, so a block of r rows spends roughly 16/r of its time on that copy; 512 keeps it
    /// near 3 %.
    /// </summary>
    internal const int MinBlockSize = 512;

    /// <summary>Rows of C per unit of a row split: a multiple of every path's MR (8, 6, 4).</summary>
    internal const int RowUnit = 24;

    /// <summary>
    /// Splits a product into one block per thread, or more (up to <see cref="BlocksPerThread"/>) while blocks keep
    /// <see cref="MinBlockSize"/> rows or columns. A <see cref="PackedMatrix{T}"/> operand is split by
    /// column panels (each thread then streams only its share of the packed weights, the same share every step). Otherwise
    /// the longer of m and n is split, so the operand every thread packs a whole copy of is the smaller one.
    /// </summary>
    public static GemmJob Plan<T>(int threads, SimdPath path, int m, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, nint ldc, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 1) return PlanSingleRow(threads, path, n, k, a, lda, aTransposed, b, ldb, bLayout, c, accumulate);
        bool byColumns = bLayout == GemmB.Panels || n > m;
        int unit = byColumns ? GemmBlocking.PanelWidth<T>() : RowUnit;
        int total = byColumns ? n : m;
        int units = (total + unit - 1) / unit;
        return new GemmJob
        {
            _path = path,
            _double = typeof(T) == typeof(double),
            _m = m, _n = n, _k = k,
            _a = (nint)a, _lda = lda, _aTransposed = aTransposed,
            _b = (nint)b, _ldb = ldb, _bLayout = bLayout,
            _c = (nint)c, _ldc = ldc, _accumulate = accumulate,
            _byColumns = byColumns,
            _unit = unit,
            _units = units,
            Blocks = Math.Min(Math.Min(Math.Clamp(total / MinBlockSize, threads, threads * BlocksPerThread), GemmWorkers.MaxBlocks), units),
        };
    }

    /// <summary>
    /// A single-row product (m = 1, a recurrent step at batch 1) split into one block of columns per thread: the matrix
    /// is read once either way, so the point is that each core streams half of it, from its own L2 where the half fits,
    /// the same half every step (one block per thread, because the row-group order that lets a step reuse what the last
    /// one left in L1 is kept per thread and per matrix address). Blocks are whole eight-row groups (NT), whole strips of
    /// eight registers (NN, TN; 512 bytes is a multiple of every path's strip) or whole panels (packed), so every
    /// element is computed as in the unsplit call.
    /// </summary>
    private static GemmJob PlanSingleRow<T>(int threads, SimdPath path, int n, int k, T* a, nint lda, bool aTransposed,
        T* b, nint ldb, GemmB bLayout, T* c, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int unit = bLayout switch
        {
            GemmB.Columns => 8,
            GemmB.Rows => 512 / sizeof(T),
            _ => GemmBlocking.PanelWidth<T>(),
        };
        int units = (n + unit - 1) / unit;
        return new GemmJob
        {
            _path = path,
            _double = typeof(T) == typeof(double),
            _singleRow = true,
            _m = 1, _n = n, _k = k,
            _a = (nint)a, _lda = lda, _aTransposed = aTransposed,
            _b = (nint)b, _ldb = ldb, _bLayout = bLayout,
            _c = (nint)c, _ldc = 0, _accumulate = accumulate,
            _byColumns = true,
            _unit = unit,
            _units = units,
            Blocks = Math.Min(threads, units),
        };
    }

    /// <summary>The first row (or column) of block <paramref name="block"/> and how many it has: the units shared out as
    /// evenly as possible, the partial unit at the end of the matrix in the last block.</summary>
    public readonly (int Start, int Count) Range(int block)
    {
        int first = (int)((long)block * _units / Blocks), end = (int)((long)(block + 1) * _units / Blocks);
        int total = _byColumns ? _n : _m;
        int start = first * _unit;
        return (start, Math.Min(end * _unit, total) - start);
    }

    /// <summary>Computes block <paramref name="block"/> on the calling thread (with that thread's packing buffers).</summary>
    public readonly void RunBlock(int block)
    {
        if (_double) RunBlock<double>(block);
        else RunBlock<float>(block);
    }

    private readonly void RunBlock<T>(int block)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (int start, int count) = Range(block);
        if (count <= 0) return;
        T* a = (T*)_a, b = (T*)_b, c = (T*)_c;
        if (_byColumns)
        {
            T* bBlock = _bLayout switch
            {
                GemmB.Rows => b + start,
                GemmB.Columns => b + start * _ldb,
                _ => b + start / GemmBlocking.PanelWidth<T>() * _ldb,
            };
            if (_singleRow) GemmBlocking.SingleRowOn(_path, count, _k, a, _lda, _aTransposed, bBlock, _ldb, _bLayout, c + start, _accumulate);
            else GemmBlocking.BlockedOn(_path, _m, count, _k, a, _lda, _aTransposed, bBlock, _ldb, _bLayout, c + start, _ldc, _accumulate);
        }
        else
        {
            T* aBlock = _aTransposed ? a + start : a + start * _lda;
            GemmBlocking.BlockedOn(_path, count, _n, _k, aBlock, _lda, _aTransposed, b, _ldb, _bLayout, c + start * _ldc, _ldc, _accumulate);
        }
    }
}
