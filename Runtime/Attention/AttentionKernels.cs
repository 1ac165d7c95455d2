using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen.Attention;

// Global attention's pointwise parts (Luong et al. 2015, §3.1). The products around them — scores q·ē_s, contexts
// Σ_s a_s·ē_s and their gradients — are the generated code's matrix products, one per lane over its real source steps.
//
// Layouts, as the generated code keeps them: a pass's attention rows are time-major, row r = t·Batch + lane (rows start
// at a step boundary, so lane = r mod Batch); scores and weights are [rows, Steps] with lane's real source steps first
// (its length, lengths[lane]); the encoder's outputs (memory) and the additive score's keys are [Steps, Batch, width].

/// <summary>
/// a = softmax(e) over each row's real source steps, written over the scores; past a lane's length (padding) the
/// weights are 0, and a lane with no source step (length 0, an unused lane) has weights 0 everywhere.
/// </summary>
public static class MaskedSoftmax
{
    /// <summary>Turns scores <c>[rows, steps]</c> into weights in place.</summary>
    /// <remarks>Each row's real steps are contiguous, so they are <see cref="Losses.Softmax"/>'s rows, at the path's width
    /// with its exponential (<see cref="VectorMath{TOps, TVec, T}.Exp"/>).</remarks>
    public static unsafe void Forward<T>(Span<T> scores, int rows, int steps, ReadOnlySpan<int> lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = CheckRows(scores.Length, rows, steps, lengths, nameof(scores));
        for (int r = 0; r < rows; r++) scores.Slice(r * steps + lengths[r % batch], steps - lengths[r % batch]).Clear();
        fixed (T* s = scores)
        fixed (int* n = lengths)
            Losses.Softmax.RowPrefixes(s, rows, steps, n, batch);
    }

    /// <summary>
    /// dL/de from dL/da in place, through the softmax of each row: <c>de_s = a_s·(da_s − Σ_j a_j·da_j)</c> over the real
    /// steps, 0 past them.
    /// </summary>
    /// <remarks>The softmax Jacobian of <see cref="Losses.Softmax.JacobianBackward{T}"/>, over each row's real steps.</remarks>
    public static unsafe void Backward<T>(ReadOnlySpan<T> weights, Span<T> gradient, int rows, int steps, ReadOnlySpan<int> lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = CheckRows(gradient.Length, rows, steps, lengths, nameof(gradient));
        Shape.Rows(weights.Length, rows, steps, steps, nameof(weights));
        fixed (T* a = weights, g = gradient)
        fixed (int* n = lengths)
            Losses.Softmax.JacobianRows(a, g, g, rows, steps, n, batch);
        for (int r = 0; r < rows; r++) gradient.Slice(r * steps + lengths[r % batch], steps - lengths[r % batch]).Clear();
    }

    /// <summary>Checks that <paramref name="rows"/> rows of <paramref name="steps"/> fit and every length lies in [0, steps]
    /// (the vector kernels do not check bounds); returns the batch.</summary>
    private static int CheckRows(int length, int rows, int steps, ReadOnlySpan<int> lengths, string name)
    {
        Shape.Rows(length, rows, steps, steps, name);
        if (rows > 0 && lengths.IsEmpty) throw new ArgumentException("Every row needs its lane's length.", nameof(lengths));
        foreach (int n in lengths)
            if ((uint)n > (uint)steps) throw new ArgumentOutOfRangeException(nameof(lengths), n, $"A source length must lie in [0, {steps}].");
        return lengths.Length;
    }
}

/// <summary>
/// Bahdanau's additive score <c>e_ts = v·tanh(q_t + k_s)</c>, with the query <c>q_t = W_q·h_t + b_q</c> and the key
/// <c>k_s = W_k·ē_s</c> computed by products beforehand (each once: the keys once per pass).
/// </summary>
public static unsafe class AdditiveScore
{
    /// <summary>Scores <c>[rows, steps]</c> of the real source steps of each row's lane (0 past them).</summary>
    /// <param name="query">q, <c>[rows, width]</c>.</param>
    /// <param name="keys">k, <c>[steps, batch, width]</c> (the keys of every lane, time-major).</param>
    /// <param name="v">v, <c>[width]</c>.</param>
    /// <param name="scores">e, <c>[rows, steps]</c>.</param>
    /// <param name="rows">Attention rows, starting at a step boundary (row r is lane r mod batch).</param>
    /// <param name="steps">Source steps (the encoder's Steps).</param>
    /// <param name="width">Width of q, k and v.</param>
    /// <param name="lengths">Each lane's source length; <c>lengths.Length</c> is the batch.</param>
    public static void Forward<T>(ReadOnlySpan<T> query, ReadOnlySpan<T> keys, ReadOnlySpan<T> v, Span<T> scores, int rows, int steps, int width, ReadOnlySpan<int> lengths)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = lengths.Length;
        Shape.Rows(query.Length, rows, width, width, nameof(query));
        Shape.Rows(keys.Length, steps * batch, width, width, nameof(keys));
        Shape.Rows(scores.Length, rows, steps, steps, nameof(scores));
        for (int r = 0; r < rows; r++)
        {
            int lane = r % batch;
            Row(query.Slice(r * width, width), keys.Slice(lane * width), batch * width, v, scores.Slice(r * steps, steps), lengths[lane], width);
        }
    }

    /// <summary>
    /// The scores of one query against the keys of one lane: <c>e_s = v·tanh(q + k_s)</c> for s below
    /// <paramref name="length"/>, with k_s at <c>s·ldKeys</c> of <paramref name="keys"/>; 0 for the rest of <paramref name="scores"/>.
    /// </summary>
    public static void Row<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> keys, int ldKeys, ReadOnlySpan<T> v, Span<T> scores, int length, int width)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape.Count(q.Length, width, nameof(q));
        Shape.Count(v.Length, width, nameof(v));
        Shape.Rows(keys.Length, length, width, ldKeys, nameof(keys));
        fixed (T* pq = q, pk = keys, pv = v)
        {
            for (int s = 0; s < length; s++)
                scores[s] = Simd.Sum<ScoreOperator<T>, T>(new(pq, pk + (nint)s * ldKeys, pv), width);
        }
        scores.Slice(length).Clear();
    }

    /// <summary>The terms of one score, v_j·tanh(q_j + k_j) (tanh as the RNN cell computes it: a polynomial in float, exact in double).</summary>
    private readonly struct ScoreOperator<T>(T* q, T* k, T* v) : ISumOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        TVec ISumOperator<T>.Invoke<TOps, TVec>(nuint j, TVec total)
            => TOps.MultiplyAdd(TOps.Load(v + j), VectorMath<TOps, TVec, T>.Tanh(TOps.Add(TOps.Load(q + j), TOps.Load(k + j))), total);
    }

    /// <summary>One score's gradient g into dv, dq and dk: τ = tanh(q + k), dv += g·τ, dq and dk += g·v⊙(1 − τ²).</summary>
    private readonly struct BackwardOperator<T>(T* q, T* k, T* v, T* dq, T* dk, T* dv, T g) : IRowOperator<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec tau = VectorMath<TOps, TVec, T>.Tanh(TOps.Add(TOps.Load(q + j), TOps.Load(k + j)));
            TVec gv = TOps.Create(g);
            TOps.Store(TOps.MultiplyAdd(gv, tau, TOps.Load(dv + j)), dv + j);
            TVec d = TOps.Multiply(TOps.Multiply(gv, TOps.Load(v + j)), TOps.Subtract(TOps.Create(T.One), TOps.Multiply(tau, tau)));
            TOps.Store(TOps.Add(TOps.Load(dq + j), d), dq + j);
            TOps.Store(TOps.Add(TOps.Load(dk + j), d), dk + j);
        }
    }

    /// <summary>
    /// Adds the gradients of the scores' inputs: with τ = tanh(q_t + k_s) and g = dL/de_ts,
    /// <c>dv += g·τ</c>, <c>dq_t += g·v⊙(1 − τ²)</c>, <c>dk_s += g·v⊙(1 − τ²)</c> (τ is recomputed, not kept).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> query, ReadOnlySpan<T> keys, ReadOnlySpan<T> v, ReadOnlySpan<T> scoreGradient,
        Span<T> queryGradient, Span<T> keyGradient, Span<T> vGradient, int rows, int steps, int width, ReadOnlySpan<int> lengths)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batch = lengths.Length;
        Shape.Rows(query.Length, rows, width, width, nameof(query));
        Shape.Rows(queryGradient.Length, rows, width, width, nameof(queryGradient));
        Shape.Rows(keys.Length, steps * batch, width, width, nameof(keys));
        Shape.Rows(keyGradient.Length, steps * batch, width, width, nameof(keyGradient));
        Shape.Rows(scoreGradient.Length, rows, steps, steps, nameof(scoreGradient));
        Shape.Count(v.Length, width, nameof(v));
        Shape.Count(vGradient.Length, width, nameof(vGradient));
        fixed (T* pq = query, pk = keys, pv = v, pdq = queryGradient, pdk = keyGradient, pdv = vGradient)
        {
            for (int r = 0; r < rows; r++)
            {
                int lane = r % batch, n = lengths[lane];
                for (int s = 0; s < n; s++)
                {
                    T g = scoreGradient[r * steps + s];
                    if (g == T.Zero) continue;
                    nint key = (nint)(s * batch + lane) * width;
                    Simd.Elements<BackwardOperator<T>, T>(new(pq + (nint)r * width, pk + key, pv, pdq + (nint)r * width, pdk + key, pdv, g), width);
                }
            }
        }
    }
}

/// <summary>
/// The attentional state's nonlinearity, <c>h̃ = tanh(u)</c> with <c>u = W_c·[c_t ; h_t]</c>: the tanh RNN cell's pointwise
/// step (<see cref="Cells.RnnCell"/>), over the values as one row.
/// </summary>
public static class AttentionalState
{
    /// <summary>h̃ = tanh(u), in place.</summary>
    public static void Forward<T>(Span<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (values.Length > 0) Cells.RnnCell.Forward(values, ldh: values.Length, batch: 1, hidden: values.Length, Nonlinearity.Tanh);
    }

    /// <summary>dL/du = dL/dh̃ ⊙ (1 − h̃²), in place.</summary>
    public static void Backward<T>(ReadOnlySpan<T> state, Span<T> gradient) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (gradient.Length > 0) Cells.RnnCell.Backward(gradient, lddh: gradient.Length, state, ldh: gradient.Length, batch: 1, hidden: gradient.Length, Nonlinearity.Tanh);
    }
}
