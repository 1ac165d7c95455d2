using RnnGen.Memory;

namespace RnnGen.Kernels;

/// <summary>
/// A model's copy of some of its weight matrices in a narrower <see cref="WeightFormat"/>, for the single-row products of
/// steps at batch 1, which are bound by the bytes of weights they read (generated code holds one; see
/// <see cref="WeightFormat"/>). The copy follows the parameters: it is rebuilt on the first product after
/// <see cref="SharedParameters{T}.Version"/> changed, that is after anyone asked for a writable view of the parameters
/// (a model's <c>Parameters</c> or <c>Parameter(name)</c>, <see cref="SharedParameters{T}.Values"/>) or a model updated
/// them itself. A span of the parameters taken before a product and written after it is not seen: take it again.
/// </summary>
public sealed unsafe class ReducedWeights
{
    private readonly SharedParameters<float> _parameters;
    private readonly Matrix[] _matrices;
    private readonly long _elements;
    private readonly int _rows;
    private WeightFormat _format;
    private AlignedBuffer<ushort>? _bf16;
    private AlignedBuffer<sbyte>? _int8;
    private AlignedBuffer<float>? _scales;
    private int _version;
    private bool _current;

    /// <summary>A matrix of the parameters (offset, rows and columns, row-major as the tensor is stored), where its packed
    /// copy starts and where its row scales start.</summary>
    private readonly record struct Matrix(int Offset, int Rows, int Columns, long Start, int FirstRow);

    /// <summary>Covers the matrices at <paramref name="matrices"/> (offset, rows, columns) of <paramref name="parameters"/>.</summary>
    public ReducedWeights(SharedParameters<float> parameters, ReadOnlySpan<(int Offset, int Rows, int Columns)> matrices)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = parameters;
        _matrices = new Matrix[matrices.Length];
        long start = 0;
        int rows = 0;
        for (int i = 0; i < matrices.Length; i++)
        {
            (int offset, int r, int c) = matrices[i];
            if (offset < 0 || r < 0 || c < 0 || (long)offset + (long)r * c > parameters.Buffer.Length)
                throw new ArgumentOutOfRangeException(nameof(matrices), $"Matrix {i} ({r}×{c} at {offset}) lies outside the {parameters.Buffer.Length} parameters.");
            _matrices[i] = new Matrix(offset, r, c, start, rows);
            start += ReducedGemv.PackedLength(r, c); // a multiple of 128 elements: every matrix starts on a cache line
            rows += r;
        }
        _elements = start;
        _rows = rows;
    }

    /// <summary>The format products read; <see cref="WeightFormat.Single"/> (the default) turns the copy off.</summary>
    public WeightFormat Format
    {
        get => _format;
        set
        {
            if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown weight format.");
            if (value == _format) return;
            _format = value;
            _current = false;
            // Only the copy in use is kept.
            if (value != WeightFormat.BFloat16) _bf16 = null;
            if (value != WeightFormat.Int8)
            {
                _int8 = null;
                _scales = null;
            }
        }
    }

    /// <summary>Whether products read the copy (<see cref="Format"/> is not <see cref="WeightFormat.Single"/>).</summary>
    public bool Active => _format != WeightFormat.Single;

    /// <summary>Bytes the copy holds (0 until a product in a reduced format has run).</summary>
    public long Bytes => (_bf16?.Bytes ?? 0) + (_int8?.Bytes ?? 0) + (_scales?.Bytes ?? 0);

    /// <summary>
    /// <c>y[i·ldy + j] (+)= Σ_p x[i·ldx + p]·W[j, p]</c> for the <paramref name="m"/> rows i of x, with W matrix
    /// <paramref name="matrix"/> read in <see cref="Format"/>: the reduced form of <c>Gemm.NT(m, x, W)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="Format"/> is <see cref="WeightFormat.Single"/>.</exception>
    public void NT(int matrix, int m, ReadOnlySpan<float> x, int ldx, Span<float> y, int ldy, bool accumulate)
    {
        if (!Active) throw new InvalidOperationException("The weight format is Single: use Gemm.NT on the float weights.");
        Matrix w = _matrices[matrix];
        Gemm.CheckOperand(x.Length, ldx, m, w.Columns, nameof(x), nameof(ldx));
        Gemm.CheckOperand(y.Length, ldy, m, w.Rows, nameof(y), nameof(ldy));
        Refresh();
        fixed (float* px = x)
        fixed (float* py = y)
        {
            for (int i = 0; i < m; i++)
            {
                float* xi = px + (nint)i * ldx, yi = py + (nint)i * ldy;
                if (_format == WeightFormat.BFloat16)
                    ReducedGemv.Multiply<BFloat16Format, ushort>(w.Rows, w.Columns, xi, (ushort*)Pointer(_bf16!) + w.Start, null, yi, accumulate);
                else
                    ReducedGemv.Multiply<Int8Format, sbyte>(w.Rows, w.Columns, xi, (sbyte*)Pointer(_int8!) + w.Start, (float*)Pointer(_scales!) + w.FirstRow, yi, accumulate);
            }
        }
    }

    private static void* Pointer<T>(AlignedBuffer<T> buffer) where T : unmanaged =>
        System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(buffer.Span));

    /// <summary>Rebuilds the copy when the format or the parameters changed since it was made.</summary>
    private void Refresh()
    {
        int version = _parameters.Version;
        if (_current && version == _version) return;
        ReadOnlySpan<float> p = _parameters.Buffer.Span;
        if (_format == WeightFormat.BFloat16)
        {
            _bf16 ??= new AlignedBuffer<ushort>(checked((int)_elements));
            Span<ushort> q = _bf16.Span;
            foreach (Matrix w in _matrices)
                for (int r = 0; r < w.Rows; r++)
                {
                    ReadOnlySpan<float> row = p.Slice(w.Offset + r * w.Columns, w.Columns);
                    for (int c = 0; c < row.Length; c++) q[(int)(w.Start + ReducedGemv.PackedIndex(r, c, w.Columns))] = BFloat16Format.FromSingle(row[c]);
                }
        }
        else
        {
            _int8 ??= new AlignedBuffer<sbyte>(checked((int)_elements));
            _scales ??= new AlignedBuffer<float>(_rows);
            Span<sbyte> q = _int8.Span;
            Span<float> scales = _scales.Span;
            foreach (Matrix w in _matrices)
                for (int r = 0; r < w.Rows; r++)
                {
                    ReadOnlySpan<float> row = p.Slice(w.Offset + r * w.Columns, w.Columns);
                    float max = 0;
                    foreach (float v in row) max = MathF.Max(max, MathF.Abs(v));
                    // Symmetric per-row scale: the largest weight maps to ±127; an all-zero row stays zero.
                    float scale = max / 127, inverse = max > 0 ? 127 / max : 0;
                    scales[w.FirstRow + r] = scale;
                    for (int c = 0; c < row.Length; c++) q[(int)(w.Start + ReducedGemv.PackedIndex(r, c, w.Columns))] = (sbyte)Math.Clamp(MathF.Round(row[c] * inverse), -127, 127);
                }
        }
        _version = version;
        _current = true;
    }
}
