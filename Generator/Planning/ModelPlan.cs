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
internal sealed class ModelPlan : IEquatable<ModelPlan>
{
    /// <summary>Steps per emitted method: keeps each unrolled method far below the JIT's optimization limits.</summary>
    public const int StepsPerMethod = 16;

    internal readonly record struct Sizes(long Parameters, long Activations, long Scratch);

    public ModelPlan(ModelSpec spec)
    {
        Spec = spec;
        B = spec.Batch;
        OutputSteps = spec.OutputSteps;
        Element = spec.Precision == Precision.Double ? "double" : "float";

        // The first (or only) stack reads the model's input.
        long firstWidth = spec.Input.Kind == InputKind.Vector ? spec.Input.Size
            : spec.Input.Embedding > 0 ? spec.Input.Embedding : spec.Input.Size;
        StackInputKind firstKind = spec.Input.Kind == InputKind.Vector ? StackInputKind.Vector
            : spec.Input.Embedding > 0 ? StackInputKind.Embedding : StackInputKind.OneHot;
        switch (spec.Topology)
        {
            case Topology.EncoderDecoder:
            {
                var encoder = new StackPlan(this, StackRole.Encoder, spec.Steps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens") { Dropout = spec.Input.Dropout });
                // The decoder reads the previous output: a token (with a start token after the classes) or a vector.
                InputPlan decoderInput = spec.Output.Kind != HeadKind.Softmax
                    ? new InputPlan(StackInputKind.Vector, spec.Output.Size, spec.Output.Size, null) { IsFeedback = true }
                    : spec.Input.Kind == InputKind.Token && spec.Input.Embedding > 0
                        ? new InputPlan(StackInputKind.Embedding, spec.Output.Size + 1, spec.Input.Embedding, "_rnnDecoderTokens") { IsFeedback = true }
                        : new InputPlan(StackInputKind.OneHot, spec.Output.Size + 1, spec.Output.Size + 1, "_rnnDecoderTokens") { IsFeedback = true };
                var decoder = new StackPlan(this, StackRole.Decoder, spec.OutputSteps, decoderInput);
                Stacks.Add(encoder);
                Stacks.Add(decoder);
                break;
            }
            case Topology.OneToMany:
                // One input, then each output fed back as the next input: the recurrence runs OutputSteps steps.
                Stacks.Add(new StackPlan(this, StackRole.Model, spec.OutputSteps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens") { IsFeedback = true }));
                break;
            default:
                Stacks.Add(new StackPlan(this, StackRole.Model, spec.Steps, new InputPlan(firstKind, spec.Input.Size, firstWidth, "_rnnTokens") { Dropout = spec.Input.Dropout }));
                break;
        }

        // Parameters, in state_dict order: per stack embedding then rnn (per layer: forward then reverse); head last.
        foreach (StackPlan stack in Stacks)
        {
            if (stack.Input.Kind == StackInputKind.Embedding)
                stack.Input.EmbeddingTensor = AddTensor(stack.TensorPrefix + "embedding.weight", stack.Name + "EmbeddingWeight",
                    new[] { stack.Input.Ids, stack.Input.Width }, TensorInit.Normal, 0);
            long inWidth = stack.Input.Width;
            for (int k = 0; k < spec.Layers.Count; k++)
            {
                LayerSpec ls = stack.Role == StackRole.Decoder ? DecoderLayer(spec.Layers[k]) : spec.Layers[k];
                var layer = new LayerPlan(stack, k, ls, inWidth);
                for (int d = 0; d < layer.Directions; d++)
                {
                    string suffix = d == 0 ? "" : "_reverse";
                    string constSuffix = "L" + k + (d == 0 ? "" : "Reverse");
                    string p = stack.TensorPrefix + "rnn.", c = stack.Name;
                    var dir = new DirectionPlan(d == 1)
                    {
                        WeightIh = AddTensor($"{p}weight_ih_l{k}{suffix}", c + "WeightIh" + constSuffix, new[] { layer.GateWidth, inWidth }, TensorInit.UniformHidden, ls.Hidden),
                        WeightHh = AddTensor($"{p}weight_hh_l{k}{suffix}", c + "WeightHh" + constSuffix, new long[] { layer.GateWidth, layer.StateWidth }, TensorInit.UniformHidden, ls.Hidden),
                        BiasIh = AddTensor($"{p}bias_ih_l{k}{suffix}", c + "BiasIh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                        BiasHh = AddTensor($"{p}bias_hh_l{k}{suffix}", c + "BiasHh" + constSuffix, new long[] { layer.GateWidth }, TensorInit.UniformHidden, ls.Hidden),
                        ConstSuffix = c + constSuffix,
                    };
                    // A learned leak's a, after bias_hh of its layer and direction (α = σ(a), so a = 0 starts at α = 0.5).
                    if (ls.LearnedLeak)
                        dir.Leak = AddTensor($"{p}leak_l{k}{suffix}", c + "Leak" + constSuffix, new long[] { ls.Hidden }, TensorInit.Zero, ls.Hidden);
                    // A projected LSTM's W_hr [P, H] follows the biases, as in PyTorch's state_dict (initialized U(−1/√H, 1/√H) too).
                    if (layer.IsProjected)
                        dir.WeightHr = AddTensor($"{p}weight_hr_l{k}{suffix}", c + "WeightHr" + constSuffix, new long[] { layer.StateWidth, ls.Hidden }, TensorInit.UniformHidden, ls.Hidden);
                    layer.Direction.Add(dir);
                }
                stack.Layers.Add(layer);
                inWidth = layer.OutWidth;
            }
        }
        if (spec.Attention is { } kind)
        {
            // The attention module follows the decoder's rnn in state_dict order, before the head.
            Attention = new AttentionPlan(kind, First.Top.OutWidth, Last.Top.OutWidth) { Feeds = spec.AttentionInputFeeding };
            long e = Attention.E, d = Attention.D;
            const string a = "decoder.attention.";
            switch (kind)
            {
                case AttentionKind.General:
                    Attention.Weight = AddTensor(a + "weight", "AttentionGeneralWeight", new[] { d, e }, TensorInit.UniformFanIn, e);
                    break;
                case AttentionKind.Additive:
                    Attention.QueryWeight = AddTensor(a + "query.weight", "AttentionQueryWeight", new[] { d, d }, TensorInit.UniformFanIn, d);
                    Attention.QueryBias = AddTensor(a + "query.bias", "AttentionQueryBias", new[] { d }, TensorInit.UniformFanIn, d);
                    Attention.KeyWeight = AddTensor(a + "key.weight", "AttentionKeyWeight", new[] { d, e }, TensorInit.UniformFanIn, e);
                    Attention.V = AddTensor(a + "v.weight", "AttentionV", new[] { 1, d }, TensorInit.UniformFanIn, d);
                    break;
            }
            Attention.OutWeight = AddTensor(a + "out.weight", "AttentionOutWeight", new[] { d, e + d }, TensorInit.UniformFanIn, e + d);
            // Input feeding's columns of the first decoder layer's input weights, initialized as the layer's W_ih.
            if (Attention.Feeds)
                Attention.FeedWeight = AddTensor(a + "feed.weight", "AttentionFeedWeight", new[] { Last.Layers[0].GateWidth, d }, TensorInit.UniformHidden, Last.Layers[0].Hidden);
        }
        HeadInputWidth = Last.Top.OutWidth;
        string headPrefix = IsEncoderDecoder ? "decoder.head." : "head.";
        HeadWeight = AddTensor(headPrefix + "weight", "HeadWeight", new[] { spec.Output.Size, HeadInputWidth }, TensorInit.UniformFanIn, HeadInputWidth);
        HeadBias = AddTensor(headPrefix + "bias", "HeadBias", new long[] { spec.Output.Size }, TensorInit.UniformFanIn, HeadInputWidth);
        ParameterCount = _parameterCursor;

        // Activations kept from forward for backward.
        foreach (StackPlan stack in Stacks)
        {
            if (stack.Input.Kind != StackInputKind.OneHot)
                stack.Input.X = Activation(stack.Name + "InputX", stack.Rows * stack.Input.Width,
                    $"x: {(stack.Input.IsFeedback && IsEncoderDecoder ? "decoder inputs" : "inputs")} (or their embeddings), [{stack.RowsName}, {stack.Input.Width}]");
            foreach (LayerPlan layer in stack.Layers)
            {
                string s = stack.Name;
                layer.Outputs = Activation(s + "HiddenL" + layer.Index, stack.Rows * layer.OutWidth,
                    $"h: outputs of {stack.Describe}layer {layer.Index}, [{stack.RowsName}, {layer.OutWidth}]" + (layer.Directions == 2 ? " = [forward ; reverse]" : ""));
                foreach (DirectionPlan dir in layer.Direction)
                {
                    if (layer.Cell != CellType.Rnn)
                        dir.Gates = Activation("Gates" + dir.ConstSuffix, stack.Rows * layer.GateWidth,
                            $"gate activations of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.RowsName}, {layer.GateWidth}] ({(layer.Cell == CellType.Lstm ? "i, f, g, o" : "r, z, n")}); backward overwrites them with their gradients");
                    else if (layer.Spec.IsLeaky)
                        // h_t is not a function of the pre-activation alone, so backward needs u = f(pre) kept apart.
                        dir.Gates = Activation("Gates" + dir.ConstSuffix, stack.Rows * layer.GateWidth,
                            $"u = f(pre) of {stack.Describe}layer {layer.Index}{dir.Describe} (leaky), [{stack.RowsName}, {layer.Hidden}]; backward overwrites it with dL/dpre");
                    if (layer.Cell == CellType.Lstm)
                        dir.Cell = Activation("Cell" + dir.ConstSuffix, stack.Rows * layer.Hidden, $"c: cell states of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.RowsName}, {layer.Hidden}]");
                    if (layer.IsProjected)
                        dir.Unprojected = Activation("Unprojected" + dir.ConstSuffix, stack.Rows * layer.Hidden,
                            $"m = o⊙tanh(c) of {stack.Describe}layer {layer.Index}{dir.Describe} before the projection h = m·W_hrᵀ, [{stack.RowsName}, {layer.Hidden}] (backward needs it for dW_hr)");
                    if (layer.Cell == CellType.Gru)
                        dir.RecurrentN = Activation("RecurrentN" + dir.ConstSuffix, stack.Rows * layer.Hidden,
                            $"h_(t-1)·W_hnᵀ + b_hn of {stack.Describe}layer {layer.Index}{dir.Describe}, [{stack.RowsName}, {layer.Hidden}] (backward needs it for dr)");
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
                    dir.H0 = new Region("StateH" + dir.ConstSuffix, cursor, B * layer.StateWidth, "");
                    cursor += B * layer.StateWidth;
                }
            foreach (LayerPlan layer in stack.Layers.Where(l => l.Cell == CellType.Lstm))
                foreach (DirectionPlan dir in layer.Direction)
                {
                    dir.C0 = new Region("StateC" + dir.ConstSuffix, cursor, B * layer.Hidden, "");
                    cursor += B * layer.Hidden;
                }
            StateLength = cursor;
        }
        if (IsEncoderDecoder)
            Last.InitialState = Activation("DecoderInitialState", StateLength, BridgesState
                ? "the decoder's initial state: each layer's h (and c) is [forward ; reverse] of the encoder's final state, [StateSize]"
                : "the decoder's initial state: the encoder's final state, [StateSize]");
        if (BridgesState)
            EncoderFinalState = Activation("EncoderFinalState", StateLength, "the encoder's final state (each direction's h and c apart, as InitialState), [StateSize]");
        if (First.PacksLanes)
            First.InitialState = Activation("SortedInitialState", StateLength, "InitialState with its lanes in the packed order (longest first), [StateSize]");

        // Many-to-one over a bidirectional top layer: the head reads [forward h at T−1 ; reverse h at 0] (PyTorch's h_n).
        // With lengths, each lane's last real step differs, so the head's rows are gathered whatever the directions.
        if (IsManyToOne)
            HeadInputRows = Activation("HeadInput", B * HeadInputWidth, Last.Top.Directions == 2
                ? "[forward h at each lane's last step ; reverse h_0] of the top layer (PyTorch's h_n), what the head reads"
                : "h of the top layer at each lane's last step, what the head reads");
        OutputValues = Activation("OutputValues", RowsOut * OutputSize, PacksLanes
            ? $"the head's output in packed rows (lanes sorted, real steps only), [≤ OutputSteps·Batch, {OutputSize}]"
            : $"Output, [OutputSteps, Batch, {OutputSize}]");
        if (spec.Output.Kind == HeadKind.Sigmoid) Logits = Activation("Logits", RowsOut * OutputSize, "z: logits of the sigmoid head, for a stable loss");
        if (spec.Output.Kind == HeadKind.Softmax) LogSumExp = Activation("LogSumExp", RowsOut, "log Σ exp(z) per output row, for an exact cross-entropy");
        if (Attention is { } att)
        {
            long src = spec.Steps * B, rows = RowsOut;
            att.Memory = Activation("AttentionMemory", src * att.E, $"ē: the encoder's top outputs attention reads, [Steps, Batch, {att.E}] (lanes in the caller's order, 0 at padded steps)");
            if (att.Kind == AttentionKind.Additive)
                att.Keys = Activation("AttentionKeys", src * att.D, $"k_s = ē_s·W_kᵀ, [Steps, Batch, {att.D}]");
            if (att.Kind != AttentionKind.Dot)
                att.Query = Activation("AttentionQuery", rows * att.ScoreWidth, att.Kind == AttentionKind.General
                    ? $"q_t = h_t·W_a, [OutputSteps, Batch, {att.E}]"
                    : $"q_t = h_t·W_qᵀ + b_q, [OutputSteps, Batch, {att.D}]");
            att.Weights = Activation("AttentionWeights", rows * spec.Steps, "a: the attention weights, [OutputSteps, Batch, Steps] (0 past a lane's source length)");
            att.Context = Activation("AttentionContext", rows * att.E, $"c_t = Σ_s a_ts·ē_s, [OutputSteps, Batch, {att.E}]");
            att.Attentional = Activation("AttentionalState", rows * att.D, $"h̃_t = tanh(W_c·[c_t ; h_t]), what the head reads, [OutputSteps, Batch, {att.D}]");
        }
        // Dropout (while training): the masks of a pass, what the layer above reads, and the masked h_(t-1) of the recurrence.
        foreach (StackPlan stack in Stacks)
        {
            if (stack.Input.DropsValues)
                stack.Input.DropoutMask = Activation(stack.Name + "InputDropoutMask", stack.Rows * stack.Input.Width,
                    $"dropout mask of x (0 or 1/(1 − p), p = {Probability(Spec.Input.Dropout)}), [{stack.RowsName}, {stack.Input.Width}]; x is dropped in place");
            foreach (LayerPlan layer in stack.Layers)
            {
                if (layer.DropsOutput)
                {
                    layer.DropoutMask = Activation("DropoutMask" + layer.Id, stack.Rows * layer.OutWidth,
                        $"dropout mask of {stack.Describe}layer {layer.Index}'s output (0 or 1/(1 − p), p = {Probability(layer.Spec.Dropout)}), [{stack.RowsName}, {layer.OutWidth}]");
                    layer.Dropped = Activation("Dropped" + layer.Id, stack.Rows * layer.OutWidth,
                        $"h⊙mask of {stack.Describe}layer {layer.Index}: what the {(layer.IsTop ? "head" : "layer above")} reads while training, [{stack.RowsName}, {layer.OutWidth}]");
                }
                if (!layer.DropsRecurrent) continue;
                layer.RecurrentInput = Activation("RecurrentInput" + layer.Id, stack.Rows * layer.OutWidth,
                    $"h_t⊙m of {stack.Describe}layer {layer.Index}: what the recurrent product of step t + 1 reads while training, [{stack.RowsName}, {layer.OutWidth}]");
                foreach (DirectionPlan dir in layer.Direction)
                {
                    dir.RecurrentMask = Activation("RecurrentMask" + dir.ConstSuffix, B * layer.StateWidth,
                        $"variational dropout mask m of h_(t-1) in {stack.Describe}layer {layer.Index}{dir.Describe}, one row per lane for the whole pass (p = {Probability(layer.Spec.RecurrentDropout)}), [Batch, {layer.StateWidth}]");
                    dir.RecurrentInitial = Activation("RecurrentInitial" + dir.ConstSuffix, B * layer.StateWidth,
                        $"h0⊙m of {stack.Describe}layer {layer.Index}{dir.Describe}, [Batch, {layer.StateWidth}]");
                }
            }
        }
        ActivationLength = _activationCursor;

        // Scratch: two areas take turns carrying gradients down the stacks: the head writes dz into A and dL/dh of the top
        // layer into B; each layer reads its dh from one and writes the dh of the layer below (or dL/dx) into the other,
        // down the decoder, then down the encoder. Each area is sized for the largest thing it holds; every use has a
        // layout constant of its own (Dz, DhL1, DhL0, Dx, …) that names what it holds there.
        var order = Enumerable.Reverse(Stacks).SelectMany(st => Enumerable.Reverse(st.Layers)).ToList();
        long needA = RowsOut * OutputSize, needB = 0;
        for (int i = 0; i < order.Count; i++)
        {
            LayerPlan layer = order[i];
            bool inB = i % 2 == 0;
            long dh = layer.Stack.Rows * layer.OutWidth;
            long dx = layer.WritesInputGradient ? layer.Stack.Rows * layer.InWidth : 0;
            if (inB) { needB = Math.Max(needB, dh); needA = Math.Max(needA, dx); }
            else { needA = Math.Max(needA, dh); needB = Math.Max(needB, dx); }
        }
        Region areaA = Scratch("GradientsA", needA, "dz of the head, then every other layer's dh going down (see the aliases below)");
        Region areaB = Scratch("GradientsB", needB, "dh of the top layer, then every other layer's dh going down");
        OutputGradient = Alias("Dz", areaA, RowsOut * OutputSize, $"dL/dz of the head, [OutputSteps, Batch, {OutputSize}]");
        for (int i = 0; i < order.Count; i++)
        {
            LayerPlan layer = order[i];
            Region area = i % 2 == 0 ? areaB : areaA, below = i % 2 == 0 ? areaA : areaB;
            layer.HiddenGradient = Alias("Dh" + layer.Id, area, layer.Stack.Rows * layer.OutWidth,
                $"dL/dh of {layer.Stack.Describe}layer {layer.Index}, [{layer.Stack.RowsName}, {layer.OutWidth}]");
            if (layer.WritesInputGradient)
                layer.InputGradient = layer.Index > 0 ? null : Alias("Dx" + layer.Stack.Name, below, layer.Stack.Rows * layer.InWidth,
                    $"dL/dx of the {(layer.Stack.Role == StackRole.Model ? "model" : layer.Stack.Describe.Trim())}'s inputs, [{layer.Stack.RowsName}, {layer.InWidth}]");
        }
        // Input feeding runs the decoder's backward one step at a time through all its layers: each layer keeps its own dh
        // (and an LSTM its own dc) for the whole pass instead of taking turns in the two areas.
        if (Attention is { Feeds: true })
        {
            foreach (LayerPlan layer in Last.Layers)
            {
                GradientAliases.Remove(layer.HiddenGradient);
                layer.HiddenGradient = Scratch("Dh" + layer.Id, layer.Stack.Rows * layer.OutWidth, $"dL/dh of {layer.Stack.Describe}layer {layer.Index}, [{layer.Stack.RowsName}, {layer.OutWidth}] (input feeding: its own for the whole pass)");
                if (layer.Cell == CellType.Lstm)
                    layer.CellGradient = Scratch("Dc" + layer.Id, B * layer.Hidden, $"dL/dc of {layer.Stack.Describe}layer {layer.Index}, carried from step t + 1 to step t");
            }
        }
        long maxLstm = AllLayers.Where(l => l.Cell == CellType.Lstm).Select(l => l.Hidden).DefaultIfEmpty(0).Max();
        long maxGru = AllLayers.Where(l => l.Cell == CellType.Gru).Select(l => l.Hidden).DefaultIfEmpty(0).Max();
        if (maxLstm > 0) CellGradient = Scratch("Dc", B * maxLstm, "dL/dc carried from step t to step t−1");
        if (maxGru > 0) GruRecurrent = Scratch("GruRecurrent", B * 3 * maxGru, "h_(t-1)·W_hhᵀ of the current GRU step");
        long maxProjected = AllLayers.Where(l => l.IsProjected).Select(l => l.Hidden).DefaultIfEmpty(0).Max();
        if (maxProjected > 0) ProjectionGradient = Scratch("Dm", B * maxProjected, "dL/dm = dh_t·W_hr of the current step of a projected LSTM");
        if (First.PacksLanes)
            PreviousRows = Scratch("PreviousRows", First.Rows * First.Layers.Max(l => l.StateWidth), "h_(t-1) aligned with the packed rows of step t, for dW_hh as one product");
        if (PacksLanes && spec.Output.Kind != HeadKind.Softmax) TargetRows = Scratch("TargetRows", RowsOut * OutputSize, "the targets in packed rows");
        long maxRecurrentDropout = AllLayers.Where(l => l.DropsRecurrent).Select(l => l.StateWidth).DefaultIfEmpty(0).Max();
        if (maxRecurrentDropout > 0)
            RecurrentDropoutProduct = Scratch("RecurrentDropoutProduct", B * maxRecurrentDropout, "dgates·W_hh of one step before the recurrent dropout mask, [Batch, H]");
        if (IsEncoderDecoder)
            Last.InitialStateGradient = Scratch("DecoderInitialStateGradient", StateLength, "dL/d(the decoder's initial state): flows into the encoder's last step");
        if (BridgesState)
            EncoderFinalStateGradient = Scratch("EncoderFinalStateGradient", StateLength, "dL/d(the encoder's final state), each direction apart: the decoder's initial-state gradient split");
        if (Attention is { } at)
        {
            long src = spec.Steps * B, rows = RowsOut;
            at.AttentionalGradient = Scratch("AttentionalGradient", rows * at.D, "dL/dh̃ from the head, then dL/du = dL/dh̃⊙(1 − h̃²) in place");
            at.ContextGradient = Scratch("ContextGradient", rows * at.E, at.Kind == AttentionKind.General ? "dL/dc, then dL/dq" : "dL/dc");
            at.ScoreGradient = Scratch("ScoreGradient", rows * spec.Steps, "dL/da, then dL/de in place");
            at.MemoryGradient = Scratch("MemoryGradient", src * at.E, "dL/dē, [Steps, Batch, E]: joins the encoder's top dh");
            if (at.Feeds) at.StepFeed = Scratch("StepFeed", B * at.D, "h̃_(t-1) of a chunk of decoder-step rows (input feeding), [Batch, D]");
            if (at.Kind == AttentionKind.Additive)
            {
                at.QueryGradient = Scratch("QueryGradient", rows * at.D, "dL/dq of the additive score");
                at.KeyGradient = Scratch("KeyGradient", src * at.D, "dL/dk of the additive score");
            }
        }
        // One-hot inputs: W_ih transposed once per pass ([ids, G·H]), so a token's projection — and its gradient — is one
        // contiguous row instead of a strided column.
        long oneHot = Stacks.Where(st => st.Input.Kind == StackInputKind.OneHot).Select(st => st.Input.Ids * st.Layers[0].GateWidth).DefaultIfEmpty(0).Max();
        if (oneHot > 0) OneHotWeights = Scratch("OneHotWeights", oneHot, "W_ihᵀ of a one-hot input layer ([ids, G·H]); in backward, the gradient of W_ihᵀ");
        foreach (LayerPlan layer in AllLayers)
            foreach (DirectionPlan dir in layer.Direction)
                dir.BiasSum = Scratch("BiasSum" + dir.ConstSuffix, layer.GateWidth, "b_ih + b_hh folded into the input projection");

        // Single-step inference (Step): one lane at a time, so these are one row wide.
        if (CanStep)
        {
            StepGates = Scratch("StepGates", Layers.Max(l => l.GateWidth), "gate pre-activations of the layer Step is computing");
            if (maxGru > 0) StepGru = Scratch("StepGru", 4 * maxGru, "h·W_hhᵀ (3H) and h·W_hnᵀ + b_hn (H) of a GRU layer in Step");
            if (maxProjected > 0) StepUnprojected = Scratch("StepUnprojected", maxProjected, "m = o⊙tanh(c) of a projected LSTM layer in Step, before h = m·W_hrᵀ");
            StepOutput = Scratch("StepOutput", B * OutputSize, "Step's output for each lane, [Batch, OutputSize]");
            StepLogSumExp = Scratch("StepLogSumExp", 1, "log Σ exp(z) of Step's softmax");
        }
        ScratchLength = _scratchCursor;
    }

    /// <summary>The lengths of the three buffers, which the parser checks against what a span can index.</summary>
    public Sizes Measure() => new(ParameterCount, ActivationLength, ScratchLength);

    /// <summary>A plan is a function of its spec: equal specs give equal plans (what the incremental pipeline compares).</summary>
    public bool Equals(ModelPlan? other) => other is not null && Spec.Equals(other.Spec);

    public override bool Equals(object? obj) => Equals(obj as ModelPlan);

    public override int GetHashCode() => Spec.GetHashCode();

    private long _parameterCursor, _activationCursor, _scratchCursor;

    public ModelSpec Spec { get; }
    public long B { get; }
    public long OutputSteps { get; }
    public string Element { get; }
    public bool IsDouble => Spec.Precision == Precision.Double;
    public bool IsManyToOne => Spec.Topology == Topology.ManyToOne;
    public bool IsOneToMany => Spec.Topology == Topology.OneToMany;
    public bool IsEncoderDecoder => Spec.Topology == Topology.EncoderDecoder;

    /// <summary>One-to-many and encoder–decoder generate: each output step feeds the next step's input.</summary>
    public bool IsDecoding => IsOneToMany || IsEncoderDecoder;

    /// <summary>
    /// Many-to-many and many-to-one models run lanes of different lengths: their activations are packed sequences
    /// (lanes sorted by length, each step holding only the lanes still running), with offsets known at run time.
    /// </summary>
    public bool PacksLanes => !IsDecoding;

    public List<StackPlan> Stacks { get; } = new();
    public StackPlan First => Stacks[0];
    public StackPlan Last => Stacks[Stacks.Count - 1];

    /// <summary>Every layer of every stack, encoder first.</summary>
    public IEnumerable<LayerPlan> AllLayers => Stacks.SelectMany(s => s.Layers);

    /// <summary>Layers of the first stack (the only one except for encoder–decoder).</summary>
    public List<LayerPlan> Layers => First.Layers;
    public LayerPlan Top => Last.Top;

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
    public long ActivationLength { get; }

    public List<Region> ScratchRegions { get; } = new();
    /// <summary>dL/dz of the head (an alias into the first gradient area).</summary>
    public Region OutputGradient { get; }

    /// <summary>Layout constants that name what a gradient area holds at one point of backward.</summary>
    public List<Region> GradientAliases { get; } = new();

    public Region? PreviousRows { get; }
    public Region? RecurrentDropoutProduct { get; }

    /// <summary>Whether anything is dropped while training: the input, a layer's output or a layer's h_(t-1).</summary>
    public bool HasDropout => Stacks.Any(s => s.Input.DropsValues || s.Layers.Any(l => l.DropsOutput || l.DropsRecurrent));

    /// <summary>A probability as the generated comments and code write it (shortest round-trip form).</summary>
    public static string Probability(double p) => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    public Region? TargetRows { get; }
    public Region? CellGradient { get; }
    public Region? GruRecurrent { get; }

    /// <summary>dL/dm of one step of a projected LSTM (<c>m = o⊙tanh(c)</c>, <c>h = m·W_hrᵀ</c>), <c>[Batch, H]</c>.</summary>
    public Region? ProjectionGradient { get; }
    public Region? OneHotWeights { get; }
    public Region? StepGates { get; }
    public Region? StepGru { get; }
    public Region? StepUnprojected { get; }
    public Region? StepOutput { get; }
    public Region? StepLogSumExp { get; }
    public long ScratchLength { get; }

    public long StateLength { get; }

    /// <summary>
    /// Whether the recurrent weights are packed once per pass. At batch 1 the per-step product is a matrix–vector product
    /// that reads W_hh in place as fast, and a packed copy would cost more memory than the whole rest of the overhead.
    /// </summary>
    public bool PacksRecurrentWeights => B > 1;

    /// <summary>The decoder's attention over the encoder's outputs; null for none.</summary>
    public AttentionPlan? Attention { get; }

    /// <summary>
    /// Whether the encoder's final state reaches the decoder through a copy that puts each bidirectional layer's two
    /// directions side by side (the decoder layer is twice as wide); otherwise the layouts match and it is copied as is.
    /// </summary>
    public bool BridgesState => IsEncoderDecoder && First.Layers.Exists(l => l.Directions == 2);

    /// <summary>The encoder's final state in its own layout (only when <see cref="BridgesState"/>).</summary>
    public Region? EncoderFinalState { get; }

    /// <summary>dL/d(the encoder's final state) in its own layout (only when <see cref="BridgesState"/>).</summary>
    public Region? EncoderFinalStateGradient { get; }

    /// <summary>Where the encoder's backward reads dL/d(its final state): the decoder's initial-state gradient, split per direction when bridged.</summary>
    public Region? EncoderStateGradient => EncoderFinalStateGradient ?? (IsEncoderDecoder ? Last.InitialStateGradient : null);

    /// <summary>
    /// The decoder's layer for an encoder layer: the same, except that a bidirectional encoder layer starts a decoder layer
    /// of twice its width (and projection) reading one way, whose initial h and c are [forward ; reverse] (OpenNMT's
    /// bidirectional encoder). The runtime's <c>ModelArchitecture.DecoderLayers</c> states the same rule for tools that
    /// read a model's declaration; a model test checks that the two agree.
    /// </summary>
    private static LayerSpec DecoderLayer(LayerSpec encoder) => encoder.Bidirectional
        ? encoder with { Hidden = 2 * encoder.Hidden, Projection = 2 * encoder.Projection, Bidirectional = false }
        : encoder;

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

    private Region Alias(string name, Region area, long length, string comment)
    {
        var r = new Region(name, area.Offset, length, comment) { AliasOf = area.Const };
        GradientAliases.Add(r);
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

internal enum TensorInit { Normal, UniformHidden, UniformFanIn, Zero }

/// <summary>
/// How a stack's first layer reads its input, resolved from the declaration (<see cref="InputKind"/> and its embedding
/// width) and the topology (a decoder reads the fed-back output): one-hot ids, embedded ids or vectors.
/// </summary>
internal enum StackInputKind { OneHot, Embedding, Vector }

/// <summary>One parameter tensor: PyTorch name, the constant that holds its offset, shape and initializer.</summary>
internal sealed record TensorPlan(string Name, string Const, long[] Shape, long Offset, long Length, TensorInit Init, long FanIn);

/// <summary>A named slice of one of the model's buffers; <see cref="AliasOf"/>: another region whose memory it shares.</summary>
internal sealed record Region(string Const, long Offset, long Length, string Comment)
{
    public string? AliasOf { get; init; }
}

/// <summary>What the first layer of a stack reads.</summary>
internal sealed class InputPlan
{
    public InputPlan(StackInputKind kind, long ids, long width, string? tokenField)
    {
        Kind = kind;
        Ids = ids;
        Width = width;
        TokenField = tokenField;
    }

    public StackInputKind Kind { get; }

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

    /// <summary>Probability of dropping each value of x while training (the declared input's; 0 for fed-back inputs).</summary>
    public double Dropout { get; set; }

    /// <summary>Whether x is dropped (in place, after it is loaded or embedded) while training.</summary>
    public bool DropsValues => Dropout > 0;

    public Region? DropoutMask { get; set; }
}

/// <summary>A stack of recurrent layers over one sequence: the model's, or an encoder's or decoder's.</summary>
internal sealed class StackPlan
{
    public StackPlan(ModelPlan model, StackRole role, long steps, InputPlan input)
    {
        Model = model;
        Role = role;
        Steps = steps;
        Input = input;
    }

    public ModelPlan Model { get; }

    public StackRole Role { get; }

    /// <summary>Prefix of constants and methods: "", "Encoder" or "Decoder".</summary>
    public string Name => Role == StackRole.Model ? "" : Role.ToString();

    /// <summary>Prefix of tensor names: "", "encoder." or "decoder.".</summary>
    public string TensorPrefix => Role == StackRole.Model ? "" : Role.ToString().ToLowerInvariant() + ".";

    /// <summary>
    /// Steps this stack runs: the model's <c>Steps</c> (many-to-many, many-to-one, an encoder) or its <c>OutputSteps</c>
    /// (one-to-many, a decoder); <see cref="StepsName"/> is the constant's name.
    /// </summary>
    public long Steps { get; }
    public long Rows => Steps * Model.B;
    public InputPlan Input { get; }
    public List<LayerPlan> Layers { get; } = new();
    public LayerPlan Top => Layers[Layers.Count - 1];

    /// <summary>The activation region that holds this stack's initial state; null: the model's InitialState.</summary>
    public Region? InitialState { get; set; }

    /// <summary>Scratch that receives dL/d(initial state) (a decoder's, which flows into the encoder).</summary>
    public Region? InitialStateGradient { get; set; }

    public string Describe => Name.Length == 0 ? "" : Name.ToLowerInvariant() + " ";
    public string StepsName => Role == StackRole.Decoder || Model.IsOneToMany ? "OutputSteps" : "Steps";

    /// <summary>The leading dimensions of the stack's per-step activations, as comments name them: padded, or packed rows (one per real step of each lane).</summary>
    public string RowsName => PacksLanes ? "Σ lengths (packed)" : StepsName + ", Batch";

    /// <summary>
    /// Whether the stack's activations are packed rows (lanes of different lengths, sorted longest first): a
    /// many-to-many or many-to-one model's stack, and an encoder (its source lengths); a decoder runs padded.
    /// </summary>
    public bool PacksLanes => Role == StackRole.Encoder || (Role == StackRole.Model && !Model.IsDecoding);
}

/// <summary>What a stack of layers is in the model.</summary>
internal enum StackRole
{
    /// <summary>The model's only stack (many-to-many, many-to-one, one-to-many).</summary>
    Model,

    /// <summary>The encoder of an encoder–decoder model: its final state starts the decoder.</summary>
    Encoder,

    /// <summary>The decoder of an encoder–decoder model: each step reads the previous output.</summary>
    Decoder,
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
    public CellType Cell => Spec.Cell;

    /// <summary>H: the width of each gate block and of the LSTM's c (and of h, unless the layer is projected).</summary>
    public long Hidden => Spec.Hidden;

    /// <summary>The LSTM's projection width P (PyTorch's <c>proj_size</c>), 0 for none.</summary>
    public long Projection => Spec.Projection;

    /// <summary>A projected LSTM: <c>h_t = (o⊙tanh(c_t))·W_hrᵀ</c>.</summary>
    public bool IsProjected => Spec.Projection > 0;

    /// <summary>
    /// The width of h per direction: what the recurrence multiplies by W_hh, the layer outputs, the state's h and the
    /// layer above reads. P for a projected LSTM, else H.
    /// </summary>
    public long StateWidth => IsProjected ? Projection : Hidden;

    public int Directions => Spec.Bidirectional ? 2 : 1;
    public long Gates => Cell switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
    public long GateWidth => Gates * Hidden;
    public long InWidth { get; }
    public long OutWidth => Directions * StateWidth;
    public List<DirectionPlan> Direction { get; } = new();

    /// <summary>The layer's outputs h, <c>[steps, Batch, OutWidth]</c>.</summary>
    public Region Outputs { get; set; } = null!;

    /// <summary>dL/dh of this layer, <c>[steps, Batch, OutWidth]</c>: what backward reads.</summary>
    public Region HiddenGradient { get; set; } = null!;

    /// <summary>Where backward writes dL/dx: the layer below's <see cref="HiddenGradient"/>, or the stack's input gradient; null when it writes none.</summary>
    public Region? InputGradient
    {
        get => Index > 0 ? Below!.HiddenGradient : _inputGradient;
        set => _inputGradient = value;
    }

    private Region? _inputGradient;

    /// <summary>The layer below in the stack; null for the first.</summary>
    public LayerPlan? Below => Index == 0 ? null : Stack.Layers[Index - 1];

    /// <summary>The top layer of its stack.</summary>
    public bool IsTop => Index == Stack.Layers.Count - 1;

    /// <summary>The first layer of a stack with a one-hot input: x_t·W_ihᵀ is a row gather, and dW_ih a row scatter.</summary>
    public bool ReadsOneHot => Index == 0 && Stack.Input.Kind == StackInputKind.OneHot;

    /// <summary>
    /// Whether backward computes dL/dx: not into a one-hot input (nothing to receive it), nor into a decoder's fed-back
    /// vector inputs (they count as given).
    /// </summary>
    public bool WritesInputGradient => !(ReadsOneHot || (Index == 0 && Stack.Input.Kind == StackInputKind.Vector && Stack.Input.IsFeedback && Stack.Role == StackRole.Decoder));

    /// <summary>"Layer k", or "Encoder layer k" / "Decoder layer k", as the generated comments name it.</summary>
    public string Title => Stack.Role == StackRole.Model ? "Layer " + Index : Stack.Name + " layer " + Index;

    /// <summary>Method-name stem, e.g. <c>L0</c> or <c>DecoderL1</c>.</summary>
    public string Id => Stack.Name + "L" + Index;

    /// <summary>
    /// Whether the layer's output is dropped on its way up while training: into the layer above or the head (or the
    /// attention). An encoder's top layer feeds neither; its final state starts the decoder and, with attention, its outputs
    /// are what the decoder attends over, and neither is dropped.
    /// </summary>
    public bool DropsOutput => Spec.Dropout > 0 && !(IsTop && Stack.Role == StackRole.Encoder);

    /// <summary>Whether h_(t-1) is dropped in the recurrent product while training (variational: one mask per lane per pass).</summary>
    public bool DropsRecurrent => Spec.RecurrentDropout > 0;

    /// <summary>An LSTM layer's own dL/dc scratch (input feeding's decoder); null: the model's shared one.</summary>
    public Region? CellGradient { get; set; }

    /// <summary>The mask of the layer's output and h⊙mask, what the layer above (or the head) reads while training.</summary>
    public Region? DropoutMask { get; set; }
    public Region? Dropped { get; set; }

    /// <summary>h_t⊙m, the recurrent product's input under recurrent dropout, laid out as <see cref="Outputs"/>.</summary>
    public Region? RecurrentInput { get; set; }

    public string CellName => Cell switch
    {
        CellType.Lstm => "LSTM",
        CellType.Gru => "GRU",
        _ => "RNN (" + (Spec.Nonlinearity == Nonlinearity.Relu ? "relu" : "tanh")
            + (Spec.LearnedLeak ? ", learned leak" : Spec.IsLeaky ? ", leak " + Spec.Leak.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "") + ")",
    };
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
    public TensorPlan? Leak { get; set; }

    /// <summary>The projection W_hr [P, H] of a projected LSTM.</summary>
    public TensorPlan? WeightHr { get; set; }
    public Region? Gates { get; set; }
    public Region? Cell { get; set; }
    public Region? RecurrentN { get; set; }

    /// <summary>A projected LSTM's m = o⊙tanh(c) per step, before the projection.</summary>
    public Region? Unprojected { get; set; }
    public Region BiasSum { get; set; } = null!;

    /// <summary>Offsets of this direction's h and c within a state buffer (InitialState layout).</summary>
    public Region H0 { get; set; } = null!;
    public Region? C0 { get; set; }

    /// <summary>Recurrent dropout: the mask m of this direction's h_(t-1), [Batch, H], and h0⊙m.</summary>
    public Region? RecurrentMask { get; set; }
    public Region? RecurrentInitial { get; set; }
}
