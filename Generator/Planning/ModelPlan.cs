using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

/// <summary>
/// Where everything lives: the offset of every parameter tensor (PyTorch's <c>state_dict</c> order), of every
/// activation that backpropagation reads, and of the scratch buffers. Computed in 64-bit arithmetic so the parser
/// can reject models whose buffers would not fit an int-indexed span before anything is emitted.
/// </summary>
/// <remarks>
/// A model is one or two <see cref="StackPlan"/>s of recurrent layers: one for many-to-many, many-to-one and
/// one-to-many; an encoder and a decoder (same layer specs, own parameters) for encoder–decoder. The head reads the
/// top of the last stack.
/// </remarks>
internal sealed class ModelPlan
{
    /// <summary>Steps per emitted method: keeps each unrolled method far below the JIT's optimization limits.</summary>
    public const int StepsPerMethod = 16;

    internal readonly record struct Sizes(long Parameters, long Activations, long Scratch);

    public ModelPlan(ModelSpec spec)
    {
        Spec = spec;
        B = spec.Batch;
        OutputSteps = spec.OutputSteps;
        Element = spec.Precision == PrecisionKind.Double ? "double" : "float";

        // The first (or only) stack reads the model's input.
        long firstWidth = spec.Input.Kind == InputKind.Vector ? spec.Input.Size
            : spec.Input.Embedding > 0 ? spec.Input.Embedding : spec.Input.Size;
        InputKindPlan firstKind = spec.Input.Kind == InputKind.Vector ? InputKindPlan.Vector
            : spec.Input.Embedding > 0 ? InputKindPlan.Embedding : InputKindPlan.OneHot;
        switch (spec.Topology)
        {
            case TopologyKind.EncoderDecoder:
            {
                var encoder = new StackPlan(this, "Encoder", "encoder.", spec.Steps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens"));
                // The decoder reads the previous output: a token (with a start token after the classes) or a vector.
                InputPlan decoderInput = spec.Output.Kind != HeadKind.Softmax
                    ? new InputPlan(InputKindPlan.Vector, spec.Output.Size, spec.Output.Size, null) { IsFeedback = true }
                    : spec.Input.Kind == InputKind.Token && spec.Input.Embedding > 0
                        ? new InputPlan(InputKindPlan.Embedding, spec.Output.Size + 1, spec.Input.Embedding, "_rnnDecoderTokens") { IsFeedback = true }
                        : new InputPlan(InputKindPlan.OneHot, spec.Output.Size + 1, spec.Output.Size + 1, "_rnnDecoderTokens") { IsFeedback = true };
                var decoder = new StackPlan(this, "Decoder", "decoder.", spec.OutputSteps, decoderInput) { IsDecoder = true };
                Stacks.Add(encoder);
                Stacks.Add(decoder);
                break;
            }
            case TopologyKind.OneToMany:
                // One input, then each output fed back as the next input: the recurrence runs OutputSteps steps.
                Stacks.Add(new StackPlan(this, "", "", spec.OutputSteps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens") { IsFeedback = true }) { IsDecoder = true });
                break;
            default:
                Stacks.Add(new StackPlan(this, "", "", spec.Steps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens")));
                break;
        }

        // Parameters, in state_dict order: per stack embedding then rnn (per layer: forward then reverse); head last.
        foreach (StackPlan stack in Stacks)
        {
            if (stack.Input.Kind == InputKindPlan.Embedding)
                stack.Input.EmbeddingTensor = AddTensor(stack.TensorPrefix + "embedding.weight", stack.Name + "EmbeddingWeight",
                    new[] { stack.Input.Ids, stack.Input.Width }, TensorInit.Normal, 0);
            long inWidth = stack.Input.Width;
            for (int k = 0; k < spec.Layers.Count; k++)
            {
                LayerSpec ls = spec.Layers[k];
                var layer = new LayerPlan(stack, k, ls, inWidth);
                for (int d = 0; d < layer.Directions; d++)
                {
                    string suffix = d == 0 ? "" : "_reverse";
                    string constSuffix = "L" + k + (d == 0 ? "" : "Reverse");
                    string p = stack.TensorPrefix + "rnn.", c = stack.Name;
                    var dir = new DirectionPlan(d == 1)
                    {
                        WeightIh = AddTensor($"{p}weight_ih_l{k}{suffix}", c + "WeightIh" + constSuffix, new[] { layer.GateWidth, inWidth }, TensorInit.UniformHidden, ls.Hidden),
                        WeightHh = AddTensor($"{p}weight_hh_l{k}{suffix}", c + "WeightHh" + constSuffix, new long[] { layer.GateWidth, ls.Hidden }, TensorInit.UniformHidden, ls.Hidden),
                        BiasIh = AddTensor($"{p}bias_ih_l{k}{suffix}", c + "BiasIh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                        BiasHh = AddTensor($"{p}bias_hh_l{k}{suffix}", c + "BiasHh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                        ConstSuffix = c + constSuffix,
                    };
                    layer.Direction.Add(dir);
                }
                stack.Layers.Add(layer);
                inWidth = layer.OutWidth;
            }
        }
        HeadInputWidth = Last.Top.OutWidth;
        string headPrefix = IsEncoderDecoder ? "decoder.head." : "head.";
        HeadWeight = AddTensor(headPrefix + "weight", "HeadWeight", new[] { spec.Output.Size, HeadInputWidth }, TensorInit.UniformFanIn, HeadInputWidth);
        HeadBias = AddTensor(headPrefix + "bias", "HeadBias", new long[] { spec.Output.Size }, TensorInit.UniformFanIn, HeadInputWidth);
        ParameterCount = _parameterCursor;

        // Activations kept from forward for backward.
        foreach (StackPlan stack in Stacks)
        {
            if (stack.Input.Kind != InputKindPlan.OneHot)
                stack.Input.X = Activation(stack.Name + "InputX", stack.Rows * stack.Input.Width,
                    $"x: {(stack.Input.IsFeedback && IsEncoderDecoder ? "decoder inputs" : "inputs")} (or their embeddings), [{stack.StepsName}, Batch, {stack.Input.Width}]");
            foreach (LayerPlan layer in stack.Layers)
            {
                string s = stack.Name;
                layer.Outputs = Activation(s + "HiddenL" + layer.Index, stack.Rows * layer.OutWidth,
                    $"h: outputs of {stack.Describe}layer {layer.Index}, [{stack.StepsName}, Batch, {layer.OutWidth}]" + (layer.Directions == 2 ? " = [forward ; reverse]" : ""));
                foreach (DirectionPlan dir in layer.Direction)
                {
                    if (layer.Cell != CellKind.Rnn)
                        dir.Gates = Activation("Gates" + dir.ConstSuffix, stack.Rows * layer.GateWidth,
                            $"gate activations of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.StepsName}, Batch, {layer.GateWidth}] ({(layer.Cell == CellKind.Lstm ? "i, f, g, o" : "r, z, n")}); backward overwrites them with their gradients");
                    if (layer.Cell == CellKind.Lstm)
                        dir.Cell = Activation("Cell" + dir.ConstSuffix, stack.Rows * layer.Hidden, $"c: cell states of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.StepsName}, Batch, {layer.Hidden}]");
                    if (layer.Cell == CellKind.Gru)
                        dir.RecurrentN = Activation("RecurrentN" + dir.ConstSuffix, stack.Rows * layer.Hidden,
                            $"h_(t-1)·W_hnᵀ + b_hn of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.StepsName}, Batch, {layer.Hidden}] (backward needs it for dr)");
                }
            }
        }

        // Recurrent state layout (InitialState, FinalState): every h, then every c (as PyTorch's (h_0, c_0)).
        // A decoder has the same layout; its initial state is a copy of the encoder's final state.
        foreach (StackPlan stack in Stacks)
        {
            long cursor = 0;
            foreach (LayerPlan layer in stack.Layers)
                foreach (DirectionPlan dir in layer.Direction)
                {
                    dir.H0 = new Region("H0" + dir.ConstSuffix, cursor, B * layer.Hidden, "");
                    cursor += B * layer.Hidden;
                }
            foreach (LayerPlan layer in stack.Layers.Where(l => l.Cell == CellKind.Lstm))
                foreach (DirectionPlan dir in layer.Direction)
                {
                    dir.C0 = new Region("C0" + dir.ConstSuffix, cursor, B * layer.Hidden, "");
                    cursor += B * layer.Hidden;
                }
            StateLength = cursor;
        }
        if (IsEncoderDecoder)
            Last.InitialState = Activation("DecoderInitialState", StateLength, "the decoder's initial state: the encoder's final state, [StateSize]");
        if (IsDecoding && Last.Input.Kind != InputKindPlan.Vector)
            GeneratedRegion = null; // generated ids live in an int field

        // Many-to-one over a bidirectional top layer: the head reads [forward h at T−1 ; reverse h at 0] (PyTorch's h_n).
        if (IsManyToOne && Last.Top.Directions == 2)
            HeadInputRows = Activation("HeadInput", B * HeadInputWidth, "[forward h_(T-1) ; reverse h_0] of the top layer, what the head reads");
        OutputValues = Activation("OutputValues", RowsOut * OutputSize, $"Output, [OutputSteps, Batch, {OutputSize}]");
        if (spec.Output.Kind == HeadKind.Sigmoid) Logits = Activation("Logits", RowsOut * OutputSize, "z: logits of the sigmoid head, for a stable loss");
        if (spec.Output.Kind == HeadKind.Softmax) LogSumExp = Activation("LogSumExp", RowsOut, "log Σ exp(z) per output row, for an exact cross-entropy");
        ActivationLength = _activationCursor;

        // Scratch: two ping-pong buffers carry dL/d(layer output) down the stacks; per-step carries.
        IEnumerable<LayerPlan> allLayers = Stacks.SelectMany(s => s.Layers);
        // Ping-pong: the head writes dz into A and dL/dh_top into B; each layer reads its dh from one and writes the dh
        // of the layer below into the other — down the decoder, then down the encoder. Each buffer is sized for the
        // largest thing it holds, not the widest matrix of the model.
        var order = Enumerable.Reverse(Stacks).SelectMany(st => Enumerable.Reverse(st.Layers)).ToList();
        long needA = RowsOut * OutputSize, needB = 0;
        for (int i = 0; i < order.Count; i++)
        {
            LayerPlan layer = order[i];
            bool inB = i % 2 == 0;
            long dh = layer.Stack.Rows * layer.OutWidth;
            bool writesDx = !(layer.Index == 0 && (layer.Stack.Input.Kind == InputKindPlan.OneHot
                || (layer.Stack.Input.Kind == InputKindPlan.Vector && layer.Stack.Input.IsFeedback && layer.Stack != First)));
            long dx = writesDx ? layer.Stack.Rows * layer.InWidth : 0;
            if (inB) { needB = Math.Max(needB, dh); needA = Math.Max(needA, dx); }
            else { needA = Math.Max(needA, dh); needB = Math.Max(needB, dx); }
        }
        DeltaA = Scratch("DeltaA", needA, "dL/dz of the head, then dL/dh of every other layer going down");
        DeltaB = Scratch("DeltaB", needB, "dL/dh of the top layer, then of every other layer going down");
        for (int i = 0; i < order.Count; i++)
        {
            order[i].DeltaIn = i % 2 == 0 ? DeltaB : DeltaA;
            order[i].DeltaOut = i % 2 == 0 ? DeltaA : DeltaB;
        }
        long maxLstm = allLayers.Where(l => l.Cell == CellKind.Lstm).Select(l => l.Hidden).DefaultIfEmpty(0).Max();
        long maxGru = allLayers.Where(l => l.Cell == CellKind.Gru).Select(l => l.Hidden).DefaultIfEmpty(0).Max();
        if (maxLstm > 0) DeltaCell = Scratch("DeltaCell", B * maxLstm, "dL/dc carried from step t to step t−1");
        if (maxGru > 0) GruRecurrent = Scratch("GruRecurrent", B * 3 * maxGru, "h_(t-1)·W_hhᵀ of the current GRU step");
        if (IsEncoderDecoder)
            Last.DeltaInitialState = Scratch("DeltaDecoderState", StateLength, "dL/d(the decoder's initial state): flows into the encoder's last step");
        // One-hot inputs: W_ih transposed once per pass ([ids, G·H]), so a token's projection — and its gradient — is one
        // contiguous row instead of a strided column.
        long oneHot = Stacks.Where(st => st.Input.Kind == InputKindPlan.OneHot).Select(st => st.Input.Ids * st.Layers[0].GateWidth).DefaultIfEmpty(0).Max();
        if (oneHot > 0) OneHotWeights = Scratch("OneHotWeights", oneHot, "W_ihᵀ of a one-hot input layer ([ids, G·H]); in backward, the gradient of W_ihᵀ");
        foreach (LayerPlan layer in allLayers)
            foreach (DirectionPlan dir in layer.Direction)
                dir.BiasSum = Scratch("BiasSum" + dir.ConstSuffix, layer.GateWidth, "b_ih + b_hh folded into the input projection");

        // Single-step inference (Step): one lane at a time, so these are one row wide.
        if (CanStep)
        {
            StepGates = Scratch("StepGates", Layers.Max(l => l.GateWidth), "gate pre-activations of the layer Step is computing");
            if (maxGru > 0) StepGru = Scratch("StepGru", 4 * maxGru, "h·W_hhᵀ (3H) and h·W_hnᵀ + b_hn (H) of a GRU layer in Step");
            StepOutput = Scratch("StepOutput", B * OutputSize, "Step's output for each lane, [Batch, OutputSize]");
            StepLogSumExp = Scratch("StepLogSumExp", 1, "log Σ exp(z) of Step's softmax");
        }
        ScratchLength = _scratchCursor;
    }

    public static Sizes MeasureSizes(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        return new Sizes(plan.ParameterCount, plan.ActivationLength, plan.ScratchLength);
    }

    private long _parameterCursor, _activationCursor, _scratchCursor;

    public ModelSpec Spec { get; }
    public long B { get; }
    public long OutputSteps { get; }
    public string Element { get; }
    public bool IsDouble => Spec.Precision == PrecisionKind.Double;
    public bool IsManyToOne => Spec.Topology == TopologyKind.ManyToOne;
    public bool IsOneToMany => Spec.Topology == TopologyKind.OneToMany;
    public bool IsEncoderDecoder => Spec.Topology == TopologyKind.EncoderDecoder;

    /// <summary>One-to-many and encoder–decoder generate: each output step feeds the next step's input.</summary>
    public bool IsDecoding => IsOneToMany || IsEncoderDecoder;

    public List<StackPlan> Stacks { get; } = new();
    public StackPlan First => Stacks[0];
    public StackPlan Last => Stacks[Stacks.Count - 1];

    /// <summary>Layers of the first stack (the only one except for encoder–decoder).</summary>
    public List<LayerPlan> Layers => First.Layers;
    public LayerPlan Top => Last.Top;

    /// <summary>Input steps of the first stack (the model's Steps, or OutputSteps for one-to-many).</summary>
    public long T => First.T;
    public long RowsIn => First.Rows;
    public long RowsOut => OutputSteps * B;
    public long OutputSize => Spec.Output.Size;
    public long HeadInputWidth { get; }

    public List<TensorPlan> Tensors { get; } = new();
    public TensorPlan HeadWeight { get; }
    public TensorPlan HeadBias { get; }
    public long ParameterCount { get; }

    public List<Region> ActivationRegions { get; } = new();
    public Region? HeadInputRows { get; }
    public Region OutputValues { get; }
    public Region? Logits { get; }
    public Region? LogSumExp { get; }
    public Region? GeneratedRegion { get; }
    public long ActivationLength { get; }

    public List<Region> ScratchRegions { get; } = new();
    public Region DeltaA { get; }
    public Region DeltaB { get; }
    public Region? DeltaCell { get; }
    public Region? GruRecurrent { get; }
    public Region? OneHotWeights { get; }
    public Region? StepGates { get; }
    public Region? StepGru { get; }
    public Region? StepOutput { get; }
    public Region? StepLogSumExp { get; }
    public long ScratchLength { get; }

    public long StateLength { get; }

    /// <summary>
    /// Whether the recurrent weights are packed once per pass. At batch 1 the per-step product is a matrix–vector product
    /// that reads W_hh in place as fast, and a packed copy would cost more memory than the whole rest of the overhead.
    /// </summary>
    public bool PacksRecurrentWeights => B > 1;

    /// <summary>Single-step inference: one stack whose layers are all causal (no reverse direction).</summary>
    public bool CanStep => Stacks.Count == 1 && First.Layers.TrueForAll(l => l.Directions == 1);

    private TensorPlan AddTensor(string name, string constName, long[] shape, TensorInit init, long fanIn)
    {
        long length = shape.Aggregate(1L, (a, b) => a * b);
        var t = new TensorPlan(name, constName, shape, _parameterCursor, length, init, fanIn);
        _parameterCursor += length;
        Tensors.Add(t);
        return t;
    }

    private Region Activation(string name, long length, string comment)
    {
        var r = new Region(name, _activationCursor, length, comment);
        _activationCursor += length;
        ActivationRegions.Add(r);
        return r;
    }

    private Region Scratch(string name, long length, string comment)
    {
        var r = new Region(name, _scratchCursor, length, comment);
        _scratchCursor += length;
        ScratchRegions.Add(r);
        return r;
    }
}

internal enum TensorInit { Normal, UniformHidden, UniformFanIn }

internal enum InputKindPlan { OneHot, Embedding, Vector }

/// <summary>One parameter tensor: PyTorch name, the constant that holds its offset, shape and initializer.</summary>
internal sealed record TensorPlan(string Name, string Const, long[] Shape, long Offset, long Length, TensorInit Init, long FanIn);

/// <summary>A named slice of one of the model's buffers.</summary>
internal sealed record Region(string Const, long Offset, long Length, string Comment);

/// <summary>What the first layer of a stack reads.</summary>
internal sealed class InputPlan
{
    public InputPlan(InputKindPlan kind, long ids, long width, string? tokenField)
    {
        Kind = kind;
        Ids = ids;
        Width = width;
        TokenField = tokenField;
    }

    public InputKindPlan Kind { get; }

    /// <summary>Distinct token ids (one-hot and embedding), or the vector width.</summary>
    public long Ids { get; }

    /// <summary>Width of x: the vocabulary (one-hot), the embedding width or the vector size.</summary>
    public long Width { get; }

    /// <summary>The int[] field holding the token ids, [steps, Batch].</summary>
    public string? TokenField { get; }

    /// <summary>Steps after the first read the previous step's output (one-to-many, decoders).</summary>
    public bool IsFeedback { get; set; }

    public TensorPlan? EmbeddingTensor { get; set; }
    public Region? X { get; set; }
}

/// <summary>A stack of recurrent layers over one sequence: the model's, or an encoder's or decoder's.</summary>
internal sealed class StackPlan
{
    public StackPlan(ModelPlan model, string name, string tensorPrefix, long steps, InputPlan input)
    {
        Model = model;
        Name = name;
        TensorPrefix = tensorPrefix;
        T = steps;
        Input = input;
    }

    public ModelPlan Model { get; }

    /// <summary>Prefix of constants and methods: "", "Encoder" or "Decoder".</summary>
    public string Name { get; }

    /// <summary>Prefix of tensor names: "", "encoder." or "decoder.".</summary>
    public string TensorPrefix { get; }

    public long T { get; }
    public long Rows => T * Model.B;
    public InputPlan Input { get; }
    public List<LayerPlan> Layers { get; } = new();
    public LayerPlan Top => Layers[Layers.Count - 1];

    /// <summary>Runs step by step at inference, each step reading the previous output.</summary>
    public bool IsDecoder { get; set; }

    /// <summary>The activation region that holds this stack's initial state; null: the model's InitialState.</summary>
    public Region? InitialState { get; set; }

    /// <summary>Scratch that receives dL/d(initial state) (a decoder's, which flows into the encoder).</summary>
    public Region? DeltaInitialState { get; set; }

    public string Describe => Name.Length == 0 ? "" : Name.ToLowerInvariant() + " ";
    public string StepsName => Name == "Decoder" || (Name.Length == 0 && Model.IsOneToMany) ? "OutputSteps" : "Steps";
}

internal sealed class LayerPlan
{
    public LayerPlan(StackPlan stack, int index, LayerSpec spec, long inWidth)
    {
        Stack = stack;
        Index = index;
        Spec = spec;
        InWidth = inWidth;
    }

    public StackPlan Stack { get; }
    public int Index { get; }
    public LayerSpec Spec { get; }
    public CellKind Cell => Spec.Cell;
    public long Hidden => Spec.Hidden;
    public int Directions => Spec.Bidirectional ? 2 : 1;
    public long Gates => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };
    public long GateWidth => Gates * Hidden;
    public long InWidth { get; }
    public long OutWidth => Directions * Hidden;
    public List<DirectionPlan> Direction { get; } = new();

    /// <summary>The layer's outputs h, <c>[steps, Batch, OutWidth]</c>.</summary>
    public Region Outputs { get; set; } = null!;
    public Region DeltaIn { get; set; } = null!;
    public Region DeltaOut { get; set; } = null!;

    /// <summary>Method-name stem, e.g. <c>L0</c> or <c>DecoderL1</c>.</summary>
    public string Id => Stack.Name + "L" + Index;

    public string CellName => Cell switch { CellKind.Lstm => "LSTM", CellKind.Gru => "GRU", _ => Spec.Nonlinearity == NonlinearityKind.Relu ? "RNN (relu)" : "RNN (tanh)" };
}

internal sealed class DirectionPlan
{
    public DirectionPlan(bool reverse) => Reverse = reverse;

    public bool Reverse { get; }
    public string Describe => Reverse ? " (reverse)" : "";
    public string ConstSuffix { get; set; } = "";
    public TensorPlan WeightIh { get; set; } = null!;
    public TensorPlan WeightHh { get; set; } = null!;
    public TensorPlan BiasIh { get; set; } = null!;
    public TensorPlan BiasHh { get; set; } = null!;
    public Region? Gates { get; set; }
    public Region? Cell { get; set; }
    public Region? RecurrentN { get; set; }
    public Region BiasSum { get; set; } = null!;

    /// <summary>Offsets of this direction's h and c within a state buffer (InitialState layout).</summary>
    public Region H0 { get; set; } = null!;
    public Region? C0 { get; set; }
}
