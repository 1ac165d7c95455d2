using RnnGen.Cells;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Cells;

/// <summary><see cref="GruCell"/> against a naive double-precision implementation of PyTorch's GRU equations.</summary>
public class GruCellTests
{
    // r = σ(gx_r + gh_r), z = σ(gx_z + gh_z), hn = gh_n + b_hn, n = tanh(gx_n + r⊙hn), h' = (1−z)⊙n + z⊙h.
    private static void ReferenceForward(double[] gates, double[] recurrent, double[] biasHn, double[] hn,
        double[] hPrev, int ldPrev, double[] h, int ldh, int batch, int hidden)
    {
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int row = b * 3 * hidden;
                double r = Sigmoid(gates[row + j] + recurrent[row + j]);
                double z = Sigmoid(gates[row + hidden + j] + recurrent[row + hidden + j]);
                double hnj = recurrent[row + 2 * hidden + j] + biasHn[j];
                double n = Math.Tanh(gates[row + 2 * hidden + j] + r * hnj);
                (gates[row + j], gates[row + hidden + j], gates[row + 2 * hidden + j]) = (r, z, n);
                hn[b * hidden + j] = hnj;
                h[b * ldh + j] = (1 - z) * n + z * hPrev[b * ldPrev + j];
            }
    }

    // dn = dh⊙(1−z)⊙(1−n²); dz = dh⊙(h_prev − n)⊙z(1−z); dr = dn⊙hn⊙r(1−r); hn ← dn⊙r; dh_prev += dh⊙z.
    private static void ReferenceBackward(double[] gates, double[] hn, double[] hPrev, int ldPrev, double[] dh, int lddh,
        double[]? dhPrev, int ldDhPrev, int batch, int hidden)
    {
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < hidden; j++)
            {
                int row = b * 3 * hidden;
                double r = gates[row + j], z = gates[row + hidden + j], n = gates[row + 2 * hidden + j], d = dh[b * lddh + j];
                double dn = d * (1 - z) * (1 - n * n);
                double dz = d * (hPrev[b * ldPrev + j] - n) * z * (1 - z);
                double dr = dn * hn[b * hidden + j] * r * (1 - r);
                // Recurrent side [dr, dz, dn⊙r] stays in the gates; the input side of n, dn, goes to hn.
                (gates[row + j], gates[row + hidden + j], gates[row + 2 * hidden + j]) = (dr, dz, dn * r);
                hn[b * hidden + j] = dn;
                if (dhPrev is not null) dhPrev[b * ldDhPrev + j] += d * z;
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Forward_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (int batch in Widths.Batch)
            foreach (int hidden in Widths.Hidden)
            {
                int ldPrev = 2 * hidden + 1, ldh = hidden + 4;
                float[] gates = Uniform(batch * 3 * hidden, 4, seed: hidden), recurrent = Uniform(batch * 3 * hidden, 3, seed: 10 + hidden);
                float[] biasHn = Uniform(hidden, 1, seed: 20 + hidden), hPrev = Uniform(batch * ldPrev, 1, seed: 30 + hidden);
                float[] hn = Poisoned(batch * hidden), h = Poisoned(batch * ldh);
                double[] eGates = ToDouble(gates), eHn = ToDouble(hn), eH = ToDouble(h);
                ReferenceForward(eGates, ToDouble(recurrent), ToDouble(biasHn), eHn, ToDouble(hPrev), ldPrev, eH, ldh, batch, hidden);

                GruCell.Forward<float>(gates, recurrent, biasHn, hn, hPrev, ldPrev, h, ldh, batch, hidden);

                string what = $"width {width}, batch {batch}, H {hidden}";
                AssertClose(eGates, gates, 1e-6, $"gates ({what})");
                AssertClose(eHn, hn, 1e-6, $"hn ({what})");
                AssertClose(eH, h, 2e-6, $"h ({what})");
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Backward_matches_double_reference(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (bool toPrevious in new[] { true, false })
            foreach (int batch in Widths.Batch)
                foreach (int hidden in Widths.Hidden)
                {
                    int ldPrev = hidden + 2, lddh = 2 * hidden + 3, ldDhPrev = 2 * hidden + 3;
                    float[] gates = Uniform(batch * 3 * hidden, 0, 1, seed: hidden);
                    for (int k = 0; k < gates.Length; k++)
                        if ((k % (3 * hidden)) / hidden == 2) gates[k] = 2 * gates[k] - 1; // n = tanh(·) ∈ (−1, 1)
                    float[] hn = Uniform(batch * hidden, 2, seed: 40 + hidden), hPrev = Uniform(batch * ldPrev, 1, seed: 50 + hidden);
                    float[] dh = Uniform(batch * lddh, 1, seed: 60 + hidden);
                    float[] dhPrev = toPrevious ? Uniform(batch * ldDhPrev, 1, seed: 70 + hidden) : Array.Empty<float>();
                    double[] eGates = ToDouble(gates), eHn = ToDouble(hn), eDhPrev = ToDouble(dhPrev);
                    ReferenceBackward(eGates, eHn, ToDouble(hPrev), ldPrev, ToDouble(dh), lddh, toPrevious ? eDhPrev : null, ldDhPrev, batch, hidden);

                    GruCell.Backward<float>(gates, hn, hPrev, ldPrev, dh, lddh, dhPrev, ldDhPrev, batch, hidden);

                    string what = $"width {width}, batch {batch}, H {hidden}, dhPrev {toPrevious}";
                    AssertClose(eGates, gates, 1e-6, $"dgates ({what})");
                    AssertClose(eHn, hn, 1e-6, $"dn⊙r ({what})");
                    AssertClose(eDhPrev, dhPrev, 1e-6, $"dhPrev ({what})");
                }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Double_precision_matches_the_reference_at_every_width(int width)
    {
        using var forced = new ForcedWidth(width);
        const int batch = 2, hidden = 17;
        double[] gates = ToDouble(Uniform(batch * 3 * hidden, 4, seed: 1)), recurrent = ToDouble(Uniform(batch * 3 * hidden, 3, seed: 2));
        double[] biasHn = ToDouble(Uniform(hidden, 1, seed: 3)), hPrev = ToDouble(Uniform(batch * hidden, 1, seed: 4));
        double[] hn = new double[batch * hidden], h = new double[batch * hidden];
        double[] eGates = (double[])gates.Clone(), eHn = new double[hn.Length], eH = new double[h.Length];
        ReferenceForward(eGates, recurrent, biasHn, eHn, hPrev, hidden, eH, hidden, batch, hidden);
        GruCell.Forward<double>(gates, recurrent, biasHn, hn, hPrev, hidden, h, hidden, batch, hidden);
        AssertClose(eGates, gates, 1e-15, "gates");
        AssertClose(eH, h, 1e-15, "h");

        double[] dh = ToDouble(Uniform(batch * hidden, 1, seed: 5)), dhPrev = new double[batch * hidden], eDhPrev = new double[batch * hidden];
        ReferenceBackward(eGates, eHn, hPrev, hidden, dh, hidden, eDhPrev, hidden, batch, hidden);
        GruCell.Backward<double>(gates, hn, hPrev, hidden, dh, hidden, dhPrev, hidden, batch, hidden);
        AssertClose(eGates, gates, 1e-15, "dgates");
        AssertClose(eDhPrev, dhPrev, 1e-15, "dhPrev");
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Extreme_preactivations_give_finite_states(int width)
    {
        using var forced = new ForcedWidth(width);
        const int hidden = 19;
        float[] gates = new float[3 * hidden], recurrent = new float[3 * hidden];
        for (int k = 0; k < gates.Length; k++)
        {
            gates[k] = k % 2 == 0 ? 1e4f : -1e4f;
            recurrent[k] = k % 3 == 0 ? 3e38f : -3e38f;
        }
        float[] biasHn = new float[hidden], hn = new float[hidden], hPrev = Uniform(hidden, 1, seed: 8), h = new float[hidden];
        GruCell.Forward<float>(gates, recurrent, biasHn, hn, hPrev, hidden, h, hidden, 1, hidden);
        AssertFinite(gates, "gates");
        AssertFinite(h, "h");
        foreach (float g in gates) Assert.True(Math.Abs(g) is 0f or 1f || Math.Abs(Math.Abs(g) - 1) <= 3e-7, $"activation {g} is not saturated");
    }
}
