using RnnGen.Cells;
using RnnGen.Inputs;
using RnnGen.Kernels;
using RnnGen.Losses;
using RnnGen.Runtime.Tests.Support;
using static RnnGen.Runtime.Tests.Support.TestData;

namespace RnnGen.Runtime.Tests;

/// <summary>After a first call (JIT, an optimizer's lazily allocated state), no kernel allocates, at any width.</summary>
public class AllocationTests
{
    private static long Allocated(Action action) => RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(action);

    public static IEnumerable<(string Name, Action Run)> Kernels()
    {
        const int batch = 5, hidden = 33, n = batch * hidden;
        float[] g4 = Uniform(4 * n, 2, seed: 1), g3 = Uniform(3 * n, 2, seed: 2), rec = Uniform(3 * n, 1, seed: 3);
        float[] a = Uniform(n, 1, seed: 4), b = Uniform(n, 1, seed: 5), c = new float[n], d = new float[n], e = new float[n];
        float[] bias = Uniform(hidden, 1, seed: 6), lse = new float[batch], p = new float[4 * n], weight = Uniform(7 * hidden, 1, seed: 7);
        int[] targets = { 0, 6, 3, 2, 1 };
        int[] tokens = { 1, 3, 1, 0, 2 };
        float[] theta = new float[n];
        var sgd = new Sgd<float>(0.1f, 0.9f);
        var adam = new Adam<float>(0.01f);
        return new (string, Action)[]
        {
            ("LstmCell.Forward", () => LstmCell.Forward<float>(g4, a, c, d, hidden, batch, hidden)),
            ("LstmCell.Backward", () => LstmCell.Backward<float>(g4, a, c, b, hidden, e, batch, hidden)),
            ("GruCell.Forward", () => GruCell.Forward<float>(g3, rec, bias, c, a, hidden, d, hidden, batch, hidden)),
            ("GruCell.Backward", () => GruCell.Backward<float>(g3, c, a, hidden, b, hidden, e, hidden, batch, hidden)),
            ("RnnCell.Forward", () => RnnCell.Forward<float>(d, hidden, batch, hidden, Nonlinearity.Tanh)),
            ("RnnCell.Backward", () => RnnCell.Backward<float>(e, hidden, d, hidden, batch, hidden, Nonlinearity.Relu)),
            ("Softmax.Rows", () => Softmax.Rows<float>(p, batch, 4 * hidden, lse)),
            ("Softmax.CrossEntropyLoss", () => Softmax.CrossEntropyLoss<float>(targets, a, hidden, hidden, weight, bias, lse, batch, 0.2f)),
            ("Softmax.CrossEntropyBackward", () => Softmax.CrossEntropyBackward<float>(p, targets, g4, batch, 4 * hidden, 0.2f)),
            ("BinaryCrossEntropy", () => { BinaryCrossEntropy.Sigmoid<float>(a, c, n); BinaryCrossEntropy.Loss<float>(a, c, n, 1f); BinaryCrossEntropy.Backward<float>(c, b, d, n, 1f); }),
            ("SquaredError", () => { SquaredError.Loss<float>(a, b, n, 1f); SquaredError.Backward<float>(a, b, d, n, 1f); }),
            ("Bias", () => { Bias.Broadcast<float>(c, batch, hidden, hidden, bias); Bias.Sum<float>(a, b, e); Bias.AccumulateColumnSums<float>(a, batch, hidden, hidden, bias); }),
            ("Embedding", () => { Embedding.Gather<float>(a, hidden, tokens, d); Embedding.AccumulateGradient<float>(d, hidden, tokens, e, hidden); }),
            ("Sgd.Step", () => sgd.Step(theta, a)),
            ("Adam.Step", () => adam.Step(theta, a)),
            ("GradientClipping", () => { GradientClipping.ClipByGlobalNorm(e, 1f); GradientClipping.ClipByValue(e, 0.5f); }),
        };
    }

    [Theory]
    [MemberData(nameof(Widths.All), MemberType = typeof(Widths))]
    public void Kernels_allocate_nothing_after_the_first_call(int width)
    {
        using var forced = new ForcedWidth(width);
        foreach (var (name, run) in Kernels()) Assert.True(Allocated(run) == 0, $"{name} allocated at width {width}");
    }
}
