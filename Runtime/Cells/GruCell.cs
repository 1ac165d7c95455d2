using System.Numerics;
using RnnGen.Kernels;

namespace RnnGen.Cells;

/// <summary>
/// Pointwise part of one GRU step for a batch, PyTorch gate order r, z, n:
/// <c>r = σ(x·W_irᵀ + b_ir + h·W_hrᵀ + b_hr)</c>, <c>z = σ(…)</c>, <c>n = tanh(x·W_inᵀ + b_in + r⊙(h·W_hnᵀ + b_hn))</c>,
/// <c>h' = (1−z)⊙n + z⊙h</c>. The reset gate multiplies the recurrent part of n only, so the recurrent product
/// <c>h·W_hhᵀ</c> arrives separately from the input projection.
/// </summary>
public static class GruCell
{
    /// <summary>
    /// <paramref name="gates"/> <c>[batch, 3H]</c> holds <c>x·W_ihᵀ + b_ih</c> (+ <c>b_hh</c> in the r and z blocks) and receives (r, z, n);
    /// <paramref name="recurrent"/> <c>[batch, 3H]</c> holds <c>h_prev·W_hhᵀ</c>; <paramref name="biasHn"/> is <c>b_hn</c>;
    /// <paramref name="hn"/> <c>[batch, H]</c> receives <c>h_prev·W_hnᵀ + b_hn</c>, which backward needs for <c>dr</c>.
    /// </summary>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> recurrent, ReadOnlySpan<T> biasHn, Span<T> hn,
        ReadOnlySpan<T> hPrev, int ldPrev, Span<T> h, int ldh, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g3, g3);
            ReadOnlySpan<T> rr = recurrent.Slice(b * g3, g3);
            Span<T> hnr = hn.Slice(b * hidden, hidden);
            ReadOnlySpan<T> hp = hPrev.Slice(b * ldPrev, hidden);
            Span<T> hr = h.Slice(b * ldh, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T r = Activations.Sigmoid(gr[j] + rr[j]);
                T z = Activations.Sigmoid(gr[hidden + j] + rr[hidden + j]);
                T hnj = rr[2 * hidden + j] + biasHn[j];
                T n = T.Tanh(gr[2 * hidden + j] + r * hnj);
                gr[j] = r; gr[hidden + j] = z; gr[2 * hidden + j] = n;
                hnr[j] = hnj;
                hr[j] = (T.One - z) * n + z * hp[j];
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>. On return <paramref name="gates"/> holds the input-side pre-activation gradients
    /// (<c>dr, dz, dn</c>) and <paramref name="hn"/> the recurrent-side gradient of the n block, <c>dn⊙r</c>; so the recurrent
    /// gradient is <c>[dr, dz, dn⊙r]</c>. <c>dh⊙z</c> is added to <paramref name="dhPrev"/> when it is not empty.
    /// </summary>
    /// <remarks>
    /// <c>dn = dh⊙(1−z)⊙(1−n²)</c>; <c>dz = dh⊙(h_prev − n)⊙z(1−z)</c>; <c>dr = dn⊙hn⊙r(1−r)</c>; <c>dh_prev += dh⊙z</c>.
    /// </remarks>
    public static void Backward<T>(Span<T> gates, Span<T> hn, ReadOnlySpan<T> hPrev, int ldPrev,
        ReadOnlySpan<T> dh, int lddh, Span<T> dhPrev, int ldDhPrev, int batch, int hidden)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<T> gr = gates.Slice(b * g3, g3);
            Span<T> hnr = hn.Slice(b * hidden, hidden);
            ReadOnlySpan<T> hp = hPrev.Slice(b * ldPrev, hidden);
            ReadOnlySpan<T> dhr = dh.Slice(b * lddh, hidden);
            Span<T> dhp = dhPrev.IsEmpty ? default : dhPrev.Slice(b * ldDhPrev, hidden);
            for (int j = 0; j < hidden; j++)
            {
                T r = gr[j], z = gr[hidden + j], n = gr[2 * hidden + j];
                T d = dhr[j];
                T dn = d * (T.One - z) * (T.One - n * n);
                T dz = d * (hp[j] - n) * z * (T.One - z);
                T dr = dn * hnr[j] * r * (T.One - r);
                gr[j] = dr; gr[hidden + j] = dz; gr[2 * hidden + j] = dn;
                hnr[j] = dn * r;
                if (!dhp.IsEmpty) dhp[j] += d * z;
            }
        }
    }
}
