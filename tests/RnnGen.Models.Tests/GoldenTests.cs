using System.Buffers.Binary;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// Agreement with PyTorch itself: fixtures written by tests/golden/make_golden.py (nn.LSTM/GRU/RNN, nn.Embedding,
/// nn.Linear in float64) hold the weights as a state_dict, the inputs and targets, and PyTorch's outputs, loss and
/// gradients. The weights load by name; the double model must agree to 1e-9, the float model to 1e-5.
/// </summary>
public class GoldenTests
{
    private static readonly Dictionary<string, (Func<IRnnModel<double>> Double, Func<IRnnModel<float>> Float)> Cases = new()
    {
        ["lstm_m2m_vector_softmax"] = (() => new GoldenLstmM2MVectorSoftmaxDouble(), () => new GoldenLstmM2MVectorSoftmaxFloat()),
        ["gru_m2o_embedding_softmax"] = (() => new GoldenGruM2OEmbeddingSoftmaxDouble(), () => new GoldenGruM2OEmbeddingSoftmaxFloat()),
        ["rnn_m2m_vector_linear"] = (() => new GoldenRnnM2MVectorLinearDouble(), () => new GoldenRnnM2MVectorLinearFloat()),
        ["lstm2_m2m_onehot_softmax"] = (() => new GoldenLstm2M2MOneHotSoftmaxDouble(), () => new GoldenLstm2M2MOneHotSoftmaxFloat()),
        ["gru_bi_m2m_vector_sigmoid"] = (() => new GoldenGruBiM2MVectorSigmoidDouble(), () => new GoldenGruBiM2MVectorSigmoidFloat()),
        ["lstm2_bi_m2o_embedding_softmax"] = (() => new GoldenLstm2BiM2OEmbeddingSoftmaxDouble(), () => new GoldenLstm2BiM2OEmbeddingSoftmaxFloat()),
        ["rnn2_relu_m2o_vector_linear"] = (() => new GoldenRnn2ReluM2OVectorLinearDouble(), () => new GoldenRnn2ReluM2OVectorLinearFloat()),
        ["gru2_bi_m2m_onehot_softmax"] = (() => new GoldenGru2BiM2MOneHotSoftmaxDouble(), () => new GoldenGru2BiM2MOneHotSoftmaxFloat()),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "golden", name + ".safetensors");

    /// <summary>Reads one float64 tensor of a fixture.</summary>
    private static double[] Tensor(string path, string name)
    {
        SafetensorsHeader header = Safetensors.ReadHeader(path);
        SafetensorsEntry e = header.Entries.Single(x => x.Name == name);
        byte[] bytes = File.ReadAllBytes(path);
        var values = new double[e.ElementCount];
        for (int i = 0; i < values.Length; i++)
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan((int)(header.DataStart + e.Begin + 8 * i)));
        return values;
    }

    private static void Run<T>(IRnnModel<T> model, string path, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // The fixture carries golden.* tensors besides the state_dict: load the model's tensors, skip the rest.
        Safetensors.Load(model, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        var d = new ModelDriver<T>(model, 0);
        double[] inputs = Tensor(path, "golden.inputs"), targets = Tensor(path, "golden.targets");
        if (d.Tokens is not null) for (int i = 0; i < inputs.Length; i++) d.Tokens[i] = (int)inputs[i];
        else for (int i = 0; i < inputs.Length; i++) d.Inputs![i] = T.CreateTruncating(inputs[i]);
        if (d.ClassTargets is not null) for (int i = 0; i < targets.Length; i++) d.ClassTargets[i] = (int)targets[i];
        else for (int i = 0; i < targets.Length; i++) d.ValueTargets![i] = T.CreateTruncating(targets[i]);

        d.Forward();
        AssertClose("output", Tensor(path, "golden.output"), model.Output.ToArray().Select(v => double.CreateTruncating(v)).ToArray(), tolerance);
        AssertClose("loss", Tensor(path, "golden.loss"), new[] { double.CreateTruncating(d.Loss()) }, tolerance);
        model.ZeroGradients();
        d.Backward();
        foreach (TensorInfo t in model.Tensors)
        {
            double[] actual = model.Gradient(t.Name).ToArray().Select(v => double.CreateTruncating(v)).ToArray();
            AssertClose("grad " + t.Name, Tensor(path, "golden.grad." + t.Name), actual, tolerance);
        }
    }

    private static void AssertClose(string what, double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        // Relative to the tensor's scale, so components near zero are judged against their neighbours.
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: PyTorch {expected[i]:R}, RnnGen {actual[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Double_model_matches_pytorch_to_1e_9(string fixture) => Run(Cases[fixture].Double(), FixturePath(fixture), 1e-9);

    [Theory]
    [MemberData(nameof(Names))]
    public void Float_model_matches_pytorch_to_1e_5(string fixture) => Run(Cases[fixture].Float(), FixturePath(fixture), 1e-5);
}
