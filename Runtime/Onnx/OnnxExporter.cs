using System.Numerics;
using System.Reflection;
using Google.Protobuf;
using RnnGen.Onnx.Schema;

namespace RnnGen;

/// <summary>
/// Writes a model's inference path as an ONNX graph (opset 14) with the standard operators, so it runs wherever ONNX
/// runs (ONNX Runtime, TensorRT, OpenVINO, browsers):
/// <c>OneHot</c> or <c>Gather</c> for token inputs, one <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> node per layer (both
/// directions in one node), <c>MatMul</c>/<c>Gemm</c> + <c>Add</c> for the head and <c>Softmax</c> or <c>Sigmoid</c>.
/// </summary>
/// <remarks>
/// ONNX orders the gate blocks differently from PyTorch: LSTM <c>i, o, f, c</c> (PyTorch <c>i, f, g, o</c>) and GRU
/// <c>z, r, h</c> (PyTorch <c>r, z, n</c>); the exporter reorders them, and exports GRUs with
/// <c>linear_before_reset = 1</c>, which is PyTorch's (and RnnGen's) <c>n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn))</c>.
/// The model's <see cref="IRnnModel{T}.InitialState"/> becomes the graph's initial state. Inputs: <c>x</c> [Steps, Batch,
/// InputSize] float, or <c>tokens</c> [Steps, Batch] int64; output <c>y</c> [OutputSteps, Batch, OutputSize], equal to
/// the model's <c>Output</c>. Parameters are written as float32 (double models are rounded). ONNX's LSTM has no
/// projection and ONNX's RNN no leak, so a model with <see cref="LstmAttribute.Projection"/> or a leaky RNN layer is refused.
/// With <see cref="OnnxExportOptions.SequenceLengths"/> the graph also takes <c>sequence_lens</c> int32 [Batch] and
/// reproduces <c>Forward(inputs, lengths)</c>: padded steps and lanes of length 0 give 0, a many-to-one head reads each
/// lane's last real state (see docs/onnx-lengths.md).
/// <para>
/// One-to-many and encoder–decoder models export greedy decoding, what <c>Forward(input)</c> computes: the encoder
/// (encoder–decoder; the same nodes as a many-to-many stack, with <see cref="OnnxExportOptions.SequenceLengths"/> over
/// the source lengths) gives the final state that starts the decoder, then a <c>Loop</c> of OutputSteps iterations runs
/// one step of every decoder layer (one-step <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> nodes whose initial_h and initial_c are
/// the loop-carried state), the head, and the next input: a softmax head's <c>ArgMax</c> token through the decoder's
/// embedding or one-hot, or the output vector itself. The decoder starts from <c>StartToken</c> (or a zero vector); a
/// one-to-many model from its input, <c>tokens</c> [1, Batch] or <c>x</c> [1, Batch, InputSize], and its InitialState.
/// Outputs: <c>y</c> [OutputSteps, Batch, OutputSize] (after the activation, as <c>Output</c>), and for a softmax head
/// <c>generated</c> int64 [OutputSteps, Batch] (as <c>Generated</c>); with an <c>EndToken</c>, a lane that chose it
/// repeats it and <c>generated_lengths</c> int64 [Batch] is <c>GeneratedLengths</c>. Sampling is not exported.
/// A bidirectional encoder layer's final states are put side by side for its (twice as wide) decoder layer, and a model
/// with <see cref="AttentionAttribute"/> runs its attention in each step of the loop (padded source steps masked with −∞)
/// and also outputs <c>attention</c> [OutputSteps, Batch, Steps], its <c>AttentionWeights</c>; with input feeding the loop also carries
/// h̃, which the first decoder layer reads beside x_t.
/// </para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 14;

    private static readonly string Version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Writes <paramref name="model"/>'s inference graph to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">A model with a leaky RNN or a projected LSTM layer.</exception>
    public static void Save<T>(IRnnModel<T> model, string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        Save(model, path, Defaults);

    /// <summary>Writes <paramref name="model"/>'s inference graph to <paramref name="path"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="NotSupportedException">A model with a leaky RNN or a projected LSTM layer, or a one-to-many model with <see cref="OnnxExportOptions.SequenceLengths"/>.</exception>
    public static void Save<T>(IRnnModel<T> model, string path, OnnxExportOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        ModelProto proto = Build(model, options);
        string temporary = path + ".tmp";
        using (FileStream file = File.Create(temporary))
            proto.WriteTo(file);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The ONNX model as bytes (what <see cref="Save{T}(IRnnModel{T}, string)"/> writes).</summary>
    public static byte[] ToBytes<T>(IRnnModel<T> model) where T : unmanaged, IFloatingPointIeee754<T> => ToBytes(model, Defaults);

    /// <summary>The ONNX model as bytes (what <see cref="Save{T}(IRnnModel{T}, string, OnnxExportOptions)"/> writes).</summary>
    /// <exception cref="NotSupportedException">A model with a leaky RNN or a projected LSTM layer, or a one-to-many model with <see cref="OnnxExportOptions.SequenceLengths"/>.</exception>
    public static byte[] ToBytes<T>(IRnnModel<T> model, OnnxExportOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return Build(model, options).ToByteArray();
    }

    private static readonly OnnxExportOptions Defaults = new();

    /// <summary>ONNX's INT32 (TensorProto.DataType 6), which the schema subset in Schema/ does not name.</summary>
    private const TensorProto.Types.DataType Int32 = (TensorProto.Types.DataType)6;

    private static ModelProto Build<T>(IRnnModel<T> model, OnnxExportOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ModelArchitecture a = model.Architecture;
        for (int k = 0; k < a.Layers.Count; k++)
        {
            // ONNX's RNN operator computes h_t = f(…) and has no leak; a leaky layer would export as a different network.
            if (a.Layers[k].IsLeaky)
                throw new NotSupportedException($"ONNX export has no leaky RNN: layer {k} of {a.Name} is {a.Layers[k]}, and ONNX's RNN operator computes h_t = f(x·Wᵀ + h_(t-1)·Rᵀ + b) without the (1 − α)⊙h_(t-1) term.");
            // ONNX's LSTM operator has no projection: h_t = (o⊙tanh(c_t))·W_hrᵀ feeds the next step inside the recurrence,
            // so no node outside the LSTM node can apply it.
            if (a.Layers[k].Projection > 0)
                throw new NotSupportedException($"ONNX export cannot write layer {k} of {a.Name} ({a.Layers[k]}): ONNX's LSTM operator has no projection (PyTorch's proj_size), and h_t = (o⊙tanh(c_t))·W_hrᵀ feeds the next step inside the recurrence.");
        }

        var g = new GraphBuilder<T>(model);
        if (a.Topology is Topology.OneToMany or Topology.EncoderDecoder)
            Generating(g, a, options);
        else
            Sequence(g, a, options.SequenceLengths);

        var proto = new ModelProto
        {
            IrVersion = 7,
            ProducerName = "RnnGen",
            ProducerVersion = Version,
            DocString = $"{a.Name}: exported by RnnGen from the generated model's inference path.",
            Graph = g.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = "rnngen.model", Value = a.Name });
        return proto;
    }

    /// <summary>A many-to-many or many-to-one model: the input, the layers over all steps at once, the head.</summary>
    private static void Sequence<T>(GraphBuilder<T> g, ModelArchitecture a, bool lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long t = a.Steps, b = a.Batch;
        string x = ModelInput(g, a, "", lengths);
        (string lens, string nodeLens, string lastStep) = lengths ? Lengths(g, b) : ("", "", "");
        StackOutputs stack = SequenceLayers(g, a, x, nodeLens, "", "", finalState: false);
        x = stack.Output;

        long c = a.OutputSize;
        string z;
        if (a.Topology == Topology.ManyToOne)
        {
            string features;
            if (!lengths)
            {
                // PyTorch's h_n of the top layer: the forward direction after step T−1, the reverse after step 0.
                string hb = g.Node("Transpose", new[] { stack.TopYh }, "h_n_bdh", Attr("perm", new long[] { 1, 0, 2 }));
                features = g.Node("Reshape", new[] { hb, g.Constant("shape_features", new long[] { 0, -1 }, 2) }, "features");
            }
            else
            {
                // PyTorch's h_n per lane: the forward direction's Y at step len−1, the reverse direction's Y_h (after step 0).
                LayerArchitecture last = a.Layers[^1];
                long hidden = last.Hidden;
                string forwardY = g.Node("Gather", new[] { stack.TopY, g.Constant("direction_forward", new long[] { 0 }) }, "top_forward_y", Attr("axis", 1));
                string index = g.Node("Reshape", new[] { lastStep, g.Constant("shape_last_step", new long[] { 1, b, 1 }, 3) }, "last_step_1b1");
                index = g.Node("Expand", new[] { index, g.Constant("shape_gather", new long[] { 1, b, hidden }, 3) }, "last_step_index");
                string forwardLast = g.Node("GatherElements", new[] { forwardY, index }, "forward_last", Attr("axis", 0));
                features = g.Node("Reshape", new[] { forwardLast, g.Constant("shape_forward_features", new long[] { b, hidden }, 2) }, "forward_features");
                if (last.Bidirectional)
                {
                    string reverse = g.Node("Gather", new[] { stack.TopYh, g.Constant("direction_reverse", new long[] { 1 }) }, "reverse_features", Attr("axis", 0));
                    features = g.Node("Concat", new[] { features, reverse }, "features", Attr("axis", 1));
                }
            }
            string logits = g.Node("Gemm", new[] { features, g.Parameter("head.weight"), g.Parameter("head.bias") }, "logits_b", Attr("transB", 1));
            z = g.Node("Reshape", new[] { logits, g.Constant("shape_output", new long[] { 1, b, c }, 3) }, "logits");
        }
        else
        {
            string wT = g.TransposedParameter("head.weight", "head_weight_t");
            string product = g.Node("MatMul", new[] { x, wT }, "head_product");
            z = g.Node("Add", new[] { product, g.Parameter("head.bias") }, "logits");
        }
        string activated = lengths ? "y_unmasked" : "y";
        Activation(g, a.Output, z, activated);
        if (lengths)
        {
            // y is 0 where the model's Output is: padded steps (step ≥ len) and lanes of length 0. Where, not Mul, so
            // whatever a padded or unused position computed (NaN from NaN inputs too) cannot leak into y.
            string real = a.Topology == Topology.ManyToOne
                ? g.Node("Greater", new[] { lens, g.Constant("zero_length", new long[] { 0 }) }, "lane_used")
                : g.Node("Less", new[] { g.Constant("step_index", Enumerable.Range(0, (int)t).Select(i => (long)i).ToArray(), t, 1), lens }, "step_real");
            string mask = g.Node("Reshape", new[] { real, g.Constant("shape_mask", new long[] { a.Topology == Topology.ManyToOne ? 1 : t, b, 1 }, 3) }, "real_mask");
            g.Node("Where", new[] { mask, activated, g.FloatConstant("zero_output", new float[] { 0 }) }, "y");
        }
        g.Output("y", TensorProto.Types.DataType.Float, a.Topology == Topology.ManyToOne ? 1 : t, b, c);
    }

    /// <summary>The head's activation of <paramref name="z"/> into <paramref name="output"/>: softmax over the last axis, sigmoid, or none.</summary>
    private static string Activation<T>(GraphBuilder<T> g, HeadKind head, string z, string output) where T : unmanaged, IFloatingPointIeee754<T> => head switch
    {
        HeadKind.Softmax => g.Node("Softmax", new[] { z }, output, Attr("axis", -1)),
        HeadKind.Sigmoid => g.Node("Sigmoid", new[] { z }, output),
        _ => g.Node("Identity", new[] { z }, output),
    };

    /// <summary>
    /// The graph input and what the first layer reads of it, [Steps, Batch, width]: <c>x</c> itself, or <c>tokens</c>
    /// through the stack's embedding (<paramref name="tensorPrefix"/><c>embedding.weight</c>) or a one-hot.
    /// </summary>
    private static string ModelInput<T>(GraphBuilder<T> g, ModelArchitecture a, string tensorPrefix, bool lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long t = a.Steps, b = a.Batch;
        if (!a.TokenInput)
        {
            g.Input("x", TensorProto.Types.DataType.Float, t, b, a.InputSize);
            return "x";
        }
        g.Input("tokens", TensorProto.Types.DataType.Int64, t, b);
        string ids = "tokens";
        if (lengths)
        {
            // Padded steps may hold any id (as in Forward(tokens, lengths)), and Gather refuses one out of range: map
            // every id into [0, vocabulary) (real ids are unchanged; what a padded step reads is masked away later).
            ids = g.Node("Mod", new[] { "tokens", g.Constant("vocabulary_size", new long[] { a.InputSize }) }, "tokens_in_range");
        }
        if (a.Embedding > 0)
            return g.Node("Gather", new[] { g.Parameter(tensorPrefix + "embedding.weight"), ids }, "embedded", Attr("axis", 0));
        // x_t = onehot(token_t): OneHot(indices, depth, [off, on]).
        string depth = g.Constant("vocabulary", new long[] { a.InputSize }, 1);
        string values = g.FloatConstant("onehot_values", new float[] { 0, 1 }, 2);
        return g.Node("OneHot", new[] { ids, depth, values }, "onehot", Attr("axis", -1));
    }

    /// <summary>
    /// The <c>sequence_lens</c> input and what the graph makes of it: the lengths as int64, <c>max(len, 1)</c> as int32
    /// for the recurrent nodes (ONNX leaves a length of 0 unspecified; those lanes are masked afterwards), and
    /// <c>max(len, 1) − 1</c>, each lane's last step.
    /// </summary>
    private static (string Lens, string NodeLens, string LastStep) Lengths<T>(GraphBuilder<T> g, long b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        g.Input("sequence_lens", Int32, b);
        string lens = g.Node("Cast", new[] { "sequence_lens" }, "lens", Attr("to", (long)TensorProto.Types.DataType.Int64));
        string clamped = g.Node("Max", new[] { lens, g.Constant("one", new long[] { 1 }) }, "lens_at_least_1");
        string nodeLens = g.Node("Cast", new[] { clamped }, "node_sequence_lens", Attr("to", (long)Int32));
        string lastStep = g.Node("Sub", new[] { clamped, g.Constant("one_step", new long[] { 1 }) }, "last_step");
        return (lens, nodeLens, lastStep);
    }

    /// <summary>What <see cref="SequenceLayers"/> gives: the top layer's <c>Y</c> [T, dirs, B, H] and <c>Y_h</c>, the stack's output [T, B, dirs·H], and (when asked) every layer's final h and c ([1, B, H]; c null for a layer that is not an LSTM).</summary>
    private sealed record StackOutputs(string TopY, string TopYh, string Output, string[] FinalH, string?[] FinalC);

    /// <summary>
    /// The recurrent layers of one stack over a whole sequence, one <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> node per layer (both
    /// directions in one node), from the model's <see cref="IRnnModel{T}.InitialState"/>; parameters are
    /// <paramref name="tensorPrefix"/><c>rnn.*</c>, graph names start with <paramref name="namePrefix"/>.
    /// </summary>
    private static StackOutputs SequenceLayers<T>(GraphBuilder<T> g, ModelArchitecture a, string x, string nodeLens, string tensorPrefix, string namePrefix, bool finalState)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stateOffset = 0, cellOffset = a.Layers.Sum(l => (l.Bidirectional ? 2 : 1) * a.Batch * l.Hidden);
        string yh = "", top = "";
        var finalH = new string[a.Layers.Count];
        var finalC = new string?[a.Layers.Count];
        for (int k = 0; k < a.Layers.Count; k++)
        {
            LayerArchitecture layer = a.Layers[k];
            int dirs = layer.Bidirectional ? 2 : 1, h = layer.Hidden;
            string p = namePrefix;
            string w = g.StackDirections($"{p}W{k}", k, dirs, "weight_ih", h, layer.Cell, tensorPrefix);
            string r = g.StackDirections($"{p}R{k}", k, dirs, "weight_hh", h, layer.Cell, tensorPrefix);
            string bias = g.Biases($"{p}B{k}", k, dirs, h, layer.Cell, tensorPrefix);
            string h0 = g.State($"{p}initial_h{k}", stateOffset, dirs, a.Batch, h);
            stateOffset += dirs * a.Batch * h;
            var inputs = new List<string> { x, w, r, bias, nodeLens, h0 };
            if (layer.Cell == CellType.Lstm)
            {
                inputs.Add(g.State($"{p}initial_c{k}", cellOffset, dirs, a.Batch, h));
                cellOffset += dirs * a.Batch * h;
            }
            var outputs = new List<string> { $"{p}layer{k}_y", $"{p}layer{k}_y_h" };
            if (finalState && layer.Cell == CellType.Lstm) outputs.Add($"{p}layer{k}_y_c");
            g.Node(RecurrentOp(layer), inputs.ToArray(), outputs.ToArray(), RecurrentAttributes(layer));
            string y = outputs[0];
            yh = outputs[1];
            finalH[k] = yh;
            finalC[k] = outputs.Count > 2 ? outputs[2] : null;
            top = y;
            // Y is [T, dirs, B, H]; the next layer (and the head) read [T, B, dirs·H] = [forward ; reverse].
            string yt = g.Node("Transpose", new[] { y }, $"{p}layer{k}_tbdh", Attr("perm", new long[] { 0, 2, 1, 3 }));
            x = g.Node("Reshape", new[] { yt, g.Constant($"{p}shape{k}", new long[] { 0, 0, -1 }, 3) }, $"{p}layer{k}_out");
        }
        return new StackOutputs(top, yh, x, finalH, finalC);
    }

    private static string RecurrentOp(LayerArchitecture layer) => layer.Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "RNN" };

    /// <summary>The recurrent node's attributes: its width and direction, GRU's <c>linear_before_reset</c>, the RNN's activation.</summary>
    private static AttributeProto[] RecurrentAttributes(LayerArchitecture layer)
    {
        int dirs = layer.Bidirectional ? 2 : 1;
        var attributes = new List<AttributeProto>
        {
            Attr("hidden_size", layer.Hidden),
            Attr("direction", layer.Bidirectional ? "bidirectional" : "forward"),
        };
        if (layer.Cell == CellType.Gru) attributes.Add(Attr("linear_before_reset", 1));
        if (layer.Cell == CellType.Rnn)
        {
            string act = layer.Nonlinearity == Nonlinearity.Relu ? "Relu" : "Tanh";
            attributes.Add(Attr("activations", Enumerable.Repeat(act, dirs).ToArray()));
        }
        return attributes.ToArray();
    }

    /// <summary>ONNX's BOOL (TensorProto.DataType 9), which the schema subset in Schema/ does not name.</summary>
    private const TensorProto.Types.DataType Bool = (TensorProto.Types.DataType)9;

    /// <summary>
    /// What the decoder's first layer reads at each step: a token (through <see cref="EmbeddingTensor"/>, or one-hot over
    /// <see cref="Vocabulary"/> ids) or the previous output vector of <see cref="Width"/> values.
    /// </summary>
    private sealed record DecoderInput(bool Tokens, long Vocabulary, string? EmbeddingTensor, long Width);

    /// <summary>
    /// A one-to-many or encoder–decoder model: greedy decoding as an ONNX <c>Loop</c> of OutputSteps iterations. The
    /// encoder (encoder–decoder) runs before the loop over the whole source and its final state starts the decoder; a
    /// one-to-many model starts from its <see cref="IRnnModel{T}.InitialState"/> and reads its input at step 0. Each
    /// iteration is one <see cref="DecoderStep"/> and the choice of the next input (<see cref="ChooseToken"/>).
    /// </summary>
    private static void Generating<T>(GraphBuilder<T> g, ModelArchitecture a, OnnxExportOptions options)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long b = a.Batch;
        bool tokens = a.Output == HeadKind.Softmax;
        bool encoderDecoder = a.Topology == Topology.EncoderDecoder;
        if (options.SequenceLengths && !encoderDecoder)
            throw new NotSupportedException($"ONNX export with SequenceLengths: {a.Name} is OneToMany, which reads one input step per lane and so has no sequence lengths; export it without the option.");

        string first;
        string[] h0;
        string?[] c0;
        DecoderInput input;
        AttentionInputs? attention = null;
        if (encoderDecoder)
        {
            EncoderOutputs encoder = Encoder(g, a, options.SequenceLengths);
            (h0, c0) = Bridge(g, a, encoder.H, encoder.C);
            if (a.Attention is { } kind) attention = AttentionContext(g, a, kind, encoder);
            // The decoder reads the previous output: a token (the start token first; the embedding of its own when the
            // model's input is embedded tokens) or a vector (0 first).
            input = tokens
                ? new DecoderInput(true, a.OutputSize + 1, a.TokenInput && a.Embedding > 0 ? "decoder.embedding.weight" : null, 0)
                : new DecoderInput(false, 0, null, a.OutputSize);
            // The start token is the id after the classes (the decoder's vocabulary is OutputSize + 1).
            int start = a.OutputSize;
            first = tokens
                ? g.Constant("start_tokens", Enumerable.Repeat((long)start, (int)b).ToArray(), b)
                : g.FloatConstant("start_vector", new float[b * a.OutputSize], b, a.OutputSize);
        }
        else
        {
            // One-to-many: the input is step 0; every later step reads the output (its token) of the step before.
            input = new DecoderInput(a.TokenInput, a.InputSize, a.TokenInput && a.Embedding > 0 ? "embedding.weight" : null, a.InputSize);
            if (a.TokenInput)
            {
                g.Input("tokens", TensorProto.Types.DataType.Int64, a.Steps, b);
                first = g.Node("Reshape", new[] { "tokens", g.Constant("shape_first_tokens", new long[] { b }, 1) }, "first_tokens");
            }
            else
            {
                g.Input("x", TensorProto.Types.DataType.Float, a.Steps, b, a.InputSize);
                first = g.Node("Reshape", new[] { "x", g.Constant("shape_first_x", new long[] { b, a.InputSize }, 2) }, "first_x");
            }
            (h0, c0) = InitialStates(g, a, "");
        }
        GenerationLoop(g, a, input, first, h0, c0, tokens ? a.EndToken : -1, attention);
    }

    /// <summary>
    /// The decoder's initial state from the encoder's final state: a bidirectional layer's [2, Batch, H] becomes
    /// [1, Batch, 2H], each lane's forward state followed by its reverse state; a one-way layer's is used as it is.
    /// </summary>
    private static (string[] H, string?[] C) Bridge<T>(GraphBuilder<T> g, ModelArchitecture a, string[] h, string?[] c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var bridgedH = new string[h.Length];
        var bridgedC = new string?[c.Length];
        for (int k = 0; k < h.Length; k++)
        {
            bridgedH[k] = a.Layers[k].Bidirectional ? SideBySide(h[k], $"decoder_h0_{k}") : h[k];
            bridgedC[k] = c[k] is { } ck && a.Layers[k].Bidirectional ? SideBySide(ck, $"decoder_c0_{k}") : c[k];
        }
        return (bridgedH, bridgedC);

        string SideBySide(string state, string name)
        {
            string forward = g.Node("Gather", new[] { state, g.Constant(name + "_forward_index", new long[] { 0 }, 1) }, name + "_forward", Attr("axis", 0));
            string reverse = g.Node("Gather", new[] { state, g.Constant(name + "_reverse_index", new long[] { 1 }, 1) }, name + "_reverse", Attr("axis", 0));
            return g.Node("Concat", new[] { forward, reverse }, name, Attr("axis", 2));
        }
    }

    /// <summary>
    /// What every decoder step's attention reads, computed once before the loop: the encoder's top outputs as
    /// <see cref="Memory"/> [Batch, Steps, E] and <see cref="MemoryTransposed"/> [Batch, E, Steps], the additive score's
    /// keys [Batch, Steps, D], and with source lengths the mask of padded steps [Batch, 1, Steps] and the used lanes [Batch, 1, 1].
    /// </summary>
    private sealed record AttentionInputs(AttentionKind Kind, string Memory, string MemoryTransposed, string? Keys, string? Padded, string? LaneUsed);

    private static AttentionInputs AttentionContext<T>(GraphBuilder<T> g, ModelArchitecture a, AttentionKind kind, EncoderOutputs encoder) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string memory = g.Node("Transpose", new[] { encoder.Outputs }, "attention_memory", Attr("perm", new long[] { 1, 0, 2 }));
        string transposed = g.Node("Transpose", new[] { encoder.Outputs }, "attention_memory_t", Attr("perm", new long[] { 1, 2, 0 }));
        string? keys = kind == AttentionKind.Additive
            ? g.Node("MatMul", new[] { memory, g.TransposedParameter("decoder.attention.key.weight", "attention_key_weight_t") }, "attention_keys")
            : null;
        if (encoder.Lengths is not { } lens) return new AttentionInputs(kind, memory, transposed, keys, null, null);
        // Step s of lane b is padding where s ≥ len_b: its score becomes −∞ (weight 0), as the model masks it.
        string steps = g.Constant("attention_steps", Enumerable.Range(0, a.Steps).Select(i => (long)i).ToArray(), 1, 1, a.Steps);
        string lengths = g.Node("Reshape", new[] { lens, g.Constant("shape_attention_lengths", new long[] { a.Batch, 1, 1 }, 3) }, "attention_lengths");
        string padded = g.Node("GreaterOrEqual", new[] { steps, lengths }, "attention_padded");
        string used = g.Node("Greater", new[] { lengths, g.Constant("attention_zero_length", new long[] { 0 }) }, "attention_lane_used");
        return new AttentionInputs(kind, memory, transposed, keys, padded, used);
    }

    /// <summary>Every layer's h0 (and c0 of LSTM layers) from <see cref="IRnnModel{T}.InitialState"/> as [1, Batch, H] initializers.</summary>
    private static (string[] H, string?[] C) InitialStates<T>(GraphBuilder<T> g, ModelArchitecture a, string namePrefix) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var h = new string[a.Layers.Count];
        var c = new string?[a.Layers.Count];
        int offset = 0;
        for (int k = 0; k < a.Layers.Count; k++)
        {
            h[k] = g.State($"{namePrefix}initial_h{k}", offset, 1, a.Batch, a.Layers[k].Hidden);
            offset += a.Batch * a.Layers[k].Hidden;
        }
        for (int k = 0; k < a.Layers.Count; k++)
        {
            if (a.Layers[k].Cell != CellType.Lstm) continue;
            c[k] = g.State($"{namePrefix}initial_c{k}", offset, 1, a.Batch, a.Layers[k].Hidden);
            offset += a.Batch * a.Layers[k].Hidden;
        }
        return (h, c);
    }

    /// <summary>
    /// The encoder of an encoder–decoder model over the whole source, as a many-to-many stack (<c>encoder.*</c>
    /// parameters, the model's InitialState): every layer's final h and c ([1, Batch, H]), which start the decoder. With
    /// <paramref name="lengths"/>, the state after each lane's last real source step, and a lane of length 0 keeps its
    /// initial state.
    /// </summary>
    private static EncoderOutputs Encoder<T>(GraphBuilder<T> g, ModelArchitecture a, bool lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string x = ModelInput(g, a, "encoder.", lengths);
        (string lens, string nodeLens, string _) = lengths ? Lengths(g, a.Batch) : ("", "", "");
        StackOutputs stack = SequenceLayers(g, a, x, nodeLens, "encoder.", "encoder_", finalState: true);
        if (!lengths) return new EncoderOutputs(stack.FinalH, stack.FinalC, stack.Output);
        // The nodes ran lanes of length 0 for one step (ONNX leaves a length of 0 unspecified): those keep h0 and c0.
        string used = g.Node("Greater", new[] { lens, g.Constant("zero_length", new long[] { 0 }) }, "lane_used");
        used = g.Node("Reshape", new[] { used, g.Constant("shape_lane_used", new long[] { 1, a.Batch, 1 }, 3) }, "lane_used_1b1");
        var h = new string[a.Layers.Count];
        var c = new string?[a.Layers.Count];
        for (int k = 0; k < a.Layers.Count; k++)
        {
            h[k] = g.Node("Where", new[] { used, stack.FinalH[k], $"encoder_initial_h{k}" }, $"encoder_final_h{k}");
            if (stack.FinalC[k] is { } finalC) c[k] = g.Node("Where", new[] { used, finalC, $"encoder_initial_c{k}" }, $"encoder_final_c{k}");
        }
        return new EncoderOutputs(h, c, stack.Output, lens);
    }

    /// <summary>
    /// What <see cref="Encoder"/> gives: every layer's final h and c ([1, Batch, H]; c null for a layer that is not an
    /// LSTM), which start the decoder, and the top layer's outputs at every source step [Steps, Batch, H] (ONNX's 0 past a
    /// lane's length), for a decoder step that attends over them.
    /// </summary>
    private sealed record EncoderOutputs(string[] H, string?[] C, string Outputs, string? Lengths = null);

    /// <summary>What one <see cref="DecoderStep"/> gives: every layer's new h and c ([1, Batch, H]) and the head's activated output y_t [Batch, OutputSize].</summary>
    private sealed record StepOutputs(string[] H, string?[] C, string Y, string? Weights = null, string? Attentional = null);

    /// <summary>
    /// One step of the decoder (the one-to-many model's stack), written into a Loop body: x_t from
    /// <paramref name="input"/> (a token's embedding row or one-hot, or the previous output), every layer's
    /// <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> node over one step from <paramref name="h"/> and <paramref name="c"/>, then the
    /// head on the top layer's h_t.
    /// </summary>
    private static StepOutputs DecoderStep<T>(GraphBuilder<T> body, ModelArchitecture a, LayerArchitecture[] layers, DecoderInput decoder, string input, string[] h, string?[] c, AttentionInputs? attention, string? feed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string tensors = a.Topology == Topology.EncoderDecoder ? "decoder." : "";
        string x;
        if (!decoder.Tokens)
            x = input;
        else if (decoder.EmbeddingTensor is { } embedding)
            x = body.Node("Gather", new[] { body.Parameter(embedding), input }, "step_embedded", Attr("axis", 0));
        else
            x = body.Node("OneHot", new[] { input, body.Constant("decoder_vocabulary", new long[] { decoder.Vocabulary }, 1), body.FloatConstant("decoder_onehot_values", new float[] { 0, 1 }, 2) }, "step_onehot", Attr("axis", -1));
        // [Batch, width] → [1, Batch, width]: a sequence of one step.
        x = body.Node("Reshape", new[] { x, body.Constant("shape_step_input", new long[] { 1, a.Batch, -1 }, 3) }, "step_x");
        if (feed is not null)
        {
            // Input feeding: the first layer reads [x_t ; h̃_(t-1)], with W = [W_ih W_f] column-wise.
            string fed = body.Node("Reshape", new[] { feed, body.Constant("shape_step_feed", new long[] { 1, a.Batch, -1 }, 3) }, "step_feed_1b");
            x = body.Node("Concat", new[] { x, fed }, "step_x_fed", Attr("axis", 2));
        }
        var hNext = new string[layers.Length];
        var cNext = new string?[layers.Length];
        for (int k = 0; k < layers.Length; k++)
        {
            LayerArchitecture layer = layers[k];
            string w = k == 0 && feed is not null
                ? body.InputWeightsWithFeed("decoder_W0", layer.Hidden, layer.Cell, tensors + "rnn.weight_ih_l0", "decoder.attention.feed.weight")
                : body.StackDirections($"decoder_W{k}", k, 1, "weight_ih", layer.Hidden, layer.Cell, tensors);
            string r = body.StackDirections($"decoder_R{k}", k, 1, "weight_hh", layer.Hidden, layer.Cell, tensors);
            string bias = body.Biases($"decoder_B{k}", k, 1, layer.Hidden, layer.Cell, tensors);
            var inputs = new List<string> { x, w, r, bias, "", h[k] };
            var outputs = new List<string> { $"step_layer{k}_y", $"step_layer{k}_h" };
            if (layer.Cell == CellType.Lstm)
            {
                inputs.Add(c[k]!);
                outputs.Add($"step_layer{k}_c");
            }
            body.Node(RecurrentOp(layer), inputs.ToArray(), outputs.ToArray(), RecurrentAttributes(layer));
            // One forward step: Y_h [1, Batch, H] is the layer's output, the next layer's input and its new state.
            hNext[k] = outputs[1];
            cNext[k] = outputs.Count > 2 ? outputs[2] : null;
            x = hNext[k];
        }
        string top = body.Node("Reshape", new[] { x, body.Constant("shape_step_top", new long[] { a.Batch, -1 }, 2) }, "step_top");
        string? weights = null;
        if (attention is not null) (top, weights) = AttentionStep(body, a, attention, top);
        string z = body.Node("Gemm", new[] { top, body.Parameter(tensors + "head.weight"), body.Parameter(tensors + "head.bias") }, "step_logits", Attr("transB", 1));
        return new StepOutputs(hNext, cNext, Activation(body, a.Output, z, "step_y"), weights, attention is not null ? top : null);
    }

    /// <summary>
    /// The attention of one decoder step (Luong et al. 2015): the top layer's h_t [Batch, D] scores the encoder's outputs
    /// (dot h·ē, general (h·W_a)·ē, additive v·tanh(W_q·h + b_q + W_k·ē)), padded source steps get −∞, a = softmax (0 for a
    /// lane without a source), c = Σ_s a_s·ē_s, and the head reads h̃ = tanh(W_c·[c ; h]). Returns h̃ and a [Batch, Steps].
    /// </summary>
    private static (string State, string Weights) AttentionStep<T>(GraphBuilder<T> body, ModelArchitecture a, AttentionInputs attention, string h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long b = a.Batch;
        string scores;
        switch (attention.Kind)
        {
            case AttentionKind.Dot:
                scores = body.Node("MatMul", new[] { Rows(h, "attention_query"), attention.MemoryTransposed }, "attention_scores");
                break;
            case AttentionKind.General:
                string q = body.Node("MatMul", new[] { h, body.Parameter("decoder.attention.weight") }, "attention_general_query");
                scores = body.Node("MatMul", new[] { Rows(q, "attention_query"), attention.MemoryTransposed }, "attention_scores");
                break;
            default:
                string query = body.Node("Gemm", new[] { h, body.Parameter("decoder.attention.query.weight"), body.Parameter("decoder.attention.query.bias") }, "attention_additive_query", Attr("transB", 1));
                string sum = body.Node("Tanh", new[] { body.Node("Add", new[] { Rows(query, "attention_query"), attention.Keys! }, "attention_query_plus_keys") }, "attention_tanh");
                string e = body.Node("MatMul", new[] { sum, body.TransposedParameter("decoder.attention.v.weight", "attention_v_t") }, "attention_scores_b_s_1");
                scores = body.Node("Reshape", new[] { e, body.Constant("shape_attention_scores", new long[] { b, 1, a.Steps }, 3) }, "attention_scores");
                break;
        }
        if (attention.Padded is { } padded)
            scores = body.Node("Where", new[] { padded, body.FloatConstant("attention_minus_infinity", new[] { float.NegativeInfinity }), scores }, "attention_masked_scores");
        string weights = body.Node("Softmax", new[] { scores }, "attention_softmax", Attr("axis", -1));
        if (attention.LaneUsed is { } used)
            weights = body.Node("Where", new[] { used, weights, body.FloatConstant("attention_zero", new float[] { 0 }) }, "attention_weights_b1s");
        string context = body.Node("MatMul", new[] { weights, attention.Memory }, "attention_context_b1e");
        context = body.Node("Reshape", new[] { context, body.Constant("shape_attention_context", new long[] { b, -1 }, 2) }, "attention_context");
        string both = body.Node("Concat", new[] { context, h }, "attention_context_and_h", Attr("axis", 1));
        string state = body.Node("Tanh", new[] { body.Node("Gemm", new[] { both, body.Parameter("decoder.attention.out.weight") }, "attention_u", Attr("transB", 1)) }, "attention_state");
        string flat = body.Node("Reshape", new[] { weights, body.Constant("shape_attention_weights", new long[] { b, a.Steps }, 2) }, "step_attention");
        return (state, flat);

        // [Batch, w] → [Batch, 1, w]: one query row per lane, for a batched product with the lane's memory.
        string Rows(string value, string name) => body.Node("Reshape", new[] { value, body.Constant("shape_" + name, new long[] { b, 1, -1 }, 3) }, name);
    }

    /// <summary>
    /// Greedy choice of a softmax head's step: the most likely token (the first of equals, as RnnGen's
    /// <c>Sampling.ArgMax</c>). With an end token, a lane whose length has passed (it chose the end token before) repeats
    /// the end token, and a lane that chooses it now ends at t + 1: <c>Generated</c> and <c>GeneratedLengths</c> exactly.
    /// </summary>
    private static (string Token, string? Lengths) ChooseToken<T>(GraphBuilder<T> body, string y, string step, string? lengths, int endToken)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string choice = body.Node("ArgMax", new[] { y }, "step_choice", Attr("axis", 1), Attr("keepdims", 0));
        if (lengths is null) return (choice, null);
        string end = body.Constant("end_token", new long[] { endToken }, 1);
        string ended = body.Node("GreaterOrEqual", new[] { step, lengths }, "step_ended");
        string token = body.Node("Where", new[] { ended, end, choice }, "step_token");
        string endsNow = body.Node("And", new[] { body.Node("Equal", new[] { token, end }, "step_is_end"), body.Node("Not", new[] { ended }, "step_running") }, "step_ends_now");
        string next = body.Node("Add", new[] { step, body.Constant("one_more_step", new long[] { 1 }) }, "step_plus_1");
        return (token, body.Node("Where", new[] { endsNow, next, lengths }, "step_lengths_next"));
    }

    /// <summary>
    /// The <c>Loop</c> node: OutputSteps iterations (no condition) carrying the next input, every layer's h and c and,
    /// with an end token, the generated lengths; its scan outputs become the graph's <c>y</c> [OutputSteps, Batch,
    /// OutputSize] and, for a softmax head, <c>generated</c> [OutputSteps, Batch] int64 (and <c>generated_lengths</c>
    /// [Batch] int64 with an end token).
    /// </summary>
    private static void GenerationLoop<T>(GraphBuilder<T> g, ModelArchitecture a, DecoderInput decoder, string first, string[] h0, string?[] c0, int endToken, AttentionInputs? attention)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        LayerArchitecture[] layers = a.DecoderLayers.ToArray();
        long b = a.Batch, steps = a.OutputSteps, width = a.OutputSize;
        bool tokens = a.Output == HeadKind.Softmax, ends = tokens && endToken >= 0;
        GraphBuilder<T> body = g.Subgraph("decode_step");
        body.Input("step", TensorProto.Types.DataType.Int64);
        body.Input("step_condition", Bool);
        string input = "step_input";
        if (decoder.Tokens) body.Input(input, TensorProto.Types.DataType.Int64, b);
        else body.Input(input, TensorProto.Types.DataType.Float, b, decoder.Width);
        var h = new string[a.Layers.Count];
        var c = new string?[a.Layers.Count];
        for (int k = 0; k < a.Layers.Count; k++)
        {
            h[k] = $"step_h{k}";
            body.Input(h[k], TensorProto.Types.DataType.Float, 1, b, layers[k].Hidden);
        }
        for (int k = 0; k < a.Layers.Count; k++)
        {
            if (c0[k] is null) continue;
            c[k] = $"step_c{k}";
            body.Input($"step_c{k}", TensorProto.Types.DataType.Float, 1, b, layers[k].Hidden);
        }
        string? lengths = ends ? "step_lengths" : null;
        if (lengths is not null) body.Input(lengths, TensorProto.Types.DataType.Int64, b);
        long fedWidth = a.AttentionInputFeeding ? layers[^1].StateWidth : 0;
        string? feed = fedWidth > 0 ? "step_feed" : null;
        if (feed is not null) body.Input(feed, TensorProto.Types.DataType.Float, b, fedWidth);

        StepOutputs o = DecoderStep(body, a, layers, decoder, input, h, c, attention, feed);
        (string? token, string? lengthsNext) = tokens ? ChooseToken(body, o.Y, "step", lengths, endToken) : (null, null);

        // Body outputs: the condition, the carried values in the order of the inputs, then the scan outputs.
        body.Output(body.Node("Identity", new[] { "step_condition" }, "step_condition_next"), Bool);
        string nextInput = body.Node("Identity", new[] { token ?? o.Y }, "step_next_input");
        if (decoder.Tokens) body.Output(nextInput, TensorProto.Types.DataType.Int64, b);
        else body.Output(nextInput, TensorProto.Types.DataType.Float, b, decoder.Width);
        for (int k = 0; k < a.Layers.Count; k++)
            body.Output(o.H[k], TensorProto.Types.DataType.Float, 1, b, layers[k].Hidden);
        for (int k = 0; k < a.Layers.Count; k++)
            if (o.C[k] is { } ck) body.Output(ck, TensorProto.Types.DataType.Float, 1, b, layers[k].Hidden);
        if (lengthsNext is not null) body.Output(lengthsNext, TensorProto.Types.DataType.Int64, b);
        if (feed is not null) body.Output(body.Node("Identity", new[] { o.Attentional! }, "step_feed_next"), TensorProto.Types.DataType.Float, b, fedWidth);
        body.Output(o.Y, TensorProto.Types.DataType.Float, b, width);
        if (token is not null) body.Output(body.Node("Identity", new[] { token }, "step_generated"), TensorProto.Types.DataType.Int64, b);
        if (o.Weights is { } weights) body.Output(weights, TensorProto.Types.DataType.Float, b, a.Steps);

        var inputs = new List<string> { g.Constant("output_steps", new long[] { steps }), "", first };
        var outputs = new List<string> { "final_input" };
        inputs.AddRange(h0);
        outputs.AddRange(h0.Select((_, k) => $"final_h{k}"));
        for (int k = 0; k < a.Layers.Count; k++)
        {
            if (c0[k] is not { } ck) continue;
            inputs.Add(ck);
            outputs.Add($"final_c{k}");
        }
        if (ends)
        {
            inputs.Add(g.Constant("all_steps", Enumerable.Repeat(steps, (int)b).ToArray(), b));
            outputs.Add("generated_lengths");
        }
        if (feed is not null)
        {
            inputs.Add(g.FloatConstant("feed_start", new float[b * fedWidth], b, fedWidth)); // h̃_(-1) = 0
            outputs.Add("final_feed");
        }
        outputs.Add("y");
        if (tokens) outputs.Add("generated");
        if (attention is not null) outputs.Add("attention");
        g.Node("Loop", inputs.ToArray(), outputs.ToArray(), new AttributeProto { Name = "body", Type = AttributeProto.Types.AttributeType.Graph, G = body.Graph });
        g.Output("y", TensorProto.Types.DataType.Float, steps, b, width);
        if (tokens) g.Output("generated", TensorProto.Types.DataType.Int64, steps, b);
        if (ends) g.Output("generated_lengths", TensorProto.Types.DataType.Int64, b);
        if (attention is not null) g.Output("attention", TensorProto.Types.DataType.Float, steps, b, a.Steps);
    }

    private static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    private static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private static AttributeProto Attr(string name, string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.Add(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    /// <summary>Accumulates nodes and initializers; converts parameters to float32 and PyTorch's gate order to ONNX's.</summary>
    private sealed class GraphBuilder<T>(IRnnModel<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        public GraphProto Graph { get; } = new() { Name = model.Architecture.Name };

        /// <summary>The graph whose initializers this builder adds to: its own, or (a subgraph's builder) the main graph's.</summary>
        private GraphProto? _initializers;

        private GraphProto Initializers => _initializers ?? Graph;

        /// <summary>A builder of a subgraph (a Loop body): its own nodes, inputs and outputs; parameters and constants go into the main graph, which the body reads from its outer scope.</summary>
        public GraphBuilder<T> Subgraph(string name)
        {
            var body = new GraphBuilder<T>(model) { _initializers = Initializers };
            body.Graph.Name = name;
            return body;
        }

        public string Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            Node(op, inputs, new[] { output }, attributes);
            return output;
        }

        /// <summary>A node with several outputs (named after the first).</summary>
        public void Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = outputs[0] + "_" + op };
            node.Input.Add(inputs);
            node.Output.Add(outputs);
            node.Attribute.Add(attributes);
            Graph.Node.Add(node);
        }

        public void Input(string name, TensorProto.Types.DataType type, params long[] shape) => Graph.Input.Add(Value(name, type, shape));

        public void Output(string name, TensorProto.Types.DataType type, params long[] shape) => Graph.Output.Add(Value(name, type, shape));

        private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, long[] shape)
        {
            var tensor = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = new TensorShapeProto() };
            foreach (long d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
        }

        public string Constant(string name, long[] values, params long[] shape)
        {
            var bytes = new byte[8 * values.Length];
            for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
            return Initializer(name, TensorProto.Types.DataType.Int64, bytes, shape);
        }

        /// <summary>An initializer of the graph: <paramref name="raw"/> is its values, little-endian, as ONNX's raw_data is.</summary>
        private string Initializer(string name, TensorProto.Types.DataType type, byte[] raw, long[] shape)
        {
            var t = new TensorProto { Name = name, DataType = (int)type };
            t.Dims.Add(shape);
            t.RawData = ByteString.CopyFrom(raw);
            Initializers.Initializer.Add(t);
            return name;
        }

        public string FloatConstant(string name, float[] values, params long[] shape)
        {
            Add(name, values, shape);
            return name;
        }

        /// <summary>A parameter tensor as is (row-major, PyTorch's shape).</summary>
        public string Parameter(string name)
        {
            TensorInfo t = model.Tensors.Single(x => x.Name == name);
            Add(name, ToFloat(model.Parameters.Slice(t.Offset, t.Length)), t.Shape.Select(d => (long)d).ToArray());
            return name;
        }

        public string TransposedParameter(string name, string output)
        {
            TensorInfo t = model.Tensors.Single(x => x.Name == name);
            int rows = t.Shape[0], cols = t.Shape[1];
            float[] v = ToFloat(model.Parameters.Slice(t.Offset, t.Length));
            var transposed = new float[v.Length];
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) transposed[j * rows + i] = v[i * cols + j];
            Add(output, transposed, cols, rows);
            return output;
        }

        /// <summary>W or R of a layer: [dirs, G·H, in] with the gate blocks in ONNX's order.</summary>
        public string StackDirections(string name, int layer, int dirs, string kind, int hidden, CellType cell, string tensorPrefix)
        {
            var all = new List<float>();
            long rows = 0, cols = 0;
            for (int d = 0; d < dirs; d++)
            {
                TensorInfo t = model.Tensors.Single(x => x.Name == $"{tensorPrefix}rnn.{kind}_l{layer}{(d == 1 ? "_reverse" : "")}");
                rows = t.Shape[0];
                cols = t.Shape[1];
                all.AddRange(ReorderGates(ToFloat(model.Parameters.Slice(t.Offset, t.Length)), hidden, (int)cols, cell));
            }
            Add(name, all.ToArray(), dirs, rows, cols);
            return name;
        }

        /// <summary>W of input feeding's first decoder layer: [1, G·H, in + D], each row [W_ih row ; W_f row], gate blocks in ONNX's order.</summary>
        public string InputWeightsWithFeed(string name, int hidden, CellType cell, string inputTensor, string feedTensor)
        {
            TensorInfo wi = model.Tensors.Single(x => x.Name == inputTensor), wf = model.Tensors.Single(x => x.Name == feedTensor);
            int rows = wi.Shape[0], inCols = wi.Shape[1], feedCols = wf.Shape[1], cols = inCols + feedCols;
            float[] input = ToFloat(model.Parameters.Slice(wi.Offset, wi.Length)), feed = ToFloat(model.Parameters.Slice(wf.Offset, wf.Length));
            var joined = new float[rows * cols];
            for (int r = 0; r < rows; r++)
            {
                Array.Copy(input, r * inCols, joined, r * cols, inCols);
                Array.Copy(feed, r * feedCols, joined, r * cols + inCols, feedCols);
            }
            Add(name, ReorderGates(joined, hidden, cols, cell), 1, rows, cols);
            return name;
        }

        /// <summary>B of a layer: [dirs, 2·G·H] = [Wb ; Rb] per direction, gate blocks in ONNX's order.</summary>
        public string Biases(string name, int layer, int dirs, int hidden, CellType cell, string tensorPrefix)
        {
            var all = new List<float>();
            long width = 0;
            for (int d = 0; d < dirs; d++)
            {
                string suffix = d == 1 ? "_reverse" : "";
                foreach (string kind in new[] { "bias_ih", "bias_hh" })
                {
                    TensorInfo t = model.Tensors.Single(x => x.Name == $"{tensorPrefix}rnn.{kind}_l{layer}{suffix}");
                    all.AddRange(ReorderGates(ToFloat(model.Parameters.Slice(t.Offset, t.Length)), hidden, 1, cell));
                    width += t.Length;
                }
            }
            Add(name, all.ToArray(), dirs, width / dirs);
            return name;
        }

        /// <summary>[dirs, Batch, H] from the InitialState layout (per layer: forward then reverse, each [Batch, H]).</summary>
        public string State(string name, int offset, int dirs, int batch, int hidden)
        {
            Add(name, ToFloat(model.InitialState.Slice(offset, dirs * batch * hidden)), dirs, batch, hidden);
            return name;
        }

        /// <summary>PyTorch LSTM i,f,g,o → ONNX i,o,f,c; PyTorch GRU r,z,n → ONNX z,r,h; RNN has one block.</summary>
        private static float[] ReorderGates(float[] blocks, int hidden, int cols, CellType cell)
        {
            int[] order = cell switch { CellType.Lstm => new[] { 0, 3, 1, 2 }, CellType.Gru => new[] { 1, 0, 2 }, _ => new[] { 0 } };
            int block = hidden * cols;
            var result = new float[blocks.Length];
            for (int i = 0; i < order.Length; i++) Array.Copy(blocks, order[i] * block, result, i * block, block);
            return result;
        }

        private static float[] ToFloat(ReadOnlySpan<T> values)
        {
            var f = new float[values.Length];
            for (int i = 0; i < f.Length; i++) f[i] = float.CreateTruncating(values[i]);
            return f;
        }

        private void Add(string name, float[] values, params long[] shape)
        {
            var bytes = new byte[4 * values.Length];
            for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
            Initializer(name, TensorProto.Types.DataType.Float, bytes, shape);
        }
    }
}
