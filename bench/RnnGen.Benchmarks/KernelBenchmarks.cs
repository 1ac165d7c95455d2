using BenchmarkDotNet.Attributes;
using RnnGen.Cells;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>The kernels alone: GEMM in the shapes the generated code uses, and the fused LSTM cell.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private readonly float[] _a = Fill(2048 * 512), _b = Fill(2048 * 512), _c = new float[2048 * 2048];
    private readonly float[] _gates = Fill(64 * 4 * 512), _cPrev = Fill(64 * 512), _cell = new float[64 * 512], _h = new float[64 * 512];

    private static float[] Fill(int n)
    {
        var r = new Randomness.Xoshiro256StarStar(1);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)r.NextUniform(-1, 1);
        return v;
    }

    [Benchmark(Description = "GEMM NN 512×512×512")]
    public void Gemm512() => Gemm.NN(512, 512, 512, _a, 512, _b, 512, _c, 512, accumulate: false);

    [Benchmark(Description = "GEMM NT 16×512×128 (recurrent step, B=16)")]
    public void RecurrentB16() => Gemm.NT(16, 512, 128, _a, 128, _b, 128, _c, 512, accumulate: true);

    [Benchmark(Description = "GEMM NT 1×512×128 (recurrent step, B=1)")]
    public void RecurrentB1() => Gemm.NT(1, 512, 128, _a, 128, _b, 128, _c, 512, accumulate: true);

    private readonly ushort[] _bf16 = new ushort[1024 * 256];
    private readonly sbyte[] _int8 = new sbyte[1024 * 256];
    private readonly float[] _scales = Fill(1024);

    [Benchmark(Description = "GEMV 1×1024×256 float (Step of an LSTM 256)")]
    public void StepH256() => Gemm.NT(1, 1024, 256, _a, 256, _b, 256, _c, 1024, accumulate: true);

    [Benchmark(Description = "GEMV 1×512×128 bfloat16")]
    public unsafe void RecurrentB1BFloat16()
    {
        fixed (float* x = _a, y = _c) fixed (ushort* w = _bf16) ReducedGemv.Multiply<BFloat16Format, ushort>(512, 128, x, w, null, y, true);
    }

    [Benchmark(Description = "GEMV 1×1024×256 bfloat16")]
    public unsafe void StepH256BFloat16()
    {
        fixed (float* x = _a, y = _c) fixed (ushort* w = _bf16) ReducedGemv.Multiply<BFloat16Format, ushort>(1024, 256, x, w, null, y, true);
    }

    [Benchmark(Description = "GEMV 1×512×128 int8")]
    public unsafe void RecurrentB1Int8()
    {
        fixed (float* x = _a, y = _c, s = _scales) fixed (sbyte* w = _int8) ReducedGemv.Multiply<Int8Format, sbyte>(512, 128, x, w, s, y, true);
    }

    [Benchmark(Description = "GEMM TN 512×65×512 (dW_ih of LSTM 65, 128 at B=16, T=32)")]
    public void WeightGradientNarrow() => Gemm.TN(512, 65, 512, _a, 512, _b, 65, _c, 65, accumulate: true);

    [Benchmark(Description = "GEMM TN 65×512×512 (the same product transposed: dW_ihᵀ)")]
    public void WeightGradientNarrowTransposed() => Gemm.TN(65, 512, 512, _b, 65, _a, 512, _c, 512, accumulate: true);

    [Benchmark(Description = "GEMM TN 512×128×512 (dW_hh of LSTM 65, 128 at B=16, T=32)")]
    public void WeightGradientHidden() => Gemm.TN(512, 128, 512, _a, 512, _b, 128, _c, 128, accumulate: true);

    [Benchmark(Description = "GEMM TN 2048×512×2048 (weight gradient)")]
    public void WeightGradient() => Gemm.TN(2048, 512, 512, _a, 2048, _b, 512, _c, 512, accumulate: true);

    [Benchmark(Description = "LSTM cell forward B=64 H=512")]
    public void LstmForward() => LstmCell.Forward<float>(_gates, _cPrev, _cell, _h, 512, 64, 512);
}
