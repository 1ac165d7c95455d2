using System.Numerics;

namespace RnnGen.Cells;

/// <summary>Pointwise part of a vanilla RNN step: <c>h = act(pre)</c> with act = tanh or relu, in place.</summary>
public static class RnnCell
{
    /// <summary>Replaces the pre-activations <c>x·W_ihᵀ + b_ih + b_hh + h_prev·W_hhᵀ</c> in <paramref name="h"/> by <c>h = act(pre)</c>.</summary>
    public static void Forward<T>(Span<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int b = 0; b < batch; b++)
        {
            Span<T> hr = h.Slice(b * ldh, hidden);
            if (nonlinearity == Nonlinearity.Tanh)
                for (int j = 0; j < hidden; j++) hr[j] = T.Tanh(hr[j]);
            else
                for (int j = 0; j < hidden; j++) hr[j] = T.Max(hr[j], T.Zero);
        }
    }

    /// <summary>
    /// Turns <c>dL/dh</c> in <paramref name="dh"/> into <c>dL/dpre</c> in place, from the outputs <paramref name="h"/>:
    /// <c>dpre = dh⊙(1−h²)</c> for tanh, <c>dh⊙[h &gt; 0]</c> for relu.
    /// </summary>
    public static void Backward<T>(Span<T> dh, int lddh, ReadOnlySpan<T> h, int ldh, int batch, int hidden, Nonlinearity nonlinearity)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int b = 0; b < batch; b++)
        {
            Span<T> d = dh.Slice(b * lddh, hidden);
            ReadOnlySpan<T> hr = h.Slice(b * ldh, hidden);
            if (nonlinearity == Nonlinearity.Tanh)
                for (int j = 0; j < hidden; j++) d[j] *= T.One - hr[j] * hr[j];
            else
                for (int j = 0; j < hidden; j++) d[j] = hr[j] > T.Zero ? d[j] : T.Zero;
        }
    }
}
