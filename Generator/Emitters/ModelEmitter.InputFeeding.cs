using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    /// <summary>
    /// Whether <paramref name="stack"/> is a decoder fed its attentional state (Luong's input feeding): step t's first layer
    /// reads h̃_(t−1), which needs the attention of step t − 1, so the teacher-forced pass runs the decoder step by step
    /// (with decoding's per-step methods) and its backward runs step by step through every decoder layer.
    /// </summary>
    private bool FedDecoder(StackPlan stack) => stack.Role == StackRole.Decoder && _plan.Attention is { Feeds: true };

    /// <summary>True while the fed decoder's backward is emitted: its layers interleave step by step, so W_hh is read as stored.</summary>
    private bool _recurrenceUnpacked;

    /// <summary>The teacher-forced decoder under input feeding, and its backward.</summary>
    private void EmitFedDecoder()
    {
        if (_plan.Attention is not { Feeds: true } att) return;
        StackPlan decoder = _plan.Last;
        long b = _plan.B, d = att.D, e = att.E;

        _w.Line("/// <summary>The decoder over the loaded targets, step by step: every layer at step t (the first also reads h̃_(t-1)), then the attention of step t.</summary>");
        using (_w.Block("private void RnnForwardFedDecoder()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("// b_ih + b_hh, folded once for all steps.");
            foreach (LayerPlan layer in decoder.Layers)
                foreach (DirectionPlan dir in layer.Direction)
                    CellEmitter.For(layer).EmitBiasSum(_w, dir, "p", "s", C(dir.BiasSum));
            if (decoder.Layers[0].ReadsOneHot)
            {
                _w.Line("// W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.");
                EmitOneHotTranspose(decoder.Layers[0], decoder.Layers[0].Direction[0]);
            }
            using (_w.Block("for (int t = 0; t < OutputSteps; t++)"))
            {
                foreach (LayerPlan layer in decoder.Layers) _w.Line($"RnnDecode{layer.Id}(t);");
                _w.Line("RnnForwardAttention(first: t, count: 1);");
            }
        }
        _w.Line();

        _w.Line("/// <summary>");
        _w.Line("/// Backward through the fed decoder, step by step from the last: the attention of step t (dL/dh̃_t is complete once step t + 1 has sent");
        _w.Line("/// back what h̃_t fed it), then every layer at step t from the top down; the weight gradients after the last step, one product each.");
        _w.Line("/// </summary>");
        using (_w.Block("private void RnnBackwardFedDecoder()"))
        {
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("// Each layer's dh (and an LSTM's dc) gathers its parts as the steps go down: start from zero.");
            foreach (LayerPlan layer in decoder.Layers)
            {
                if (!layer.IsTop) _w.Line($"{Whole("s", layer.HiddenGradient)}.Clear();");
                if (layer.CellGradient is { } dc) _w.Line($"{Whole("s", dc)}.Clear();");
            }
            EmitAttentionGradientClears(att);
            using (_w.Block("for (int t = OutputSteps - 1; t >= 0; t--)"))
            {
                _w.Line("RnnBackwardAttentionRows(first: t, count: 1);");
                foreach (LayerPlan layer in Enumerable.Reverse(decoder.Layers)) _w.Line($"RnnBackwardFed{layer.Id}(t);");
            }
            _w.Line("RnnBackwardAttentionWeights();");
            foreach (LayerPlan layer in decoder.Layers) _w.Line($"RnnBackwardFed{layer.Id}Weights();");
        }
        _w.Line();

        _recurrenceUnpacked = true;
        foreach (LayerPlan layer in decoder.Layers) EmitFedLayerBackward(layer, att);
        _recurrenceUnpacked = false;
    }

    /// <summary>One decoder layer's backward under input feeding: one step (with its dL/dx to the layer below, or the feed's dL/dh̃_(t−1)), and its weight gradients.</summary>
    private void EmitFedLayerBackward(LayerPlan layer, AttentionPlan att)
    {
        CellEmitter cell = CellEmitter.For(layer);
        DirectionPlan dir = layer.Direction[0];
        StackPlan stack = layer.Stack;
        long hd = layer.Hidden, hw = layer.StateWidth, gw = layer.GateWidth, b = _plan.B, d = att.D;
        Region dState = stack.InitialStateGradient!;
        _w.Line($"/// <summary>Backward through {stack.Describe}layer {layer.Index} ({layer.CellName}, {layer.Hidden} units{Projected(layer)}) at step t.</summary>");
        using (_w.Block($"private void RnnBackwardFed{layer.Id}(int t)"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
            _w.Line($"var h = {Whole("a", layer.Outputs)}; // h_t, [OutputSteps, Batch, {hw}]");
            _w.Line($"var dh = {Whole("s", layer.HiddenGradient)}; // dL/dh_t, [OutputSteps, Batch, {hw}]");
            _w.Line($"var h0 = {InitialH(layer, dir)}; // h before the first step");
            cell.EmitBackwardLocals(this, layer, dir, readsInitial: true);
            _w.Line($"var dh0 = {Slice("s", $"{C(dState)} + {C(dir.H0)}", b * hw)}; // dL/dh0: the encoder's gradient at its last step");
            foreach (string equation in cell.BackwardEquations) _w.Line("// " + equation);
            using (_w.Block("if (t > 0)"))
                cell.EmitBackwardStep(this, layer, dir, Spans(first: false));
            using (_w.Block("else"))
                cell.EmitBackwardStep(this, layer, dir, Spans(first: true));
            // dL/dx_t: into the layer below at step t, or (the first layer) into h̃_(t-1) through the feed.
            string rows = N(stack.Rows);
            if (layer.Below is { } below)
            {
                _w.Line($"// dL/dx_t = dgates_t·W_ih: dL/dh_t of {stack.Describe}layer {below.Index}.");
                foreach ((string block, long ld, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                    _w.Line($"{Kernels}Gemm.NN(m: {N(b)}, n: {N(layer.InWidth)}, k: {N(width)}, {block}.Slice(t * {N(b * ld)}), lda: {N(ld)}, {Slice("p", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldb: {N(layer.InWidth)}, {Slice("s", C(below.HiddenGradient), below.HiddenGradient.Length)}.Slice(t * {N(b * layer.InWidth)}), ldc: {N(layer.InWidth)}, accumulate: true);");
            }
            else
            {
                _w.Line("// Input feeding: dL/dh̃_(t-1) += dgates_t·W_f.");
                using (_w.Block("if (t > 0)"))
                {
                    foreach ((string block, long ld, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                        _w.Line($"{Kernels}Gemm.NN(m: {N(b)}, n: {N(d)}, k: {N(width)}, {block}.Slice(t * {N(b * ld)}), lda: {N(ld)}, {Slice("p", Plus(C(att.FeedWeight!), N(firstRow * d)), width * d)}, ldb: {N(d)}, s.Slice({C(att.AttentionalGradient)} + (t - 1) * {N(b * d)}, {N(b * d)}), ldc: {N(d)}, accumulate: true);");
                }
            }
        }
        _w.Line();

        _w.Line($"/// <summary>Weight gradients of {stack.Describe}layer {layer.Index}, summed over every step by one product each, once every step's backward has run.</summary>");
        using (_w.Block($"private void RnnBackwardFed{layer.Id}Weights()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            EmitWeightGradients(layer, dir, cell);
            if (layer.Index != 0) return;
            string rows = N(stack.Rows);
            _w.Line("//   dW_f += Σ_(t>0) dgates_tᵀ·h̃_(t-1): the rows of steps 1… pair with h̃ one step earlier.");
            foreach ((string block, long ld, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                _w.Line($"{Kernels}Gemm.TN(m: {N(width)}, n: {N(d)}, k: {N((_plan.OutputSteps - 1) * b)}, {block}.Slice({N(b * ld)}), lda: {N(ld)}, {Whole("a", att.Attentional)}, ldb: {N(d)}, {Slice("g", Plus(C(att.FeedWeight!), N(firstRow * d)), width * d)}, ldc: {N(d)}, accumulate: true);");
            if (layer.InputGradient is { } dxRegion && stack.Input.EmbeddingTensor is { } emb)
            {
                _w.Line("// dL/dx_t = dgates_t·W_ih for every step, then the embedding's gradient.");
                string dx = RegionRows("s", dxRegion, layer.InWidth, 0, rows, layer.InWidth);
                bool first = true;
                foreach ((string block, long ld, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                {
                    _w.Line($"{Kernels}Gemm.NN(m: {rows}, n: {N(layer.InWidth)}, k: {N(width)}, {block}, lda: {N(ld)}, {Slice("p", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldb: {N(layer.InWidth)}, {dx}, ldc: {N(layer.InWidth)}, accumulate: {Bool(!first)});");
                    first = false;
                }
                _w.Line($"{Inputs}Embedding.AccumulateGradient({dx}, ldx: {N(layer.InWidth)}, {Tokens(stack)}, {Whole("g", emb)}, width: {N(layer.InWidth)});");
            }
        }
        _w.Line();

        BackwardStepSpans Spans(bool first) => new(
            Rows: N(b),
            Gates: $"gates.Slice(t * {N(b * gw)}, {N(b * gw)})",
            Cell: $"c.Slice(t * {N(b * hd)}, {N(b * hd)})",
            CPrev: first ? "c0" : $"c.Slice((t - 1) * {N(b * hd)}, {N(b * hd)})",
            H: $"h.Slice(t * {N(b * hw)}, {N(b * hw)})",
            HPrev: first ? "h0" : $"h.Slice((t - 1) * {N(b * hw)}, {N(b * hw)})",
            LdPrev: hw,
            RecurrentN: $"hn.Slice(t * {N(b * hd)}, {N(b * hd)})",
            Dc: "dc",
            Dh: $"dh.Slice(t * {N(b * hw)}, {N(b * hw)})",
            DhPrevious: first ? "dh0" : $"dh.Slice((t - 1) * {N(b * hw)}, {N(b * hw)})",
            LdPrevious: hw, Accumulate: !first, StartsHere: first, dState)
        {
            Dm = layer.IsProjected ? "dm" : null,
        };
    }
}
