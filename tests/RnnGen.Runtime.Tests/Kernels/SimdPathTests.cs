using System.Runtime.Intrinsics;
using RnnGen.Cells;
using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>The width selection: the widest accelerated width by default, and the test override.</summary>
[Collection(SimdWidthCollection.Name)]
public class SimdPathTests
{
    [Fact]
    public void Detected_width_is_the_widest_the_processor_accelerates()
    {
        SimdWidth expected = Vector512.IsHardwareAccelerated ? SimdWidth.Vector512 : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256 : SimdWidth.Scalar;
        Assert.Equal(expected, SimdPath.Detected);
        Assert.Null(SimdPath.Forced);
        Assert.Equal(expected, SimdPath.Current);
    }

    [Fact]
    public void Forcing_a_width_changes_the_path_until_the_scope_ends()
    {
        using (new ForcedWidth(256)) Assert.Equal(SimdWidth.Vector256, SimdPath.Current);
        using (new ForcedWidth(1)) Assert.Equal(SimdWidth.Scalar, SimdPath.Current);
        Assert.Equal(SimdPath.Detected, SimdPath.Current);
    }

    [Fact]
    public void Every_width_computes_the_same_lstm_step_to_float_precision()
    {
        const int batch = 3, hidden = 45;
        float[] Run(int width)
        {
            using var forced = new ForcedWidth(width);
            float[] gates = TestData.Uniform(batch * 4 * hidden, 5, seed: 1), cPrev = TestData.Uniform(batch * hidden, 2, seed: 2);
            float[] c = new float[batch * hidden], h = new float[batch * hidden];
            LstmCell.Forward<float>(gates, cPrev, c, h, hidden, batch, hidden);
            return h;
        }
        float[] scalar = Run(1);
        Assert.Equal(scalar, Run(256), (IEqualityComparer<float>)new Near(1e-6));
        Assert.Equal(scalar, Run(512), (IEqualityComparer<float>)new Near(1e-6));
    }
}
