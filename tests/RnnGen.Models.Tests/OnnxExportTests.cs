using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>The exported ONNX graph, run by ONNX Runtime, gives the model's Output (to 1e-5).</summary>
public class OnnxExportTests
{
    public static TheoryData<string> Models => new() { "CharLstm", "EmbeddingLstmLm", "VectorGruTagger", "VectorRnnRegression", "OnnxBiLstmRegressor", "OnnxBiGruTagger", "OnnxRnnLm" };

    private static IRnnModel<float> Create(string name) => name switch
    {
        "CharLstm" => new CharLstm(2),
        "EmbeddingLstmLm" => new EmbeddingLstmLm(2),
        "VectorGruTagger" => new VectorGruTagger(2),
        "VectorRnnRegression" => new VectorRnnRegression(2),
        "OnnxBiLstmRegressor" => new OnnxBiLstmRegressor(2),
        "OnnxBiGruTagger" => new OnnxBiGruTagger(2),
        _ => new OnnxRnnLm(2),
    };

    private static float[] RunOnnx(byte[] onnx, IRnnModel<float> model, ModelDriver<float> d)
    {
        using var session = new InferenceSession(onnx);
        NamedOnnxValue input = d.Tokens is not null
            ? NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens.Select(v => (long)v).ToArray(), new[] { model.Steps, model.Batch }))
            : NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(d.Inputs!, new[] { model.Steps, model.Batch, model.InputSize }));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { input });
        Tensor<float> y = results.Single(r => r.Name == "y").AsTensor<float>();
        Assert.Equal(new[] { model.OutputSteps, model.Batch, model.OutputSize }, y.Dimensions.ToArray());
        return y.ToArray();
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_forward(string name)
    {
        IRnnModel<float> model = Create(name);
        var d = new ModelDriver<float>(model, 3);
        // A non-zero initial state goes into the graph too.
        var random = new Randomness.Xoshiro256StarStar(8);
        for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
        d.Forward();
        float[] expected = model.Output.ToArray();
        float[] actual = RunOnnx(OnnxExporter.ToBytes(model), model, d);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"y[{i}]: RnnGen {expected[i]}, ONNX Runtime {actual[i]}");
    }

    private static readonly OnnxExportOptions LengthsOptions = new() { SequenceLengths = true };

    /// <summary>Runs a graph exported with <see cref="OnnxExportOptions.SequenceLengths"/> on the driver's inputs and <paramref name="lengths"/>.</summary>
    private static float[] RunOnnx(byte[] onnx, IRnnModel<float> model, ModelDriver<float> d, int[] lengths)
    {
        using var session = new InferenceSession(onnx);
        NamedOnnxValue input = d.Tokens is not null
            ? NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens.Select(v => (long)v).ToArray(), new[] { model.Steps, model.Batch }))
            : NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(d.Inputs!, new[] { model.Steps, model.Batch, model.InputSize }));
        NamedOnnxValue lens = NamedOnnxValue.CreateFromTensor("sequence_lens", new DenseTensor<int>(lengths, new[] { model.Batch }));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { input, lens });
        Tensor<float> y = results.Single(r => r.Name == "y").AsTensor<float>();
        Assert.Equal(new[] { model.OutputSteps, model.Batch, model.OutputSize }, y.Dimensions.ToArray());
        return y.ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string who)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"y[{i}]: {who} {expected[i]}, ONNX Runtime {actual[i]}");
    }

    /// <summary>
    /// Random lengths (0 included when <paramref name="withUnusedLane"/>, Steps included) and a random initial state:
    /// ONNX Runtime gives <c>Forward(inputs, lengths)</c>'s Output, 0 at padded steps and for unused lanes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_reproduces_forward_with_lengths(string name)
    {
        foreach (bool withUnusedLane in new[] { false, true })
        {
            IRnnModel<float> model = Create(name);
            var d = new ModelDriver<float>(model, 5);
            var random = new Randomness.Xoshiro256StarStar(withUnusedLane ? 12u : 11u);
            for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
            int[] lengths = new int[model.Batch];
            for (int b = 0; b < lengths.Length; b++) lengths[b] = 1 + random.NextInt(model.Steps);
            lengths[0] = model.Steps;
            if (withUnusedLane) lengths[^1] = 0;
            // Padded inputs hold garbage: neither RnnGen nor the graph may read them.
            for (int t = 0; t < model.Steps; t++)
                for (int b = 0; b < model.Batch; b++)
                {
                    if (t < lengths[b]) continue;
                    if (d.Inputs is not null) d.Inputs.AsSpan((t * model.Batch + b) * model.InputSize, model.InputSize).Fill(1e3f * (b + 1));
                    if (d.Tokens is not null) d.Tokens[t * model.Batch + b] = b % 2 == 0 ? 99 + t : -5 - t; // ids far out of range
                }
            d.Forward(lengths);
            float[] expected = model.Output.ToArray();
            AssertClose(expected, RunOnnx(OnnxExporter.ToBytes(model, LengthsOptions), model, d, lengths), $"RnnGen (lengths {string.Join(",", lengths)})");
        }
    }

    /// <summary>
    /// Independent of RnnGen's forward pass: the graph with sequence_lens on the golden *_lengths fixtures (PyTorch's
    /// pack_padded_sequence, an unused lane in most) gives PyTorch's output, with NaN at every padded vector input.
    /// </summary>
    [Theory]
    [MemberData(nameof(GoldenTests.LengthsNames), MemberType = typeof(GoldenTests))]
    public void Onnx_with_lengths_reproduces_pytorch_packed_sequences(string fixture)
    {
        IRnnModel<float> model = GoldenTests.LengthsFloatModel(fixture);
        if (model.Architecture.Layers.Any(l => l.Projection > 0))
        {
            // ONNX's LSTM has no projection (proj_size): the exporter refuses the model rather than write another network.
            Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model, LengthsOptions));
            return;
        }
        string path = GoldenTests.FixturePath(fixture);
        Safetensors.Load(model, path, new SafetensorsLoadOptions { IgnoreUnknownTensors = true });
        ModelDriver<float> d = GoldenTests.Driver(model, path);
        int[] lengths = GoldenTests.Lengths(path);
        if (d.Inputs is not null)
            for (int t = 0; t < model.Steps; t++)
                for (int b = 0; b < model.Batch; b++)
                    if (t >= lengths[b]) d.Inputs.AsSpan((t * model.Batch + b) * model.InputSize, model.InputSize).Fill(float.NaN);
        float[] expected = GoldenTests.Tensor(path, "golden.output").Select(v => (float)v).ToArray();
        AssertClose(expected, RunOnnx(OnnxExporter.ToBytes(model, LengthsOptions), model, d, lengths), "PyTorch");
    }

    [Fact]
    public void Default_options_write_the_same_bytes_as_before()
    {
        foreach (string name in new[] { "OnnxBiLstmRegressor", "OnnxBiGruTagger", "OnnxRnnLm" })
        {
            IRnnModel<float> model = Create(name);
            byte[] plain = OnnxExporter.ToBytes(model);
            Assert.Equal(plain, OnnxExporter.ToBytes(model, new OnnxExportOptions()));
            Assert.NotEqual(plain, OnnxExporter.ToBytes(model, LengthsOptions));
        }
        Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new CountingGenerator(), LengthsOptions));
        Assert.Throws<ArgumentNullException>(() => OnnxExporter.ToBytes(new OnnxRnnLm(1), null!));
    }

    /// <summary>A length above Steps is left to the recurrent node: ONNX Runtime refuses it.</summary>
    [Fact]
    public void Lengths_above_steps_are_refused_by_onnx_runtime()
    {
        var model = new OnnxBiGruTagger(2);
        var d = new ModelDriver<float>(model, 1);
        Assert.ThrowsAny<OnnxRuntimeException>(() => RunOnnx(OnnxExporter.ToBytes(model, LengthsOptions), model, d, new[] { OnnxBiGruTagger.Steps + 1, 1 }));
    }

    [Fact]
    public void Double_models_export_as_float32()
    {
        var model = new OnnxDoubleClassifier(4);
        var d = new ModelDriver<double>(model, 1);
        d.Forward();
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        var input = NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens!.Select(v => (long)v).ToArray(), new[] { 4, 2 }));
        using var results = session.Run(new[] { input });
        float[] y = results.Single().AsTensor<float>().ToArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(model.Output[i], y[i], 1e-5);
    }

    [Fact]
    public void Save_writes_a_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rnngen-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Save(new CharLstm(1), path);
            Assert.True(new FileInfo(path).Length > 4 * CharLstm.ParameterCount);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
