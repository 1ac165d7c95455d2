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
/// the model's <c>Output</c>. Parameters are written as float32 (double models are rounded). Many-to-many and many-to-one
/// models are supported; one-to-many and encoder–decoder models generate step by step and would need an ONNX Loop, and
/// ONNX's LSTM has no projection, so a model with <see cref="LstmAttribute.Projection"/> is refused.
/// With <see cref="OnnxExportOptions.SequenceLengths"/> the graph also takes <c>sequence_lens</c> int32 [Batch] and
/// reproduces <c>Forward(inputs, lengths)</c>: padded steps and lanes of length 0 give 0, a many-to-one head reads each
/// lane's last real state (see docs/onnx-lengths.md).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 14;

    private static readonly string Version = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Writes <paramref name="model"/>'s inference graph to <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">A one-to-many or encoder–decoder model, or one with a leaky RNN or a projected LSTM layer.</exception>
    public static void Save<T>(IRnnModel<T> model, string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        Save(model, path, Defaults);

    /// <summary>Writes <paramref name="model"/>'s inference graph to <paramref name="path"/> as <paramref name="options"/> say.</summary>
    /// <exception cref="NotSupportedException">A one-to-many or encoder–decoder model, or one with a leaky RNN or a projected LSTM layer.</exception>
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
    /// <exception cref="NotSupportedException">A one-to-many or encoder–decoder model, or one with a leaky RNN or a projected LSTM layer.</exception>
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
        bool lengths = options.SequenceLengths;
        ModelArchitecture a = model.Architecture;
        if (a.Topology is Topology.OneToMany or Topology.EncoderDecoder)
            throw new NotSupportedException($"ONNX export covers many-to-many and many-to-one models; {a.Name} is {a.Topology}, which generates step by step (an ONNX Loop graph).");
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
        long t = a.Steps, b = a.Batch;
        string x;
        if (a.TokenInput)
        {
            g.Input("tokens", TensorProto.Types.DataType.Int64, t, b);
            string ids = "tokens";
            if (lengths)
            {
                // Padded steps may hold any id (as in Forward(tokens, lengths)), and Gather refuses one out of range: map
                // every id into [0, vocabulary) (real ids are unchanged; what a padded step reads is masked away later).
                ids = g.Node("Mod", new[] { "tokens", g.Constant("vocabulary_size", new long[] { a.InputSize }) }, "tokens_in_range");
            }
            if (a.Embedding > 0)
            {
                x = g.Node("Gather", new[] { g.Parameter("embedding.weight"), ids }, "embedded", Attr("axis", 0));
            }
            else
            {
                // x_t = onehot(token_t): OneHot(indices, depth, [off, on]).
                string depth = g.Constant("vocabulary", new long[] { a.InputSize }, 1);
                string values = g.FloatConstant("onehot_values", new float[] { 0, 1 }, 2);
                x = g.Node("OneHot", new[] { ids, depth, values }, "onehot", Attr("axis", -1));
            }
        }
        else
        {
            g.Input("x", TensorProto.Types.DataType.Float, t, b, a.InputSize);
            x = "x";
        }

        // With lengths: the recurrent nodes get max(len, 1) (ONNX leaves a length of 0 unspecified; those lanes are
        // masked to 0 at the end), the masks compare steps and lanes with len itself.
        string lens = "", nodeLens = "", lastStep = "";
        if (lengths)
        {
            g.Input("sequence_lens", Int32, b);
            lens = g.Node("Cast", new[] { "sequence_lens" }, "lens", Attr("to", (long)TensorProto.Types.DataType.Int64));
            string clamped = g.Node("Max", new[] { lens, g.Constant("one", new long[] { 1 }) }, "lens_at_least_1");
            nodeLens = g.Node("Cast", new[] { clamped }, "node_sequence_lens", Attr("to", (long)Int32));
            lastStep = g.Node("Sub", new[] { clamped, g.Constant("one_step", new long[] { 1 }) }, "last_step");
        }

        int stateOffset = 0, cellOffset = a.Layers.Sum(l => (l.Bidirectional ? 2 : 1) * a.Batch * l.Hidden);
        string yh = "", top = "";
        for (int k = 0; k < a.Layers.Count; k++)
        {
            LayerArchitecture layer = a.Layers[k];
            int dirs = layer.Bidirectional ? 2 : 1, h = layer.Hidden;
            string w = g.StackDirections($"W{k}", k, dirs, "weight_ih", h, layer.Cell);
            string r = g.StackDirections($"R{k}", k, dirs, "weight_hh", h, layer.Cell);
            string bias = g.Biases($"B{k}", k, dirs, h, layer.Cell);
            string h0 = g.State($"initial_h{k}", stateOffset, dirs, a.Batch, h);
            stateOffset += dirs * a.Batch * h;
            var inputs = new List<string> { x, w, r, bias, nodeLens, h0 };
            if (layer.Cell == CellType.Lstm)
            {
                inputs.Add(g.State($"initial_c{k}", cellOffset, dirs, a.Batch, h));
                cellOffset += dirs * a.Batch * h;
            }
            var attributes = new List<AttributeProto>
            {
                Attr("hidden_size", h),
                Attr("direction", layer.Bidirectional ? "bidirectional" : "forward"),
            };
            if (layer.Cell == CellType.Gru) attributes.Add(Attr("linear_before_reset", 1));
            if (layer.Cell == CellType.Rnn)
            {
                string act = layer.Nonlinearity == Nonlinearity.Relu ? "Relu" : "Tanh";
                attributes.Add(Attr("activations", Enumerable.Repeat(act, dirs).ToArray()));
            }
            string op = layer.Cell switch { CellType.Lstm => "LSTM", CellType.Gru => "GRU", _ => "RNN" };
            (string y, yh) = g.Node2(op, inputs.ToArray(), $"layer{k}_y", $"layer{k}_y_h", attributes.ToArray());
            top = y;
            // Y is [T, dirs, B, H]; the next layer (and the head) read [T, B, dirs·H] = [forward ; reverse].
            string yt = g.Node("Transpose", new[] { y }, $"layer{k}_tbdh", Attr("perm", new long[] { 0, 2, 1, 3 }));
            x = g.Node("Reshape", new[] { yt, g.Constant($"shape{k}", new long[] { 0, 0, -1 }, 3) }, $"layer{k}_out");
        }

        long c = a.OutputSize;
        string z;
        if (a.Topology == Topology.ManyToOne)
        {
            string features;
            if (!lengths)
            {
                // PyTorch's h_n of the top layer: the forward direction after step T−1, the reverse after step 0.
                string hb = g.Node("Transpose", new[] { yh }, "h_n_bdh", Attr("perm", new long[] { 1, 0, 2 }));
                features = g.Node("Reshape", new[] { hb, g.Constant("shape_features", new long[] { 0, -1 }, 2) }, "features");
            }
            else
            {
                // PyTorch's h_n per lane: the forward direction's Y at step len−1, the reverse direction's Y_h (after step 0).
                LayerArchitecture last = a.Layers[^1];
                long hidden = last.Hidden;
                string forwardY = g.Node("Gather", new[] { top, g.Constant("direction_forward", new long[] { 0 }) }, "top_forward_y", Attr("axis", 1));
                string index = g.Node("Reshape", new[] { lastStep, g.Constant("shape_last_step", new long[] { 1, b, 1 }, 3) }, "last_step_1b1");
                index = g.Node("Expand", new[] { index, g.Constant("shape_gather", new long[] { 1, b, hidden }, 3) }, "last_step_index");
                string forwardLast = g.Node("GatherElements", new[] { forwardY, index }, "forward_last", Attr("axis", 0));
                features = g.Node("Reshape", new[] { forwardLast, g.Constant("shape_forward_features", new long[] { b, hidden }, 2) }, "forward_features");
                if (last.Bidirectional)
                {
                    string reverse = g.Node("Gather", new[] { yh, g.Constant("direction_reverse", new long[] { 1 }) }, "reverse_features", Attr("axis", 0));
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
        switch (a.Output)
        {
            case HeadKind.Softmax: g.Node("Softmax", new[] { z }, activated, Attr("axis", -1)); break;
            case HeadKind.Sigmoid: g.Node("Sigmoid", new[] { z }, activated); break;
            default: g.Node("Identity", new[] { z }, activated); break;
        }
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
        g.Output("y", a.Topology == Topology.ManyToOne ? 1 : t, b, c);

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

        public string Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = output + "_" + op };
            node.Input.Add(inputs);
            node.Output.Add(output);
            node.Attribute.Add(attributes);
            Graph.Node.Add(node);
            return output;
        }

        public (string, string) Node2(string op, string[] inputs, string output, string second, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = output + "_" + op };
            node.Input.Add(inputs);
            node.Output.Add(output);
            node.Output.Add(second);
            node.Attribute.Add(attributes);
            Graph.Node.Add(node);
            return (output, second);
        }

        public void Input(string name, TensorProto.Types.DataType type, params long[] shape) => Graph.Input.Add(Value(name, type, shape));

        public void Output(string name, params long[] shape) => Graph.Output.Add(Value(name, TensorProto.Types.DataType.Float, shape));

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
            Graph.Initializer.Add(t);
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
        public string StackDirections(string name, int layer, int dirs, string kind, int hidden, CellType cell)
        {
            var all = new List<float>();
            long rows = 0, cols = 0;
            for (int d = 0; d < dirs; d++)
            {
                TensorInfo t = model.Tensors.Single(x => x.Name == $"rnn.{kind}_l{layer}{(d == 1 ? "_reverse" : "")}");
                rows = t.Shape[0];
                cols = t.Shape[1];
                all.AddRange(ReorderGates(ToFloat(model.Parameters.Slice(t.Offset, t.Length)), hidden, (int)cols, cell));
            }
            Add(name, all.ToArray(), dirs, rows, cols);
            return name;
        }

        /// <summary>B of a layer: [dirs, 2·G·H] = [Wb ; Rb] per direction, gate blocks in ONNX's order.</summary>
        public string Biases(string name, int layer, int dirs, int hidden, CellType cell)
        {
            var all = new List<float>();
            long width = 0;
            for (int d = 0; d < dirs; d++)
            {
                string suffix = d == 1 ? "_reverse" : "";
                foreach (string kind in new[] { "bias_ih", "bias_hh" })
                {
                    TensorInfo t = model.Tensors.Single(x => x.Name == $"rnn.{kind}_l{layer}{suffix}");
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
