using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// One-to-many and encoder–decoder models export greedy decoding as an ONNX Loop: ONNX Runtime's <c>generated</c> is
/// <c>Generated</c> after <c>Forward(input)</c>, token for token, and its <c>y</c> is <c>Output</c> (to 1e-5).
/// </summary>
public class OnnxGeneratingTests
{
    /// <summary>A model and, for a softmax head, what it generated in its last pass (tokens and lengths).</summary>
    private sealed record Case(IRnnModel<float> Model, Func<int[]>? Generated, Func<int[]>? Lengths);

    public static TheoryData<string> Models => new()
    {
        "CountingGenerator", "FloatVectorGenerator", "OnnxStackOneToMany", "OnnxGruOneToManyEmbedding", "OnnxRnnOneToManySigmoid",
        "OnnxOneToManyWithEnd", "ReverseSeq2Seq", "ReverseSeq2SeqWithEnd", "FloatVectorSeq2Seq", "OnnxStackSeq2Seq",
        "OnnxVectorToTokensSeq2Seq", "OnnxTokensToVectorsSeq2Seq",
    };

    private static Case Create(string name)
    {
        switch (name)
        {
            case "CountingGenerator": { var m = new CountingGenerator(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "FloatVectorGenerator": return new(new FloatVectorGenerator(2), null, null);
            case "OnnxStackOneToMany": { var m = new OnnxStackOneToMany(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "OnnxGruOneToManyEmbedding": { var m = new OnnxGruOneToManyEmbedding(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "OnnxRnnOneToManySigmoid": return new(new OnnxRnnOneToManySigmoid(2), null, null);
            case "OnnxOneToManyWithEnd": { var m = new OnnxOneToManyWithEnd(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "ReverseSeq2Seq": { var m = new ReverseSeq2Seq(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "ReverseSeq2SeqWithEnd": { var m = EndingSeq2Seq(); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "FloatVectorSeq2Seq": return new(new FloatVectorSeq2Seq(2), null, null);
            case "OnnxStackSeq2Seq": { var m = new OnnxStackSeq2Seq(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            case "OnnxVectorToTokensSeq2Seq": { var m = new OnnxVectorToTokensSeq2Seq(2); return new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()); }
            default: return new(new OnnxTokensToVectorsSeq2Seq(2), null, null);
        }
    }

    /// <summary>The end-token model of <see cref="EndTokenTests"/>: parameters spread so that some lanes end early and others never.</summary>
    private static ReverseSeq2SeqWithEnd EndingSeq2Seq()
    {
        var m = new ReverseSeq2SeqWithEnd(seed: 5);
        foreach (ref float w in m.Parameter("encoder.embedding.weight")) w *= 3;
        foreach (ref float w in m.Parameter("decoder.head.weight")) w *= 8;
        m.Parameter("decoder.head.bias")[0] -= 0.5f;
        return m;
    }

    /// <summary>Free-running inference (<c>Forward(input)</c>, greedy).</summary>
    private static void Decode(IRnnModel<float> model, ModelDriver<float> d)
    {
        if (model is ITokenInputModel<float> tokens) tokens.Forward(d.Tokens);
        else ((IVectorInputModel<float>)model).Forward(d.Inputs);
    }

    private sealed record OnnxResult(float[] Y, long[]? Generated, long[]? Lengths);

    private static OnnxResult RunOnnx(byte[] onnx, IRnnModel<float> model, ModelDriver<float> d, int[]? sourceLengths = null)
    {
        using var session = new InferenceSession(onnx);
        var inputs = new List<NamedOnnxValue>
        {
            d.Tokens is not null
                ? NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens.Select(v => (long)v).ToArray(), new[] { model.Steps, model.Batch }))
                : NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(d.Inputs!, new[] { model.Steps, model.Batch, model.InputSize })),
        };
        if (sourceLengths is not null) inputs.Add(NamedOnnxValue.CreateFromTensor("sequence_lens", new DenseTensor<int>(sourceLengths, new[] { model.Batch })));
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs);
        Tensor<float> y = results.Single(r => r.Name == "y").AsTensor<float>();
        Assert.Equal(new[] { model.OutputSteps, model.Batch, model.OutputSize }, y.Dimensions.ToArray());
        long[]? generated = results.SingleOrDefault(r => r.Name == "generated")?.AsTensor<long>().ToArray();
        long[]? lengths = results.SingleOrDefault(r => r.Name == "generated_lengths")?.AsTensor<long>().ToArray();
        return new OnnxResult(y.ToArray(), generated, lengths);
    }

    private static void AssertMatches(Case c, OnnxResult onnx, string who)
    {
        IRnnModel<float> model = c.Model;
        float[] expected = model.Output.ToArray();
        Assert.Equal(expected.Length, onnx.Y.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - onnx.Y[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"y[{i}] (step {i / (model.Batch * model.OutputSize)}): {who} {expected[i]}, ONNX Runtime {onnx.Y[i]}");
        if (c.Generated is null)
        {
            Assert.Null(onnx.Generated);
            return;
        }
        Assert.NotNull(onnx.Generated);
        Assert.Equal(c.Generated().Select(v => (long)v).ToArray(), onnx.Generated);
        bool ends = model.GetType().GetField("EndToken") is not null;
        if (ends) Assert.Equal(c.Lengths!().Select(v => (long)v).ToArray(), onnx.Lengths);
        else Assert.Null(onnx.Lengths);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_loop_reproduces_greedy_decoding(string name)
    {
        Case c = Create(name);
        IRnnModel<float> model = c.Model;
        var d = new ModelDriver<float>(model, 3);
        // A non-zero initial state (the encoder's, or the one-to-many model's) goes into the graph too.
        var random = new Xoshiro256StarStar(8);
        for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
        Decode(model, d);
        AssertMatches(c, RunOnnx(OnnxExporter.ToBytes(model), model, d), "RnnGen");
    }

    /// <summary>The end token is reached by some lanes and not others, so the graph's repetition of it is exercised.</summary>
    [Fact]
    public void End_token_lanes_repeat_it_and_report_their_lengths()
    {
        Case c = Create("ReverseSeq2SeqWithEnd");
        var d = new ModelDriver<float>(c.Model, 4);
        Decode(c.Model, d);
        int[] lengths = c.Lengths!();
        Assert.Contains(lengths, l => l < ReverseSeq2SeqWithEnd.OutputSteps - 1);
        Assert.Contains(lengths, l => l == ReverseSeq2SeqWithEnd.OutputSteps);
        OnnxResult onnx = RunOnnx(OnnxExporter.ToBytes(c.Model), c.Model, d);
        AssertMatches(c, onnx, "RnnGen");
        // The exporter reads the end token from the architecture.
        Assert.Equal(ReverseSeq2SeqWithEnd.EndToken, ReverseSeq2SeqWithEnd.Architecture.EndToken);
        Assert.Contains("OutputSteps = 6, EndToken = 0)]", ReverseSeq2SeqWithEnd.Architecture.ToString());
        Assert.Equal(-1, ReverseSeq2Seq.Architecture.EndToken);
        Assert.Equal(ReverseSeq2Seq.Architecture.Network, ReverseSeq2SeqWithEnd.Architecture.Network);
    }

    /// <summary>A double model's graph (parameters rounded to float32) chooses the same tokens.</summary>
    [Fact]
    public void Double_generating_models_export_as_float32()
    {
        var model = new SmallSeq2Seq(4);
        var d = new ModelDriver<double>(model, 2);
        model.Forward(d.Tokens);
        using var session = new InferenceSession(OnnxExporter.ToBytes(model));
        var input = NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens!.Select(v => (long)v).ToArray(), new[] { SmallSeq2Seq.Steps, SmallSeq2Seq.Batch }));
        using var results = session.Run(new[] { input });
        float[] y = results.Single(r => r.Name == "y").AsTensor<float>().ToArray();
        for (int i = 0; i < y.Length; i++) Assert.Equal(model.Output[i], y[i], 1e-5);
        Assert.Equal(model.Generated.ToArray().Select(v => (long)v), results.Single(r => r.Name == "generated").AsTensor<long>().ToArray());
    }

    /// <summary>Source lengths (an unused lane too): ONNX Runtime gives <c>Generate(input, sourceLengths, 0, random)</c>.</summary>
    [Fact]
    public void Onnx_loop_with_source_lengths_reproduces_greedy_decoding()
    {
        foreach (int[] lengths in new[] { new[] { 4, 1, 2 }, new[] { 2, 0, 4 } })
        {
            var m = new OnnxStackSeq2Seq(2);
            var c = new Case(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray());
            var random = new Xoshiro256StarStar(9);
            for (int i = 0; i < m.InitialState.Length; i++) m.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
            var d = new ModelDriver<float>(m, 5).WithSourceLengths(lengths);
            // Padded source tokens hold ids out of range: neither RnnGen nor the graph may read them.
            m.Generate(d.Tokens, lengths, 0f, new Xoshiro256StarStar(1));
            AssertMatches(c, RunOnnx(OnnxExporter.ToBytes(m, new OnnxExportOptions { SequenceLengths = true }), m, d, lengths), $"RnnGen (source lengths {string.Join(",", lengths)})");
        }
    }

    public static TheoryData<string> AttentionModels => new() { "FloatGeneralAttentionGru", "FloatDotAttentionLstm", "FloatAdditiveAttentionBiStack", "FloatGeneralAttentionVectors", "FloatFedAttentionLstm" };

    private static (Case Case, Func<float[]> Weights) CreateAttention(string name)
    {
        switch (name)
        {
            case "FloatGeneralAttentionGru": { var m = new FloatGeneralAttentionGru(2); return (new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()), () => m.AttentionWeights.ToArray()); }
            case "FloatDotAttentionLstm": { var m = new FloatDotAttentionLstm(2); return (new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()), () => m.AttentionWeights.ToArray()); }
            case "FloatAdditiveAttentionBiStack": { var m = new FloatAdditiveAttentionBiStack(2); return (new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()), () => m.AttentionWeights.ToArray()); }
            case "FloatFedAttentionLstm": { var m = new FloatFedAttentionLstm(2); return (new(m, () => m.Generated.ToArray(), () => m.GeneratedLengths.ToArray()), () => m.AttentionWeights.ToArray()); }
            default: { var m = new FloatGeneralAttentionVectors(2); return (new(m, null, null), () => m.AttentionWeights.ToArray()); }
        }
    }

    /// <summary>
    /// Attention (every score; one-way and bidirectional encoders, whose final states the graph puts side by side for the
    /// decoder): ONNX Runtime's tokens, outputs and <c>attention</c> [OutputSteps, Batch, Steps] are the model's, without
    /// and with source lengths (an unused lane too).
    /// </summary>
    [Theory]
    [MemberData(nameof(AttentionModels))]
    public void Onnx_loop_reproduces_greedy_decoding_with_attention(string name)
    {
        foreach (int[]? lengths in new[] { null, new[] { 3, 0, 5 }, new[] { 1, 5, 2 } })
        {
            (Case c, Func<float[]> weights) = CreateAttention(name);
            IRnnModel<float> model = c.Model;
            var random = new Xoshiro256StarStar(10);
            for (int i = 0; i < model.InitialState.Length; i++) model.InitialState[i] = (float)random.NextUniform(-0.5, 0.5);
            var d = new ModelDriver<float>(model, 6);
            if (lengths is not null) d.WithSourceLengths(lengths);
            if (lengths is null) Decode(model, d);
            else if (model is FloatGeneralAttentionGru gru) gru.Generate(d.Tokens, lengths, 0f, new Xoshiro256StarStar(1));
            else if (model is FloatDotAttentionLstm lstm) lstm.Generate(d.Tokens, lengths, 0f, new Xoshiro256StarStar(1));
            else if (model is FloatAdditiveAttentionBiStack stack) stack.Generate(d.Tokens, lengths, 0f, new Xoshiro256StarStar(1));
            else if (model is FloatFedAttentionLstm fed) fed.Generate(d.Tokens, lengths, 0f, new Xoshiro256StarStar(1));
            else continue; // a vector head has no Generate with source lengths; its lengths run through teacher forcing only
            byte[] onnx = OnnxExporter.ToBytes(model, new OnnxExportOptions { SequenceLengths = lengths is not null });
            AssertMatches(c, RunOnnx(onnx, model, d, lengths), $"RnnGen{(lengths is null ? "" : $" (source lengths {string.Join(",", lengths)})")}");
            using var session = new InferenceSession(onnx);
            var inputs = new List<NamedOnnxValue>
            {
                d.Tokens is not null
                    ? NamedOnnxValue.CreateFromTensor("tokens", new DenseTensor<long>(d.Tokens.Select(v => (long)v).ToArray(), new[] { model.Steps, model.Batch }))
                    : NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(d.Inputs!, new[] { model.Steps, model.Batch, model.InputSize })),
            };
            if (lengths is not null) inputs.Add(NamedOnnxValue.CreateFromTensor("sequence_lens", new DenseTensor<int>(lengths, new[] { model.Batch })));
            using var results = session.Run(inputs);
            float[] expected = weights(), actual = results.Single(r => r.Name == "attention").AsTensor<float>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"attention[{i}]: RnnGen {expected[i]}, ONNX Runtime {actual[i]}");
        }
    }

    /// <summary>What generating models still cannot export says why: leaky and projected layers, and lengths of a one-to-many model.</summary>
    [Fact]
    public void Refusals_name_their_reason()
    {
        Assert.Contains("has no sequence lengths", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new CountingGenerator(1), new OnnxExportOptions { SequenceLengths = true })).Message);
        Assert.Contains("no leaky RNN", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LeakyRnnOneToManyOneHot(1))).Message);
        Assert.Contains("no leaky RNN", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LeakyRnnEncoderDecoderVectorSoftmax(1))).Message);
        Assert.Contains("has no projection", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LstmpOneToManyVectorLinear(1))).Message);
        Assert.Contains("has no projection", Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(new LstmpEncoderDecoderOneHot(1))).Message);
    }
}
