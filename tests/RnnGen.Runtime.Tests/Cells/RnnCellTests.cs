using RnnGen.Cells;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Cells;

/// <summary><see cref="RnnCell"/> (tanh and relu) against naive double-precision references.</summary>
public class RnnCellTests
{
    public static TheoryData<int, Nonlinearity> Cases
    {
        get
        {
            var data = new TheoryData<int, Nonlinearity>();
            foreach (int width in Widths.All) foreach (Nonlinearity f in new[] { Nonlinearity.Tanh, Nonlinearity.Relu }) data.Add(width, f);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_double_reference(int width, Nonlinearity nonlinearity)
    {
        using var forced = new ForcedWidth(width);
        bool tanh = nonlinearity == Nonlinearity.Tanh;
        foreach (int batch in Widths.Batch)
            foreach (int hidden in Widths.Hidden)
            {
                int ldh = hidden + 7, lddh = 2 * hidden + 1;
                float[] h = Uniform(batch * ldh, 5, seed: hidden);
                for (int b = 0; b < batch; b++) h.AsSpan(b * ldh + hidden, ldh - hidden).Fill(float.NaN); // padding stays NaN
                double[] eH = ToDouble(h);
                for (int b = 0; b < batch; b++)
                    for (int j = 0; j < hidden; j++)
                    {
                        double x = eH[b * ldh + j];
                        eH[b * ldh + j] = tanh ? Math.Tanh(x) : Math.Max(x, 0);
                    }
                string what = $"{nonlinearity}, width {width}, batch {batch}, H {hidden}";

                RnnCell.Forward<float>(h, ldh, batch, hidden, nonlinearity);
                AssertClose(eH, h, 1e-6, $"h ({what})");

                float[] dh = Uniform(batch * lddh, 1, seed: 10 + hidden);
                double[] eDh = ToDouble(dh);
                for (int b = 0; b < batch; b++)
                    for (int j = 0; j < hidden; j++)
                    {
                        double y = h[b * ldh + j];
                        eDh[b * lddh + j] *= tanh ? 1 - y * y : y > 0 ? 1 : 0;
                    }
                RnnCell.Backward<float>(dh, lddh, h, ldh, batch, hidden, nonlinearity);
                AssertClose(eDh, dh, 1e-6, $"dh ({what})");
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Extreme_preactivations_saturate(int width)
    {
        using var forced = new ForcedWidth(width);
        float[] pre = { 1e4f, -1e4f, 3e38f, -3e38f, 9f, -9f, 1e-30f, -1e-30f, 0f, 1e4f, -1e4f, 3e38f, -3e38f, 20f, -20f, 1f, -1f };
        float[] h = (float[])pre.Clone();
        RnnCell.Forward<float>(h, h.Length, 1, h.Length, Nonlinearity.Tanh);
        for (int k = 0; k < h.Length; k++)
            Assert.True(Math.Abs(h[k] - Math.Tanh(pre[k])) <= 3e-7 * Math.Max(1e-30, Math.Abs(Math.Tanh(pre[k]))) + 1e-45, $"tanh({pre[k]}) = {h[k]}");

        h = (float[])pre.Clone();
        RnnCell.Forward<float>(h, h.Length, 1, h.Length, Nonlinearity.Relu);
        for (int k = 0; k < h.Length; k++) Assert.Equal(Math.Max(pre[k], 0f), h[k]);
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Double_precision_matches_the_reference_at_every_width(int width)
    {
        using var forced = new ForcedWidth(width);
        double[] pre = ToDouble(Uniform(3 * 20, 5, seed: 1)), h = (double[])pre.Clone();
        RnnCell.Forward<double>(h, 20, 3, 17, Nonlinearity.Tanh);
        for (int k = 0; k < h.Length; k++) Assert.Equal(k % 20 < 17 ? Math.Tanh(pre[k]) : pre[k], h[k]);

        double[] relu = (double[])pre.Clone();
        RnnCell.Forward<double>(relu, 20, 3, 17, Nonlinearity.Relu);
        for (int k = 0; k < relu.Length; k++) Assert.Equal(k % 20 < 17 ? Math.Max(pre[k], 0) : pre[k], relu[k]);

        double[] dh = ToDouble(Uniform(3 * 20, 1, seed: 2)), dTanh = (double[])dh.Clone(), dRelu = (double[])dh.Clone();
        RnnCell.Backward<double>(dTanh, 20, h, 20, 3, 17, Nonlinearity.Tanh);
        RnnCell.Backward<double>(dRelu, 20, relu, 20, 3, 17, Nonlinearity.Relu);
        for (int k = 0; k < dh.Length; k++)
        {
            Assert.Equal(k % 20 < 17 ? dh[k] * (1 - h[k] * h[k]) : dh[k], dTanh[k]);
            Assert.Equal(k % 20 < 17 ? (relu[k] > 0 ? dh[k] : 0) : dh[k], dRelu[k]);
        }
    }
}
