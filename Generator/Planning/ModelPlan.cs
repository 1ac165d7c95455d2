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
internal sealed class ModelPlan
{
    /// <summary>Steps per emitted method: keeps each unrolled method far below the JIT's optimization limits.</summary>
    public const int StepsPerMethod = 16;

    internal readonly record struct Sizes(long Parameters, long Activations, long Scratch);

    public ModelPlan(ModelSpec spec)
    {
        Spec = spec;
        T = spec.Steps;
        B = spec.Batch;
        OutputSteps = spec.OutputSteps;
        Element = spec.Precision == PrecisionKind.Double ? "double" : "float";
        InputWidth = spec.Input.Kind == InputKind.Vector ? spec.Input.Size
            : spec.Input.Embedding > 0 ? spec.Input.Embedding : spec.Input.Size;

        // Parameters, in state_dict order: embedding, rnn (per layer: forward then reverse), head.
        if (IsEmbedding)
            Embedding = AddTensor("embedding.weight", "EmbeddingWeight", new long[] { spec.Input.Size, spec.Input.Embedding }, TensorInit.Normal, 0);

        long inWidth = InputWidth;
        for (int k = 0; k < spec.Layers.Count; k++)
        {
            LayerSpec ls = spec.Layers[k];
            var layer = new LayerPlan(k, ls, inWidth);
            for (int d = 0; d < layer.Directions; d++)
            {
                string suffix = d == 0 ? "" : "_reverse";
                string constSuffix = "L" + k + (d == 0 ? "" : "Reverse");
                var dir = new DirectionPlan(d == 1)
                {
                    WeightIh = AddTensor($"rnn.weight_ih_l{k}{suffix}", "WeightIh" + constSuffix, new[] { layer.GateWidth, inWidth }, TensorInit.UniformHidden, ls.Hidden),
                    WeightHh = AddTensor($"rnn.weight_hh_l{k}{suffix}", "WeightHh" + constSuffix, new long[] { layer.GateWidth, ls.Hidden }, TensorInit.UniformHidden, ls.Hidden),
                    BiasIh = AddTensor($"rnn.bias_ih_l{k}{suffix}", "BiasIh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                    BiasHh = AddTensor($"rnn.bias_hh_l{k}{suffix}", "BiasHh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                    ConstSuffix = constSuffix,
                };
                layer.Direction.Add(dir);
            }
            Layers.Add(layer);
            inWidth = layer.OutWidth;
        }
        HeadInputWidth = inWidth;
        HeadWeight = AddTensor("head.weight", "HeadWeight", new[] { spec.Output.Size, HeadInputWidth }, TensorInit.UniformFanIn, HeadInputWidth);
        HeadBias = AddTensor("head.bias", "HeadBias", new long[] { spec.Output.Size }, TensorInit.UniformFanIn, HeadInputWidth);
        ParameterCount = _parameterCursor;

        // Activations kept from forward for backward.
        if (!IsOneHot) InputX = Activation("InputX", RowsIn * InputWidth, "x: inputs (or their embeddings), [Steps, Batch, " + InputWidth + "]");
        foreach (LayerPlan layer in Layers)
        {
            layer.Outputs = Activation("HiddenL" + layer.Index, RowsIn * layer.OutWidth,
                $"h: outputs of layer {layer.Index}, [Steps, Batch, {layer.OutWidth}]" + (layer.Directions == 2 ? " = [forward ; reverse]" : ""));
            foreach (DirectionPlan dir in layer.Direction)
            {
                string s = dir.ConstSuffix;
                if (layer.Cell != CellKind.Rnn)
                    dir.Gates = Activation("Gates" + s, RowsIn * layer.GateWidth,
                        $"gate activations of layer {layer.Index}{dir.Describe}, [Steps, Batch, {layer.GateWidth}] ({(layer.Cell == CellKind.Lstm ? "i, f, g, o" : "r, z, n")}); backward overwrites them with their gradients");
                if (layer.Cell == CellKind.Lstm)
                    dir.Cell = Activation("Cell" + s, RowsIn * layer.Hidden, $"c: cell states of layer {layer.Index}{dir.Describe}, [Steps, Batch, {layer.Hidden}]");
                if (layer.Cell == CellKind.Gru)
                    dir.RecurrentN = Activation("RecurrentN" + s, RowsIn * layer.Hidden,
                        $"h_(t-1)·W_hnᵀ + b_hn of layer {layer.Index}{dir.Describe}, [Steps, Batch, {layer.Hidden}] (backward needs it for dr)");
            }
        }
        // Many-to-one over a bidirectional top layer: the head reads [forward h at T−1 ; reverse h at 0] (PyTorch's h_n).
        if (IsManyToOne && Top.Directions == 2)
            HeadInputRows = Activation("HeadInput", B * HeadInputWidth, "[forward h_(T-1) ; reverse h_0] of the top layer, what the head reads");
        OutputValues = Activation("OutputValues", RowsOut * OutputSize, $"Output, [OutputSteps, Batch, {OutputSize}]");
        if (spec.Output.Kind == HeadKind.Sigmoid) Logits = Activation("Logits", RowsOut * OutputSize, "z: logits of the sigmoid head, for a stable loss");
        if (spec.Output.Kind == HeadKind.Softmax) LogSumExp = Activation("LogSumExp", RowsOut, "log Σ exp(z) per output row, for an exact cross-entropy");
        ActivationLength = _activationCursor;

        // Scratch: two ping-pong buffers carry dL/d(layer output) down the stack; per-step carries.
        long deltaWidth = Math.Max(OutputSize, Layers.Max(l => Math.Max(l.OutWidth, l.InWidth)));
        DeltaLength = RowsIn * deltaWidth;
        DeltaA = Scratch("DeltaA", DeltaLength, "dL/dz of the head, then dL/dh of every other layer going down");
        DeltaB = Scratch("DeltaB", DeltaLength, "dL/dh of the top layer, then of every other layer going down");
        long maxLstm = Layers.Where(l => l.Cell == CellKind.Lstm).Select(l => (long)l.Hidden).DefaultIfEmpty(0).Max();
        long maxGru = Layers.Where(l => l.Cell == CellKind.Gru).Select(l => (long)l.Hidden).DefaultIfEmpty(0).Max();
        if (maxLstm > 0) DeltaCell = Scratch("DeltaCell", B * maxLstm, "dL/dc carried from step t to step t−1");
        if (maxGru > 0) GruRecurrent = Scratch("GruRecurrent", B * 3 * maxGru, "h_(t-1)·W_hhᵀ of the current GRU step");
        foreach (LayerPlan layer in Layers)
        {
            foreach (DirectionPlan dir in layer.Direction)
                dir.BiasSum = Scratch("BiasSum" + dir.ConstSuffix, layer.GateWidth, "b_ih + b_hh folded into the input projection");
        }
        // Single-step inference (Step): one lane at a time, so these are one row wide.
        if (CanStep)
        {
            StepGates = Scratch("StepGates", Layers.Max(l => l.GateWidth), "gate pre-activations of the layer Step is computing");
            if (maxGru > 0) StepGru = Scratch("StepGru", 4 * maxGru, "h·W_hhᵀ (3H) and h·W_hnᵀ + b_hn (H) of a GRU layer in Step");
            StepOutput = Scratch("StepOutput", B * OutputSize, "Step's output for each lane, [Batch, OutputSize]");
            StepLogSumExp = Scratch("StepLogSumExp", 1, "log Σ exp(z) of Step's softmax");
        }
        ScratchLength = _scratchCursor;

        // Recurrent state: every h0, then every c0 (as PyTorch's (h_0, c_0)).
        foreach (LayerPlan layer in Layers)
        {
            foreach (DirectionPlan dir in layer.Direction)
            {
                dir.H0 = new Region("H0" + dir.ConstSuffix, _stateCursor, B * layer.Hidden, "");
                _stateCursor += B * layer.Hidden;
            }
        }
        foreach (LayerPlan layer in Layers.Where(l => l.Cell == CellKind.Lstm))
        {
            foreach (DirectionPlan dir in layer.Direction)
            {
                dir.C0 = new Region("C0" + dir.ConstSuffix, _stateCursor, B * layer.Hidden, "");
                _stateCursor += B * layer.Hidden;
            }
        }
        StateLength = _stateCursor;

        // Ping-pong: the head writes dz into A and dL/dh_top into B; each layer reads its dh from one and writes
        // the dh of the layer below into the other.
        for (int k = Layers.Count - 1; k >= 0; k--)
        {
            bool fromB = (Layers.Count - 1 - k) % 2 == 0;
            Layers[k].DeltaIn = fromB ? DeltaB : DeltaA;
            Layers[k].DeltaOut = fromB ? DeltaA : DeltaB;
        }
    }

    public static Sizes MeasureSizes(ModelSpec spec)
    {
        var plan = new ModelPlan(spec);
        return new Sizes(plan.ParameterCount, plan.ActivationLength, plan.ScratchLength);
    }

    private long _parameterCursor, _activationCursor, _scratchCursor, _stateCursor;

    public ModelSpec Spec { get; }
    public long T { get; }
    public long B { get; }
    public long OutputSteps { get; }
    public string Element { get; }
    public bool IsDouble => Spec.Precision == PrecisionKind.Double;
    public bool IsOneHot => Spec.Input.Kind == InputKind.Token && Spec.Input.Embedding == 0;
    public bool IsEmbedding => Spec.Input.Kind == InputKind.Token && Spec.Input.Embedding > 0;
    public bool IsVector => Spec.Input.Kind == InputKind.Vector;
    public bool IsManyToOne => Spec.Topology == TopologyKind.ManyToOne;

    /// <summary>Width of the vectors the first layer reads: vocabulary (one-hot), embedding width or vector size.</summary>
    public long InputWidth { get; }
    public long InputSize => Spec.Input.Size;
    public long OutputSize => Spec.Output.Size;
    public long RowsIn => T * B;
    public long RowsOut => OutputSteps * B;
    public long HeadInputWidth { get; }

    public List<TensorPlan> Tensors { get; } = new();
    public TensorPlan? Embedding { get; }
    public TensorPlan HeadWeight { get; }
    public TensorPlan HeadBias { get; }
    public List<LayerPlan> Layers { get; } = new();
    public long ParameterCount { get; }

    public List<Region> ActivationRegions { get; } = new();
    public Region? InputX { get; }
    public Region? HeadInputRows { get; }
    public Region OutputValues { get; }
    public Region? Logits { get; }
    public Region? LogSumExp { get; }
    public long ActivationLength { get; }

    public List<Region> ScratchRegions { get; } = new();
    public long DeltaLength { get; }
    public Region DeltaA { get; }
    public Region DeltaB { get; }
    public Region? DeltaCell { get; }
    public Region? GruRecurrent { get; }
    public Region? StepGates { get; }
    public Region? StepGru { get; }
    public Region? StepOutput { get; }
    public Region? StepLogSumExp { get; }

    /// <summary>Single-step inference needs every layer to be causal (no reverse direction).</summary>
    public bool CanStep => Layers.TrueForAll(l => l.Directions == 1);
    public long ScratchLength { get; }

    public long StateLength { get; }

    public LayerPlan Top => Layers[Layers.Count - 1];

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

/// <summary>One parameter tensor: PyTorch name, the constant that holds its offset, shape and initializer.</summary>
internal sealed record TensorPlan(string Name, string Const, long[] Shape, long Offset, long Length, TensorInit Init, long FanIn);

/// <summary>A named slice of one of the model's buffers.</summary>
internal sealed record Region(string Const, long Offset, long Length, string Comment);

internal sealed class LayerPlan
{
    public LayerPlan(int index, LayerSpec spec, long inWidth)
    {
        Index = index;
        Spec = spec;
        InWidth = inWidth;
    }

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
    /// <summary>The layer's outputs h, <c>[Steps, Batch, OutWidth]</c>.</summary>
    public Region Outputs { get; set; } = null!;
    public Region DeltaIn { get; set; } = null!;
    public Region DeltaOut { get; set; } = null!;

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
    public Region H0 { get; set; } = null!;
    public Region? C0 { get; set; }
}
