using System.Numerics;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of one LSTM step for a batch, PyTorch gate order i, f, g, o. The matrix products that produce
/// the pre-activations (<c>x·W_ihᵀ + b_ih + b_hh + h·W_hhᵀ</c>) are done by the caller with <see cref="Gemm"/>.
/// </summary>
public static class LstmCell
{
    /// <summary>
    /// <c>i,f,o = σ(·)</c>, <c>g = tanh(·)</c> of the pre-activations in <paramref name="gates"/> <c>[batch, 4H]</c>, written back in place
    /// (backward reads them); then <c>c = f⊙c_prev + i⊙g</c> and <c>h = o⊙tanh(c)</c>.
    /// </summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h, int ldh, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g4, g4);
            ReadOnlySpan<T> cp = cPrev.Slice(b * hidden, hidden);
            Span<T> cr = c.Slice(b * hidden, hidden);
            Span<T> hr = h.Slice(b * ldh, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T i = Activations.Sigmoid(gr[j]);
                T f = Activations.Sigmoid(gr[hidden + j]);
                T g = T.Tanh(gr[2 * hidden + j]);
                T o = Activations.Sigmoid(gr[3 * hidden + j]);
                gr[j] = i; gr[hidden + j] = f; gr[2 * hidden + j] = g; gr[3 * hidden + j] = o;
                T cj = f * cp[j] + i * g;
                cr[j] = cj;
                hr[j] = o * T.Tanh(cj);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. Reads the gate activations in <paramref name="gates"/> and overwrites them with the
    /// pre-activation gradients (<c>di, df, dg, do</c>, which the caller multiplies into the weights).
    /// <paramref name="dh"/> is <c>dL/dh</c> of this step; <paramref name="dc"/> holds <c>dL/dc</c> flowing back from the next
    /// step on entry and <c>dL/dc_prev</c> on return.
    /// </summary>
    /// <remarks>
    /// With <c>τ = tanh(c)</c>: <c>do = dh⊙τ⊙o(1−o)</c>; <c>dc += dh⊙o⊙(1−τ²)</c>; <c>di = dc⊙g⊙i(1−i)</c>;
    /// <c>df = dc⊙c_prev⊙f(1−f)</c>; <c>dg = dc⊙i⊙(1−g²)</c>; <c>dc_prev = dc⊙f</c>.
    /// </remarks>
    public static void Backward<T>(Span<T> gates, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, int lddh, Span<T> dc, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g4 = 4 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g4, g4);
            ReadOnlySpan<T> cp = cPrev.Slice(b * hidden, hidden);
            ReadOnlySpan<T> cr = c.Slice(b * hidden, hidden);
            ReadOnlySpan<T> dhr = dh.Slice(b * lddh, hidden);
            Span<T> dcr = dc.Slice(b * hidden, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T i = gr[j], f = gr[hidden + j], g = gr[2 * hidden + j], o = gr[3 * hidden + j];
                T tc = T.Tanh(cr[j]);
                T dcj = dcr[j] + dhr[j] * o * (T.One - tc * tc);
                gr[j] = dcj * g * i * (T.One - i);
                gr[hidden + j] = dcj * cp[j] * f * (T.One - f);
                gr[2 * hidden + j] = dcj * i * (T.One - g * g);
                gr[3 * hidden + j] = dhr[j] * tc * o * (T.One - o);
                dcr[j] = dcj * f;
            }
        }
    }
}
