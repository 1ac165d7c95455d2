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
                _w.Line($"{Whole("s", layer.HiddenGradient)}.Clear();");
                if (layer.CellGradient is { } dc) _w.Line($"{Whole("s", dc)}.Clear();");
            }
            _w.Line($"{Whole("s", att.MemoryGradient)}.Clear();");
            if (att.KeyGradient is { } dk) _w.Line($"{Whole("s", dk)}.Clear();");
            using (_w.Block("for (int t = OutputSteps - 1; t >= 0; t--)"))
            {
                _w.Line("RnnBackwardAttentionStep(t);");
                foreach (LayerPlan layer in Enumerable.Reverse(decoder.Layers)) _w.Line($"RnnBackwardFed{layer.Id}(t);");
            }
            _w.Line("RnnBackwardAttentionWeights();");
            foreach (LayerPlan layer in decoder.Layers) _w.Line($"RnnBackwardFed{layer.Id}Weights();");
        }
        _w.Line();

        EmitAttentionBackwardStep(att);
        _recurrenceUnpacked = true;
        foreach (LayerPlan layer in decoder.Layers) EmitFedLayerBackward(layer, att);
        _recurrenceUnpacked = false;
    }

    /// <summary>The attention's backward at one output step t (its weight gradients wait for every step: <c>RnnBackwardAttentionWeights</c>).</summary>
    private void EmitAttentionBackwardStep(AttentionPlan att)
    {
        long e = att.E, d = att.D, b = _plan.B, src = _spec.Steps, rows = _plan.RowsOut;
        LayerPlan top = _plan.Top;
        _w.Line("/// <summary>Backward through the attention at output step t: dL/dh̃_t into dL/dh_t of the decoder's top layer, dL/dē, and the score's query gradient.</summary>");
        using (_w.Block("private void RnnBackwardAttentionStep(int t)"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("int row = t * Batch;");
            _w.Line($"var h = a.Slice({C(top.Outputs)} + row * {N(d)}, {N(b * d)}); // h_t of the decoder's top layer");
            _w.Line($"var memory = {Whole("a", att.Memory)}; // ē, [Steps, Batch, {e}]");
            _w.Line($"var weights = a.Slice({C(att.Weights)} + row * Steps, Batch * Steps); // a_t");
            _w.Line($"var state = a.Slice({C(att.Attentional)} + row * {N(d)}, {N(b * d)}); // h̃_t");
            _w.Line($"var du = s.Slice({C(att.AttentionalGradient)} + row * {N(d)}, {N(b * d)}); // dL/dh̃_t (the head's and the next step's), then dL/du");
            _w.Line($"var dh = s.Slice({C(top.HiddenGradient)} + row * {N(d)}, {N(b * d)}); // dL/dh_t: already holds what step t + 1 sent back");
            _w.Line($"var dc = s.Slice({C(att.ContextGradient)} + row * {N(e)}, {N(b * e)}); // dL/dc_t");
            _w.Line("var da = s.Slice(" + C(att.ScoreGradient) + " + row * Steps, Batch * Steps); // dL/da_t, then dL/de_t");
            _w.Line($"var dMemory = {Whole("s", att.MemoryGradient)}; // dL/dē, [Steps, Batch, {e}]");
            _w.Line("var lengths = _rnnLanes.Lengths;");
            string wc = Whole("p", att.OutWeight), wcH = Slice("p", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
            _w.Line("// du = dh̃⊙(1 − h̃²);  dh += du·W_c[:, E:];  dc = du·W_c[:, :E]");
            _w.Line($"{AttentionKernels}AttentionalState.Backward(state, du);");
            _w.Line($"{Kernels}Gemm.NN(m: {N(b)}, n: {N(d)}, k: {N(d)}, du, lda: {N(d)}, {wcH}, ldb: {N(e + d)}, dh, ldc: {N(d)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.NN(m: {N(b)}, n: {N(e)}, k: {N(d)}, du, lda: {N(d)}, {wc}, ldb: {N(e + d)}, dc, ldc: {N(e)}, accumulate: false);");
            _w.Line("// Per lane over its real source steps: da_t = dc_t·ēᵀ;  dē += a_tᵀ·dc_t.");
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NT(m: 1, n: n, k: {N(e)}, dc.Slice(lane * {N(e)}, {N(e)}), lda: {N(e)}, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, da.Slice(lane * Steps, Steps), ldc: Steps, accumulate: false);");
                _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: 1, weights.Slice(lane * Steps, Steps), lda: Steps, dc.Slice(lane * {N(e)}, {N(e)}), ldb: {N(e)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
            }
            _w.Line("// de = a⊙(da − Σ_s a_s·da_s) over the real source steps.");
            _w.Line($"{AttentionKernels}MaskedSoftmax.Backward(weights, da, rows: Batch, Steps, lengths);");
            string x = "h", dx = "dh";
            long width = d;
            switch (att.Kind)
            {
                case AttentionKind.Dot:
                    _w.Line("// e_ts = h_t·ē_s:  dh_t += Σ_s de_ts·ē_s;  dē_s += de_ts·h_t.");
                    break;
                case AttentionKind.General:
                    _w.Line("// e_ts = q_t·ē_s with q_t = h_t·W_a:  dq_t = Σ_s de_ts·ē_s;  dē_s += de_ts·q_t;  dh_t += dq_t·W_aᵀ (dW_a after every step).");
                    _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(e)}, {N(b * e)});");
                    _w.Line("var dq = dc; // dc_t is spent; dq of every step stays for dW_a");
                    _w.Line("dq.Clear();");
                    (x, dx, width) = ("q", "dq", e);
                    break;
            }
            if (att.Kind != AttentionKind.Additive)
            {
                using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
                {
                    _w.Line("int n = lengths[lane];");
                    _w.Line("if (n == 0) continue;");
                    _w.Line($"{Kernels}Gemm.NN(m: 1, n: {N(width)}, k: n, da.Slice(lane * Steps, Steps), lda: Steps, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, {dx}.Slice(lane * {N(width)}, {N(width)}), ldc: {N(width)}, accumulate: true);");
                    _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: 1, da.Slice(lane * Steps, Steps), lda: Steps, {x}.Slice(lane * {N(width)}, {N(width)}), ldb: {N(width)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
                }
                if (att.Kind == AttentionKind.General)
                    _w.Line($"{Kernels}Gemm.NT(m: {N(b)}, n: {N(d)}, k: {N(e)}, dq, lda: {N(e)}, {Whole("p", att.Weight!)}, ldb: {N(e)}, dh, ldc: {N(d)}, accumulate: true);");
            }
            else
            {
                _w.Line("// e_ts = v·tanh(q_t + k_s):  dv, dq_t and dk_s from each score's gradient (tanh recomputed); dh_t += dq_t·W_q (the weights after every step).");
                _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(d)}, {N(b * d)});");
                _w.Line($"var dq = s.Slice({C(att.QueryGradient!)} + row * {N(d)}, {N(b * d)});");
                _w.Line("dq.Clear();");
                _w.Line($"{AttentionKernels}AdditiveScore.Backward(q, {Whole("a", att.Keys!)}, {Whole("p", att.V!)}, da, dq, {Whole("s", att.KeyGradient!)}, {Whole("g", att.V!)}, rows: Batch, Steps, width: {N(d)}, lengths);");
                _w.Line($"{Kernels}Gemm.NN(m: {N(b)}, n: {N(d)}, k: {N(d)}, dq, lda: {N(d)}, {Whole("p", att.QueryWeight!)}, ldb: {N(d)}, dh, ldc: {N(d)}, accumulate: true);");
            }
        }
        _w.Line();

        _w.Line("/// <summary>The attention's weight gradients over every output step, once each step's backward has run.</summary>");
        using (_w.Block("private void RnnBackwardAttentionWeights()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var h = {Slice("a", C(top.Outputs), rows * d)};");
            _w.Line($"var du = {Whole("s", att.AttentionalGradient)}; // dL/du of every step");
            string gwc = Whole("g", att.OutWeight), gwcH = Slice("g", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
            _w.Line("// dW_c += duᵀ·[c ; h]");
            _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(rows)}, du, lda: {N(d)}, {Whole("a", att.Context)}, ldb: {N(e)}, {gwc}, ldc: {N(e + d)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(d)}, k: {N(rows)}, du, lda: {N(d)}, h, ldb: {N(d)}, {gwcH}, ldc: {N(e + d)}, accumulate: true);");
            if (att.Kind == AttentionKind.General)
            {
                _w.Line("// dW_a += hᵀ·dq");
                _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(rows)}, h, lda: {N(d)}, {Whole("s", att.ContextGradient)}, ldb: {N(e)}, {Whole("g", att.Weight!)}, ldc: {N(e)}, accumulate: true);");
            }
            else if (att.Kind == AttentionKind.Additive)
            {
                _w.Line("// dW_q += dqᵀ·h;  db_q += Σ dq;  dW_k += dkᵀ·ē;  dē += dk·W_k");
                string dq = Whole("s", att.QueryGradient!), dk = Whole("s", att.KeyGradient!), memory = Whole("a", att.Memory);
                _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(d)}, k: {N(rows)}, {dq}, lda: {N(d)}, h, ldb: {N(d)}, {Whole("g", att.QueryWeight!)}, ldc: {N(d)}, accumulate: true);");
                _w.Line($"{Kernels}Bias.AccumulateColumnSums({dq}, rows: {N(rows)}, n: {N(d)}, ldy: {N(d)}, {Whole("g", att.QueryBias!)});");
                _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(src * b)}, {dk}, lda: {N(d)}, {memory}, ldb: {N(e)}, {Whole("g", att.KeyWeight!)}, ldc: {N(e)}, accumulate: true);");
                _w.Line($"{Kernels}Gemm.NN(m: {N(src * b)}, n: {N(e)}, k: {N(d)}, {dk}, lda: {N(d)}, {Whole("p", att.KeyWeight!)}, ldb: {N(e)}, {Whole("s", att.MemoryGradient)}, ldc: {N(e)}, accumulate: true);");
            }
        }
        _w.Line();
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
