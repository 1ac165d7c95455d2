using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The matrix–vector products against bfloat16 and int8 weights (<see cref="ReducedGemv"/>), at every width: against a
/// double-precision product over the same stored weights (so only the float sums' rounding differs), with row groups of
/// eight and rows left over, k tails shorter than a chunk, row scales and both accumulate modes, the weights packed as
/// <see cref="ReducedGemv.PackedIndex"/> says (and the padding filled with garbage, which must not reach a result); and
/// the rounding to bfloat16 against its definition.
/// </summary>
public sealed unsafe class ReducedGemvTests
{
    private static readonly int[] Rows = [1, 7, 8, 9, 17, 64];
    private static readonly int[] Depths = [1, 3, 4, 8, 15, 16, 17, 33, 72, 128];

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void BFloat16_products_match_a_double_product_over_the_stored_weights(int bits)
    {
        using var width = new ForcedWidth(bits);
        var random = new Random(41);
        foreach (int n in Rows)
            foreach (int k in Depths)
            {
                ushort[] w = new ushort[n * k];
                for (int i = 0; i < w.Length; i++) w[i] = BFloat16Format.FromSingle((float)(random.NextDouble() * 2 - 1));
                ushort[] packed = Pack(w, n, k, BFloat16Format.FromSingle(float.NaN));
                float[] x = Values(random, k), y = Values(random, n), before = (float[])y.Clone();
                bool accumulate = ((n + k) & 1) == 0;
                fixed (ushort* pw = packed)
                fixed (float* px = x, py = y)
                    ReducedGemv.Multiply<BFloat16Format, ushort>(n, k, px, pw, null, py, accumulate);
                for (int j = 0; j < n; j++)
                {
                    double expected = accumulate ? before[j] : 0, magnitude = Math.Abs(expected);
                    for (int p = 0; p < k; p++)
                    {
                        double term = x[p] * (double)BFloat16Format.ToSingle(w[j * k + p]);
                        expected += term;
                        magnitude += Math.Abs(term);
                    }
                    Assert.True(Math.Abs(y[j] - expected) <= 1e-6 * magnitude + 1e-30, $"{bits} bits, n={n} k={k} row {j}: {y[j]} vs {expected}");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Int8_products_scale_each_row(int bits)
    {
        using var width = new ForcedWidth(bits);
        var random = new Random(42);
        foreach (int n in Rows)
            foreach (int k in Depths)
            {
                sbyte[] w = new sbyte[n * k];
                for (int i = 0; i < w.Length; i++) w[i] = (sbyte)random.Next(-127, 128);
                sbyte[] packed = Pack(w, n, k, sbyte.MinValue);
                float[] scales = Values(random, n), x = Values(random, k), y = Values(random, n), before = (float[])y.Clone();
                bool accumulate = ((n + k) & 1) == 1;
                fixed (sbyte* pw = packed)
                fixed (float* px = x, py = y, ps = scales)
                    ReducedGemv.Multiply<Int8Format, sbyte>(n, k, px, pw, ps, py, accumulate);
                for (int j = 0; j < n; j++)
                {
                    double dot = 0, magnitude = 0;
                    for (int p = 0; p < k; p++)
                    {
                        dot += x[p] * (double)w[j * k + p];
                        magnitude += Math.Abs(x[p] * (double)w[j * k + p]);
                    }
                    double expected = (accumulate ? before[j] : 0) + scales[j] * dot;
                    double bound = 1e-6 * (Math.Abs(scales[j]) * magnitude + (accumulate ? Math.Abs(before[j]) : 0)) + 1e-30;
                    Assert.True(Math.Abs(y[j] - expected) <= bound, $"{bits} bits, n={n} k={k} row {j}: {y[j]} vs {expected}");
                }
            }
    }

    /// <summary>Round to nearest, ties to even, on the 16 bits dropped: checked against the definition, in double.</summary>
    [Fact]
    public void BFloat16_rounds_to_the_nearest_ties_to_even()
    {
        var random = new Random(43);
        for (int i = 0; i < 100_000; i++)
        {
            float v = (float)((random.NextDouble() * 2 - 1) * Math.Pow(2, random.Next(-30, 30)));
            float r = BFloat16Format.ToSingle(BFloat16Format.FromSingle(v));
            // The two bfloat16 neighbours of v: its bits with the low half cleared, and the next one up in magnitude.
            uint bitsV = BitConverter.SingleToUInt32Bits(v);
            float down = BitConverter.UInt32BitsToSingle(bitsV & 0xFFFF0000u), up = BitConverter.UInt32BitsToSingle((bitsV & 0xFFFF0000u) + 0x10000u);
            double dDown = Math.Abs((double)v - down), dUp = Math.Abs((double)up - v);
            float expected = dDown < dUp ? down : dUp < dDown ? up : ((bitsV >> 16) & 1) == 0 ? down : up;
            Assert.Equal(expected, r);
            Assert.True(Math.Abs(r - (double)v) <= Math.Pow(2, -8) * Math.Abs(v), $"{v} → {r}");
        }
        // Exact ties: the low half is 0x8000; the kept half's lowest bit decides.
        Assert.Equal(0x3F80, BFloat16Format.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808000u)));
        Assert.Equal(0x3F82, BFloat16Format.FromSingle(BitConverter.UInt32BitsToSingle(0x3F818000u)));
    }

    /// <summary>A row-major n × k matrix in the kernel's packed order, the padding set to <paramref name="garbage"/>.</summary>
    private static T[] Pack<T>(T[] w, int n, int k, T garbage)
    {
        var packed = new T[ReducedGemv.PackedLength(n, k)];
        Array.Fill(packed, garbage);
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) packed[ReducedGemv.PackedIndex(j, p, k)] = w[j * k + p];
        return packed;
    }

    private static float[] Values(Random random, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
        return v;
    }
}
