using System.Runtime.Intrinsics;
using RnnGen.Cells;
using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>The path selection: the widest accelerated path by default, and the thread-static test override.</summary>
public class SimdPathTests
{
    [Fact]
    public void Best_path_is_the_widest_the_processor_accelerates()
    {
        SimdPath expected = Vector512.IsHardwareAccelerated ? SimdPath.Vector512 : Vector256.IsHardwareAccelerated ? SimdPath.Vector256
            : Vector128.IsHardwareAccelerated ? SimdPath.Vector128 : SimdPath.Scalar;
        Assert.Equal(expected, SimdPaths.Best);
        Assert.Null(SimdPaths.Forced);
        Assert.Equal(expected, SimdPaths.Current);
    }

    [Fact]
    public void Forcing_a_path_changes_it_until_the_scope_ends()
    {
        using (new ForcedWidth(256)) Assert.Equal(SimdPath.Vector256, SimdPaths.Current);
        using (new ForcedWidth(128)) Assert.Equal(SimdPath.Vector128, SimdPaths.Current);
        using (new ForcedWidth(1)) Assert.Equal(SimdPath.Scalar, SimdPaths.Current);
        Assert.Equal(SimdPaths.Best, SimdPaths.Current);
    }

    [Fact]
    public void Forcing_a_path_affects_only_the_current_thread()
    {
        using var forced = new ForcedWidth(1);
        SimdPath other = SimdPath.Scalar;
        var thread = new Thread(() => other = SimdPaths.Current);
        thread.Start();
        thread.Join();
        Assert.Equal(SimdPaths.Best, other);
        Assert.Equal(SimdPath.Scalar, SimdPaths.Current);
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
        Assert.Equal(scalar, Run(128), (IEqualityComparer<float>)new Near(1e-6));
        Assert.Equal(scalar, Run(256), (IEqualityComparer<float>)new Near(1e-6));
        Assert.Equal(scalar, Run(512), (IEqualityComparer<float>)new Near(1e-6));
    }
}
