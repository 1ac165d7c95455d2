using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Memory;

namespace RnnGen.Kernels;

/// <summary>
/// The right-hand operand of a GEMM, copied once into the panel layout the micro-kernels stream through, for a matrix
/// multiplied many times with the same values — above all a recurrent weight matrix <c>W_hh</c>, used once per time step.
/// Packing it once per forward (or backward) pass instead of once per step removes the transpose-and-copy from every
/// step (PERF-NOTES §"What the fast RNN engines do", point 6).
/// </summary>
/// <remarks>
/// <para>A packed matrix stands for a logical k × n matrix B′ multiplied on the right: <c>C = A·B′</c>. Pack it from the
/// same <c>b</c> you would pass to the unpacked call and then call the matching overload:</para>
/// <list type="bullet">
/// <item><see cref="PackNT"/> + <see cref="Gemm.NT{T}(int, ReadOnlySpan{T}, int, PackedMatrix{T}, Span{T}, int, bool)"/>:
/// <c>b</c> is n × k (PyTorch's <c>[out, in]</c> weights), B′ = bᵀ. Forward: <c>gates += h·W_hhᵀ</c>.</item>
/// <item><see cref="PackNN"/> + <see cref="Gemm.NN{T}(int, ReadOnlySpan{T}, int, PackedMatrix{T}, Span{T}, int, bool)"/>:
/// <c>b</c> is k × n, B′ = b. Backward: <c>dh += dgates·W_hh</c>.</item>
/// </list>
/// <para>Layout: column panels of <c>NR</c> = 48 floats (24 doubles), the last one zero-padded; panel <c>q</c> holds, for
/// every p &lt; k in order, the <c>NR</c> values <c>B′[p, q·NR ..]</c>. The layout does not depend on the instruction set,
/// so a packed matrix is valid on every GEMM path. The storage is allocated once, in the constructor, with room for
/// the largest shape given to the constructor; packing allocates nothing. After packing, any number of threads may
/// multiply with it concurrently; packing again while another thread multiplies is a race, as for any buffer.</para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class PackedMatrix<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly AlignedBuffer<T> _panels;

    /// <summary>Allocates room for a packed B′ of up to <paramref name="capacityK"/> × <paramref name="capacityN"/>.</summary>
    /// <param name="capacityN">Largest n (columns of the product) that <see cref="PackNT"/>/<see cref="PackNN"/> will be given.</param>
    /// <param name="capacityK">Largest k (the shared dimension).</param>
    /// <exception cref="ArgumentOutOfRangeException">A capacity is negative, or the storage would exceed an array's size.</exception>
    public PackedMatrix(int capacityN, int capacityK)
        : this(new[] { (capacityN, capacityK) })
    {
    }

    /// <summary>
    /// Allocates room for the largest of several shapes (n, k), so one instance serves matrices packed one after another —
    /// a model's layers, and its forward (NT, n = G·H, k = H) and backward (NN, n = H, k = G·H) packings — with storage for
    /// only the largest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the storage would exceed an array's size.</exception>
    public PackedMatrix(IEnumerable<(int N, int K)> shapes)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        long length = 0;
        foreach ((int n, int k) in shapes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(shapes));
            ArgumentOutOfRangeException.ThrowIfNegative(k, nameof(shapes));
            length = Math.Max(length, PackedLength(n, k));
        }
        if (length > Array.MaxLength - 64)
            throw new ArgumentOutOfRangeException(nameof(shapes), $"A packed matrix of {length} elements is more than an array holds.");
        _panels = new AlignedBuffer<T>((int)length);
    }

    /// <summary>Elements a packed k × n matrix takes: n rounded up to whole panels, times k.</summary>
    private static long PackedLength(int n, int k)
    {
        int nr = GemmBlocking.PanelWidth<T>();
        return (n + (long)nr - 1) / nr * nr * k;
    }

    /// <summary>Bytes of packed storage.</summary>
    public long Bytes => _panels.Bytes;

    /// <summary>Columns n of B′ (and of the product) as last packed; 0 before the first pack.</summary>
    public int N { get; private set; }

    /// <summary>Depth k of B′ (columns of A) as last packed; 0 before the first pack.</summary>
    public int K { get; private set; }

    /// <summary>Which GEMM form the contents were packed for, or <see langword="null"/> before the first pack.</summary>
    internal PackedForm? Form { get; private set; }

    /// <summary>Distance in elements between consecutive panels: k·NR.</summary>
    internal nint PanelStride => (nint)K * GemmBlocking.PanelWidth<T>();

    /// <summary>
    /// Packs <paramref name="b"/>, an n × k row-major matrix with rows <paramref name="ldb"/> apart, as the right operand
    /// of <see cref="Gemm.NT{T}(int, ReadOnlySpan{T}, int, PackedMatrix{T}, Span{T}, int, bool)"/> (B′ = bᵀ): the
    /// same <c>b</c>, <c>n</c>, <c>k</c>, <c>ldb</c> as for <see cref="Gemm.NT{T}(int, int, int, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int, bool)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or above capacity, or <paramref name="ldb"/> &lt; k.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> is too short; nothing is changed.</exception>
    public void PackNT(ReadOnlySpan<T> b, int n, int k, int ldb)
    {
        CheckSizes(n, k);
        Gemm.CheckOperand(b.Length, ldb, n, k, nameof(b), nameof(ldb));
        Pack(b, n, k, ldb, PackedForm.NT);
    }

    /// <summary>
    /// Packs <paramref name="b"/>, a k × n row-major matrix with rows <paramref name="ldb"/> apart, as the right operand
    /// of <see cref="Gemm.NN{T}(int, ReadOnlySpan{T}, int, PackedMatrix{T}, Span{T}, int, bool)"/> (B′ = b): the same
    /// <c>b</c>, <c>k</c>, <c>n</c>, <c>ldb</c> as for <see cref="Gemm.NN{T}(int, int, int, ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int, bool)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or above capacity, or <paramref name="ldb"/> &lt; n.</exception>
    /// <exception cref="ArgumentException"><paramref name="b"/> is too short; nothing is changed.</exception>
    public void PackNN(ReadOnlySpan<T> b, int k, int n, int ldb)
    {
        CheckSizes(n, k);
        Gemm.CheckOperand(b.Length, ldb, k, n, nameof(b), nameof(ldb));
        Pack(b, n, k, ldb, PackedForm.NN);
    }

    /// <summary>The first packed element; the storage is pinned, so the pointer stays valid for the object's lifetime.</summary>
    internal unsafe T* Data => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_panels.Span));

    private void CheckSizes(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (PackedLength(n, k) > _panels.Length)
            throw new ArgumentOutOfRangeException(nameof(n), $"A packed {k}×{n} matrix needs {PackedLength(n, k)} elements; this instance holds {_panels.Length} (the capacity given to the constructor).");
    }

    private unsafe void Pack(ReadOnlySpan<T> b, int n, int k, int ldb, PackedForm form)
    {
        int nr = GemmBlocking.PanelWidth<T>();
        bool vectorPacking = SimdPaths.Current != SimdPath.Scalar;
        T* dst = Data;
        fixed (T* src = b)
        {
            if (form == PackedForm.NN)
            {
                GemmPacking.PackCopy(src, ldb, n, k, dst, nr, (nint)k * nr, vectorPacking);
            }
            else
            {
                for (int j = 0; j < n; j += nr)
                    GemmPacking.PackTransposed(src + (nint)j * ldb, ldb, Math.Min(nr, n - j), k, dst + (nint)(j / nr) * k * nr, nr, vectorPacking);
            }
        }
        N = n;
        K = k;
        Form = form;
    }
}

/// <summary>The unpacked GEMM form a <see cref="PackedMatrix{T}"/> stands in for.</summary>
internal enum PackedForm
{
    /// <summary>Packed by <see cref="PackedMatrix{T}.PackNT"/> from an n × k matrix.</summary>
    NT,

    /// <summary>Packed by <see cref="PackedMatrix{T}.PackNN"/> from a k × n matrix.</summary>
    NN,
}
