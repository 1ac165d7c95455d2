using System.Security.Cryptography;
using RnnGen.Randomness;

namespace RnnGen.Determinism.Probe;

/// <summary>A small LSTM + GRU stack trained on fixed random data; one run of it, start to finish, from a seed.</summary>
[RnnModel(Steps = 12, Batch = 8)]
[TokenInput(20, Embedding = 8)]
[Lstm(32)]
[Gru(24)]
[SoftmaxOutput(20)]
public partial class ProbeModel { }

/// <summary>
/// Trains <see cref="ProbeModel"/> for a number of Adam steps from a seed and returns the parameters. The same code
/// runs in the test process and in child processes (this project's Main), so results can be compared across both.
/// </summary>
public static class DeterminismRun
{
    public static float[] Train(ulong seed, int steps)
    {
        var model = new ProbeModel(seed);
        var random = new Xoshiro256StarStar(seed + 1);
        var x = new int[ProbeModel.Steps * ProbeModel.Batch];
        var y = new int[x.Length];
        var adam = new Adam<float>(3e-3f);
        for (int s = 0; s < steps; s++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = random.NextInt(20);
                y[i] = (x[i] * 7 + 3) % 20;
            }
            model.TrainStep(x, y, adam, clipNorm: 1f);
        }
        return model.Parameters.ToArray();
    }

    public static string Hash(float[] parameters) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(parameters.AsSpan())));

    /// <summary>The path every kernel of this process runs on (GEMM and pointwise kernels share one dispatch).</summary>
    public static string KernelPaths => $"simd={RnnGen.Kernels.SimdPaths.Current}";

    /// <summary>
    /// <c>RnnGen.Determinism.Probe seed steps [output.bin]</c>: prints the SHA-256 of the parameters (and writes them),
    /// then <see cref="KernelPaths"/> on a second line: the environment switches that select a path are only requests,
    /// so the caller needs to see what ran.
    /// </summary>
    public static int Main(string[] args)
    {
        float[] p = Train(ulong.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
        if (args.Length > 2) File.WriteAllBytes(args[2], System.Runtime.InteropServices.MemoryMarshal.AsBytes(p.AsSpan()).ToArray());
        Console.WriteLine(Hash(p));
        Console.WriteLine(KernelPaths);
        return 0;
    }
}
