using RnnGen.Kernels;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary>
/// Every optimizer's update at every width (512, 256, 128 bits and scalar): the float update against the same optimizer
/// in double precision (relative 1e-5 after four steps), and bit for bit against the scalar path on every width the
/// hardware accelerates, since the updates use only correctly rounded operations and fuse their multiply-adds on every
/// such path alike (where the CPU has FMA).
/// </summary>
public class OptimizerWidthTests
{
    // 101 parameters: several full registers at every width and a tail of every length.
    private const int Count = 101, Steps = 4;

    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string name in new[] { "sgd", "sgd-momentum", "sgd-nesterov-decay", "adam", "adam-decay", "adamw", "rmsprop", "rmsprop-centered-momentum", "adagrad" })
                foreach (int width in Widths.All) data.Add(name, width);
            return data;
        }
    }

    private static IOptimizer<T> Create<T>(string name) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T lr = T.CreateTruncating(0.01);
        return name switch
        {
            "sgd" => new Sgd<T>(lr),
            "sgd-momentum" => new Sgd<T>(lr, momentum: T.CreateTruncating(0.9)),
            "sgd-nesterov-decay" => new Sgd<T>(lr, momentum: T.CreateTruncating(0.9), nesterov: true, weightDecay: T.CreateTruncating(0.01)),
            "adam" => new Adam<T>(lr),
            "adam-decay" => new Adam<T>(lr, weightDecay: T.CreateTruncating(0.01)),
            "adamw" => new AdamW<T>(lr, weightDecay: 0.1),
            "rmsprop" => new RmsProp<T>(lr),
            "rmsprop-centered-momentum" => new RmsProp<T>(lr, weightDecay: T.CreateTruncating(0.01), momentum: 0.9, centered: true),
            "adagrad" => new Adagrad<T>(lr, learningRateDecay: 0.1, weightDecay: T.CreateTruncating(0.01), initialAccumulator: 0.1),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }

    private static float[] RunFloat(string name, int width)
    {
        using var forced = new ForcedWidth(width);
        float[] theta = Uniform(Count, 1, seed: 11);
        IOptimizer<float> optimizer = Create<float>(name);
        for (int t = 0; t < Steps; t++) optimizer.Step(theta, Uniform(Count, 2, seed: 12 + t));
        return theta;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_double_precision_and_the_scalar_path_bit_for_bit(string name, int width)
    {
        float[] actual = RunFloat(name, width);

        double[] expected = ToDouble(Uniform(Count, 1, seed: 11));
        IOptimizer<double> reference = Create<double>(name);
        using (new ForcedWidth(1))
            for (int t = 0; t < Steps; t++) reference.Step(expected, ToDouble(Uniform(Count, 2, seed: 12 + t)));
        AssertClose(expected, actual, 1e-5, $"{name} θ after {Steps} steps (width {width})");

        // Bit for bit only where the width runs on hardware: an emulated Vector512 (no AVX-512 here, e.g. under
        // DOTNET_EnableAVX2=0) fuses its multiply-adds in software while the scalar path without FMA does not.
        if (SimdPaths.IsAccelerated(Widths.Path(width))) Assert.Equal(RunFloat(name, 1), actual);
    }
}
