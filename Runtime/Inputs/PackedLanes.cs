using System.Numerics;

namespace RnnGen.Inputs;

/// <summary>
/// The lanes of one batch of variable-length sequences, laid out as a packed sequence (PyTorch's
/// <c>PackedSequence</c>, cuDNN's packed layout): lanes sorted by length, longest first (a stable sort, so equal
/// lengths keep the caller's order), and step t holding only the <c>Rows[t]</c> lanes still running, which are the
/// first <c>Rows[t]</c> sorted lanes. A <c>[steps, Batch, width]</c> tensor of the caller becomes <c>[TotalRows, width]</c>
/// with step t at rows <c>[Start[t], Start[t] + Rows[t])</c>, so every product and pointwise pass over a step, or over
/// all steps, touches real rows only. With every lane full the order is the caller's and the layout is the padded one.
/// Generated models hold one instance and call it; it is public for them, not meant to be used on its own.
/// </summary>
public sealed class PackedLanes
{
    private readonly int[] _lengths;   // caller's order
    private readonly int[] _order;     // sorted lane i is the caller's lane _order[i]
    private readonly int[] _sorted;    // length of sorted lane i
    private readonly int[] _rows;      // Rows[t], t in [0, Steps]; Rows[Steps] = 0
    private readonly int[] _start;     // Start[t], t in [0, Steps]; Start[Steps] = TotalRows

    /// <summary>Lanes of <paramref name="steps"/> steps each, all full.</summary>
    public PackedLanes(int steps, int batch)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be at least 1.");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Batch must be at least 1.");
        Steps = steps;
        Batch = batch;
        _lengths = new int[batch];
        _order = new int[batch];
        _sorted = new int[batch];
        _rows = new int[steps + 1];
        _start = new int[steps + 1];
        SetFull();
    }

    /// <summary>Steps of the longest possible lane.</summary>
    public int Steps { get; }

    /// <summary>Lanes, B.</summary>
    public int Batch { get; }

    /// <summary>Each lane's length, in the caller's order.</summary>
    public ReadOnlySpan<int> Lengths => _lengths;

    /// <summary><c>Rows[t]</c>: lanes still running at step t (t in <c>[0, Steps]</c>; <c>Rows[Steps]</c> is 0).</summary>
    public ReadOnlySpan<int> Rows => _rows;

    /// <summary><c>Start[t]</c>: the packed row where step t begins (<c>Start[Steps]</c> is <see cref="TotalRows"/>).</summary>
    public ReadOnlySpan<int> Start => _start;

    /// <summary>Rows of all steps together: the sum of the lengths.</summary>
    public int TotalRows => _start[Steps];

    /// <summary>Lanes with a length above 0; they are the first sorted lanes.</summary>
    public int Used { get; private set; }

    /// <summary>Whether every lane has length <see cref="Steps"/> (the padded layout, in the caller's order).</summary>
    public bool Full { get; private set; }

    /// <summary>The caller's lane of sorted lane <paramref name="i"/>.</summary>
    public int LaneOf(int i) => _order[i];

    /// <summary>Every lane full: the layout of a pass without lengths.</summary>
    public void SetFull()
    {
        Array.Fill(_lengths, Steps);
        Array.Fill(_sorted, Steps);
        for (int b = 0; b < Batch; b++) _order[b] = b;
        Count();
    }

    /// <summary>Takes <paramref name="lengths"/> (checked by <see cref="ArgumentChecks.Lengths"/> first).</summary>
    public void Set(ReadOnlySpan<int> lengths)
    {
        ArgumentChecks.Lengths(lengths, Steps, Batch, nameof(lengths));
        lengths.CopyTo(_lengths);
        // Stable insertion sort by length, longest first: B is small and this runs once per pass.
        for (int b = 0; b < Batch; b++)
        {
            int i = b;
            while (i > 0 && _sorted[i - 1] < lengths[b])
            {
                _sorted[i] = _sorted[i - 1];
                _order[i] = _order[i - 1];
                i--;
            }
            _sorted[i] = lengths[b];
            _order[i] = b;
        }
        Count();
    }

    private void Count()
    {
        int used = 0, full = 0;
        for (int i = 0; i < Batch; i++)
        {
            if (_sorted[i] > 0) used++;
            if (_sorted[i] == Steps) full++;
        }
        Used = used;
        Full = full == Batch;
        int lane = Batch, row = 0;
        for (int t = 0; t <= Steps; t++)
        {
            while (lane > 0 && _sorted[lane - 1] <= t) lane--;
            _rows[t] = lane;
            _start[t] = row;
            row += lane;
        }
    }

    /// <summary>Caller's ids <c>[steps, Batch]</c> to packed rows (a many-to-one target is one step).</summary>
    public void PackIds(ReadOnlySpan<int> source, Span<int> packed)
    {
        int steps = source.Length / Batch;
        for (int t = 0; t < steps; t++)
        {
            int start = _start[t];
            for (int i = 0; i < _rows[t]; i++) packed[start + i] = source[t * Batch + _order[i]];
        }
    }

    /// <summary>Caller's rows <c>[steps, Batch, width]</c> to packed rows <c>[.., width]</c> (steps = 1: one row per used lane).</summary>
    public void PackRows<T>(ReadOnlySpan<T> source, int width, Span<T> packed)
    {
        int steps = source.Length / (Batch * width);
        for (int t = 0; t < steps; t++)
        {
            int start = _start[t];
            for (int i = 0; i < _rows[t]; i++)
                source.Slice((t * Batch + _order[i]) * width, width).CopyTo(packed.Slice((start + i) * width, width));
        }
    }

    /// <summary>Packed rows back to the caller's <c>[steps, Batch, width]</c>, with zeros where a lane has no step.</summary>
    public void UnpackRows<T>(ReadOnlySpan<T> packed, int width, Span<T> destination)
    {
        int steps = destination.Length / (Batch * width);
        if (!Full) destination.Clear();
        for (int t = 0; t < steps; t++)
        {
            int start = _start[t];
            for (int i = 0; i < _rows[t]; i++)
                packed.Slice((start + i) * width, width).CopyTo(destination.Slice((t * Batch + _order[i]) * width, width));
        }
    }

    /// <summary>
    /// Sets to <paramref name="value"/> the entries of <paramref name="values"/> (<c>[steps, Batch, width]</c>, the
    /// caller's lane order) whose step lies past the lane's length once shifted back by <paramref name="shift"/>: a
    /// decoder's teacher-forced inputs hold at step s the target of step s − 1, so with shift 1 the inputs that come
    /// from padded targets become <paramref name="value"/> and cannot carry garbage into the activations.
    /// </summary>
    public void FillPast<T>(Span<T> values, int width, int shift, T value)
    {
        int steps = values.Length / (Batch * width);
        for (int s = 0; s < steps; s++)
            for (int b = 0; b < Batch; b++)
                if (s - shift >= _lengths[b]) values.Slice((s * Batch + b) * width, width).Fill(value);
    }

    /// <summary>Rows <c>[Batch, width]</c> in the caller's lane order to the sorted order (an initial state).</summary>
    public void SortLanes<T>(ReadOnlySpan<T> source, int width, Span<T> destination)
    {
        for (int i = 0; i < Batch; i++) source.Slice(_order[i] * width, width).CopyTo(destination.Slice(i * width, width));
    }

    /// <summary>
    /// Each used lane's row after its last real step (forward direction: step length − 1; reverse direction: step 0)
    /// of a packed <c>[TotalRows, ld]</c> tensor from column <paramref name="column"/>, into sorted rows
    /// <c>[Used, ldDestination]</c>: what a many-to-one head reads.
    /// </summary>
    public void GatherLast<T>(ReadOnlySpan<T> packed, int ld, int column, int width, bool reverse, Span<T> destination, int ldDestination)
    {
        for (int i = 0; i < Used; i++)
        {
            int row = reverse ? i : _start[_sorted[i] - 1] + i;
            packed.Slice(row * ld + column, width).CopyTo(destination.Slice(i * ldDestination, width));
        }
    }

    /// <summary>
    /// Rows <c>[Batch, width]</c> in the caller's lane order (the gradient of each lane's final state) written, or added
    /// when <paramref name="add"/>, to each used lane's row of its last real step of a packed <c>[TotalRows, ld]</c>
    /// tensor, columns <c>[column, column + width)</c>. An unused lane took no step: its row goes nowhere.
    /// </summary>
    public void ScatterLast<T>(ReadOnlySpan<T> lanes, Span<T> packed, int ld, int column, int width, bool add) where T : unmanaged, IFloatingPointIeee754<T> =>
        ScatterLast(lanes, packed, ld, column, width, reverse: false, add);

    /// <summary>
    /// As <see cref="ScatterLast{T}(ReadOnlySpan{T}, Span{T}, int, int, int, bool)"/>, for either direction: a reverse
    /// direction's last step is step 0, where its row of a used lane is the lane's sorted index.
    /// </summary>
    public void ScatterLast<T>(ReadOnlySpan<T> lanes, Span<T> packed, int ld, int column, int width, bool reverse, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < Used; i++)
        {
            ReadOnlySpan<T> source = lanes.Slice(_order[i] * width, width);
            Span<T> target = packed.Slice((reverse ? i : _start[_sorted[i] - 1] + i) * ld + column, width);
            if (add) Kernels.Matrix.Add(source, target);
            else source.CopyTo(target);
        }
    }

    /// <summary>
    /// The reverse of <see cref="GatherLast"/> for gradients: moves sorted row i of step 0 (columns
    /// <c>[column, column + width)</c>) to the lane's last real step, leaving zeros behind (lanes of length 1 stay).
    /// </summary>
    public void MoveToLast<T>(Span<T> packed, int ld, int column, int width)
    {
        for (int i = 0; i < Used; i++)
        {
            if (_sorted[i] == 1) continue;
            Span<T> from = packed.Slice(i * ld + column, width);
            from.CopyTo(packed.Slice((_start[_sorted[i] - 1] + i) * ld + column, width));
            from.Clear();
        }
    }

    /// <summary>
    /// The state after step <paramref name="step"/> of each lane, in the caller's order <c>[Batch, width]</c>: the
    /// packed row of <c>min(step, length − 1)</c> (reverse direction: step 0, where it ends), or the lane's row of
    /// <paramref name="initial"/> for an unused lane (it took no step).
    /// </summary>
    public void StateAfter<T>(int step, ReadOnlySpan<T> packed, int ld, int column, int width, bool reverse, ReadOnlySpan<T> initial, Span<T> destination)
    {
        for (int i = 0; i < Batch; i++)
        {
            int lane = _order[i];
            Span<T> target = destination.Slice(lane * width, width);
            if (_sorted[i] == 0) initial.Slice(lane * width, width).CopyTo(target);
            else
            {
                int t = reverse ? 0 : Math.Min(step, _sorted[i] - 1);
                packed.Slice((_start[t] + i) * ld + column, width).CopyTo(target);
            }
        }
    }

    /// <summary>
    /// h_(t-1) of every packed row, aligned with the rows of step t, into <c>[TotalRows, width]</c>: the other operand
    /// of <c>dW_hh = Σ_t dgates_tᵀ·h_(t-1)</c> as one product. Forward direction: rows of step t ≥ 1 from step t − 1
    /// (step 0's rows are left for the caller, who pairs them with h0 directly). Reverse direction: a lane that runs
    /// past t takes its row of step t + 1, a lane whose last real step is t takes its row of <paramref name="h0"/>
    /// (sorted order).
    /// </summary>
    public void PreviousRows<T>(ReadOnlySpan<T> packed, int ld, int column, int width, bool reverse, ReadOnlySpan<T> h0, Span<T> destination)
    {
        for (int t = reverse ? 0 : 1; t < Steps; t++)
        {
            int rows = _rows[t], start = _start[t];
            if (rows == 0) break;
            int from = reverse ? Math.Min(_rows[t + 1], rows) : rows;
            int previous = reverse ? _start[t + 1] : _start[t - 1];
            for (int i = 0; i < from; i++) packed.Slice((previous + i) * ld + column, width).CopyTo(destination.Slice((start + i) * width, width));
            for (int i = from; i < rows; i++) h0.Slice(i * width, width).CopyTo(destination.Slice((start + i) * width, width));
        }
    }
}
