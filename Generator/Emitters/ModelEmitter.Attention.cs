using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    private const string AttentionKernels = "global::RnnGen.Attention.";

    /// <summary>
    /// The encoder's final state into the decoder's initial state: as it is, or (a bidirectional encoder) through
    /// <c>RnnBridgeState</c>, which puts each layer's two directions side by side.
    /// </summary>
    private void EmitEncoderToDecoder()
    {
        if (_plan.EncoderFinalState is { } encoderState)
        {
            _w.Line($"RnnSaveState{_plan.First.Name}(_rnnActivations.Span.Slice({C(encoderState)}, StateSize));");
            _w.Line("RnnBridgeState();");
        }
        else
        {
            _w.Line($"RnnSaveState{_plan.First.Name}({StateBuffer(_plan.Last)});");
        }
        if (_plan.Attention is not null) _w.Line("RnnLoadAttentionMemory();");
    }

    /// <summary>The bridge of a bidirectional encoder's final state to the decoder, and its gradient's way back.</summary>
    private void EmitStateBridge()
    {
        if (!_plan.BridgesState) return;
        StackPlan encoder = _plan.First, decoder = _plan.Last;
        _w.Line("/// <summary>");
        _w.Line("/// The decoder's initial state from the encoder's final state: a bidirectional encoder layer's h (and c) of both directions,");
        _w.Line("/// side by side per lane ([forward ; reverse], the decoder layer is twice as wide); a one-way layer's as it is.");
        _w.Line("/// </summary>");
        using (_w.Block("private void RnnBridgeState()"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            EmitBridgeCopies("a", C(_plan.EncoderFinalState!), "a", C(decoder.InitialState!), backward: false);
        }
        _w.Line();
        _w.Line("/// <summary>dL/d(the encoder's final state): the decoder's initial-state gradient split back into the directions.</summary>");
        using (_w.Block("private void RnnBridgeStateBackward()"))
        {
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"RnnSplitState(s.Slice({C(decoder.InitialStateGradient!)}, StateSize), s.Slice({C(_plan.EncoderFinalStateGradient!)}, StateSize));");
        }
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// The inverse of the bridge: a state (or its gradient) in the decoder's layout, each layer's rows [forward ; reverse], into the encoder's");
        _w.Line("/// layout, each direction apart (what CarryState carries into InitialState, and backward into the encoder).");
        _w.Line("/// </summary>");
        using (_w.Block($"private static void RnnSplitState({ReadOnlySpan} decoderState, {Span} encoderState)"))
            EmitBridgeCopies("decoderState", "0", "encoderState", "0", backward: true);
        _w.Line();

        static string Offset(string start, string slot) => start == "0" ? slot : start + " + " + slot;

        void EmitBridgeCopies(string fromSpan, string from, string toSpan, string to, bool backward)
        {
            for (int k = 0; k < encoder.Layers.Count; k++)
            {
                LayerPlan e = encoder.Layers[k], d = decoder.Layers[k];
                DirectionPlan dd = d.Direction[0];
                foreach (DirectionPlan ed in e.Direction)
                {
                    foreach ((Region? es, Region? ds, long width) in new[] { (ed.H0, dd.H0, e.StateWidth), (ed.C0, dd.C0, e.Hidden) })
                    {
                        if (es is null || ds is null) continue;
                        long column = ed.Reverse ? width : 0, dWidth = e.Directions * width;
                        string encoderBase = backward ? to : from, decoderBase = backward ? from : to;
                        string encoderSide = $"{(backward ? toSpan : fromSpan)}.Slice({Offset(encoderBase, C(es))}, {N(_plan.B * width)})";
                        string decoderSide = $"{(backward ? fromSpan : toSpan)}.Slice({Offset(decoderBase, C(ds))}{(column > 0 ? " + " + N(column) : "")}, {N(_plan.B * dWidth - column)})";
                        if (e.Directions == 1)
                            _w.Line(backward ? $"{decoderSide}.CopyTo({encoderSide});" : $"{encoderSide}.CopyTo({decoderSide});");
                        else if (backward)
                            _w.Line($"{Kernels}Matrix.CopyRows({decoderSide}, ldSource: {N(dWidth)}, {encoderSide}, ldTarget: {N(width)}, rows: {N(_plan.B)}, cols: {N(width)});");
                        else
                            _w.Line($"{Kernels}Matrix.CopyRows({encoderSide}, ldSource: {N(width)}, {decoderSide}, ldTarget: {N(dWidth)}, rows: {N(_plan.B)}, cols: {N(width)});");
                    }
                }
            }
        }
    }

    /// <summary>
    /// The attention's forward pass (once per pass: the memory; per call: a range of output steps, all of them when teacher
    /// forcing, one at a time when decoding) and its backward pass over all output steps.
    /// </summary>
    private void EmitAttention()
    {
        if (_plan.Attention is not { } att) return;
        long e = att.E, d = att.D, b = _plan.B, src = _spec.Steps;
        LayerPlan encoderTop = _plan.First.Top, top = _plan.Top;

        _w.Line("/// <summary>The encoder's top outputs as attention reads them, ē [Steps, Batch, E] in the caller's lane order (0 at padded steps)" +
            (att.Kind == AttentionKind.Additive ? ", and the additive score's keys k_s = ē_s·W_kᵀ" : "") + ".</summary>");
        using (_w.Block("private void RnnLoadAttentionMemory()"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line($"_rnnLanes.UnpackRows({Whole("a", encoderTop.Outputs)}, width: {N(e)}, {Whole("a", att.Memory)});");
            if (att.Keys is { } keys)
            {
                _w.Line("var p = _rnnParameters.Span;");
                _w.Line($"{Kernels}Gemm.NT(m: {N(src * b)}, n: {N(d)}, k: {N(e)}, {Whole("a", att.Memory)}, lda: {N(e)}, {Whole("p", att.KeyWeight!)}, ldb: {N(e)}, {Whole("a", keys)}, ldc: {N(d)}, accumulate: false);");
            }
        }
        _w.Line();

        _w.Line("/// <summary>");
        _w.Line($"/// Attention ({att.KindName}) on output steps [first, first + count): the decoder's top h_t looks at the encoder's outputs ē_s of its lane's real");
        _w.Line("/// source steps, and the head will read the attentional state h̃_t.");
        _w.Line("/// </summary>");
        using (_w.Block("private void RnnForwardAttention(int first, int count)"))
        {
            _w.Line($"//   {att.ScoreEquation}   (s < the lane's source length)");
            _w.Line("//   a_t = softmax(e_t) over those steps;  c_t = Σ_s a_ts·ē_s;  h̃_t = tanh(W_c·[c_t ; h_t])");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("int rows = count * Batch, row = first * Batch;");
            _w.Line($"var h = a.Slice({SeenAbove(top)} + row * {N(d)}, rows * {N(d)}); // h_t of the decoder's top layer, [rows, {d}]");
            _w.Line($"var memory = {Whole("a", att.Memory)}; // ē, [Steps, Batch, {e}]");
            _w.Line($"var weights = a.Slice({C(att.Weights)} + row * Steps, rows * Steps); // e_t, then a_t, [rows, Steps]");
            _w.Line($"var context = a.Slice({C(att.Context)} + row * {N(e)}, rows * {N(e)}); // c_t, [rows, {e}]");
            _w.Line($"var state = a.Slice({C(att.Attentional)} + row * {N(d)}, rows * {N(d)}); // h̃_t, [rows, {d}]");
            _w.Line("var lengths = _rnnLanes.Lengths; // each lane's source length");
            switch (att.Kind)
            {
                case AttentionKind.Dot:
                    EmitPerLaneScores("h", d);
                    break;
                case AttentionKind.General:
                    _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(e)}, rows * {N(e)}); // q_t = h_t·W_a, [rows, {e}]");
                    EmitAttentionQuery(att, "rows");
                    EmitPerLaneScores("q", e);
                    break;
                default:
                    _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(d)}, rows * {N(d)}); // q_t = h_t·W_qᵀ + b_q, [rows, {d}]");
                    EmitAttentionQuery(att, "rows");
                    _w.Line("// e_ts = v·tanh(q_t + k_s) for each lane's real source steps.");
                    _w.Line($"{AttentionKernels}AdditiveScore.Forward(q, {Whole("a", att.Keys!)}, {Whole("p", att.V!)}, weights, rows, Steps, width: {N(d)}, lengths);");
                    break;
            }
            _w.Line("// a_t = softmax(e_t) over the lane's real source steps (0 past them).");
            _w.Line($"{AttentionKernels}MaskedSoftmax.Forward(weights, rows, Steps, lengths);");
            _w.Line("// c_t = Σ_s a_ts·ē_s: one product per lane over its real source steps (a lane without any has c_t = 0).");
            _w.Line("context.Clear();");
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NN(m: count, n: {N(e)}, k: n, weights.Slice(lane * Steps), lda: Batch * Steps, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, context.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
            }
            _w.Line("// h̃_t = tanh(c_t·W_c[:, :E]ᵀ + h_t·W_c[:, E:]ᵀ).");
            EmitAttentionalState(att, "rows");
        }
        _w.Line();

        if (!att.Feeds)
        {
            _w.Line("/// <summary>Backward through the attention over every output step: dL/dh̃ (from the head) into dL/dh of the decoder's top layer, dL/dē and the attention's weight gradients.</summary>");
            using (_w.Block("private void RnnBackwardAttention()"))
            {
                _w.Line("var s = _rnnScratch.Span;");
                _w.Line("// dh of the top layer, dē (and the additive score's dk) gather their parts: start from zero.");
                EmitAttentionGradientClears(att);
                _w.Line("RnnBackwardAttentionRows(first: 0, count: OutputSteps);");
                _w.Line("RnnBackwardAttentionWeights();");
            }
            _w.Line();
        }
        EmitAttentionBackwardRows(att);
        EmitAttentionWeightGradients(att);

        // e_ts = x_t·ē_s for each lane's real source steps: one product per lane.
        void EmitPerLaneScores(string x, long width)
        {
            _w.Line($"// {(x == "h" ? "e_ts = h_t·ē_s" : "e_ts = q_t·ē_s")} for each lane's real source steps: one product per lane.");
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NT(m: count, n: n, k: {N(e)}, {x}.Slice(lane * {N(width)}), lda: Batch * {N(width)}, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, weights.Slice(lane * Steps), ldc: Batch * Steps, accumulate: false);");
            }
        }

    }

    /// <summary>
    /// The query of <paramref name="rows"/> rows of <c>h</c> into <c>q</c>: q = h·W_a (general) or q = h·W_qᵀ + b_q
    /// (additive); the dot score's query is h itself. Forward and the decoder step emit the same products.
    /// </summary>
    private void EmitAttentionQuery(AttentionPlan att, string rows)
    {
        long e = att.E, d = att.D;
        if (att.Kind == AttentionKind.General)
        {
            _w.Line($"{Kernels}Gemm.NN(m: {rows}, n: {N(e)}, k: {N(d)}, h, lda: {N(d)}, {Whole("p", att.Weight!)}, ldb: {N(e)}, q, ldc: {N(e)}, accumulate: false);");
        }
        else if (att.Kind == AttentionKind.Additive)
        {
            _w.Line($"{Kernels}Bias.Broadcast(q, rows: {rows}, n: {N(d)}, ldc: {N(d)}, {Whole("p", att.QueryBias!)});");
            _w.Line($"{Kernels}Gemm.NT(m: {rows}, n: {N(d)}, k: {N(d)}, h, lda: {N(d)}, {Whole("p", att.QueryWeight!)}, ldb: {N(d)}, q, ldc: {N(d)}, accumulate: true);");
        }
    }

    /// <summary>
    /// h̃ = tanh(W_c·[c ; h]) of <paramref name="rows"/> rows of <c>context</c> and <c>h</c> into <c>state</c>, as two
    /// products over the halves of W_c. Forward and the decoder step emit the same products.
    /// </summary>
    private void EmitAttentionalState(AttentionPlan att, string rows)
    {
        long e = att.E, d = att.D;
        string wc = Whole("p", att.OutWeight), wcH = Slice("p", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
        _w.Line($"{Kernels}Gemm.NT(m: {rows}, n: {N(d)}, k: {N(e)}, context, lda: {N(e)}, {wc}, ldb: {N(e + d)}, state, ldc: {N(d)}, accumulate: false);");
        _w.Line($"{Kernels}Gemm.NT(m: {rows}, n: {N(d)}, k: {N(d)}, h, lda: {N(d)}, {wcH}, ldb: {N(e + d)}, state, ldc: {N(d)}, accumulate: true);");
        _w.Line($"{AttentionKernels}AttentionalState.Forward(state);");
    }

    /// <summary>Clears what the attention's backward accumulates over the steps: the top layer's dh, dē and (additive) dk.</summary>
    private void EmitAttentionGradientClears(AttentionPlan att)
    {
        _w.Line($"{Whole("s", _plan.Top.HiddenGradient)}.Clear();");
        _w.Line($"{Whole("s", att.MemoryGradient)}.Clear();");
        if (att.KeyGradient is { } dk) _w.Line($"{Whole("s", dk)}.Clear();");
    }

    /// <summary>
    /// The attention's backward over output steps [first, first + count): all of them at once, or one at a time under input
    /// feeding (where dL/dh̃_t is complete only once step t + 1 is done). Adds into the top layer's dh and into dē; the
    /// weight gradients wait for every step (<c>RnnBackwardAttentionWeights</c>).
    /// </summary>
    private void EmitAttentionBackwardRows(AttentionPlan att)
    {
        long e = att.E, d = att.D;
        LayerPlan top = _plan.Top;
        _w.Line("/// <summary>Backward through the attention on output steps [first, first + count): dL/dh̃ into dL/dh of the decoder's top layer, dL/dē, and the score's query gradient.</summary>");
        using (_w.Block("private void RnnBackwardAttentionRows(int first, int count)"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("int rows = count * Batch, row = first * Batch;");
            _w.Line($"var h = a.Slice({SeenAbove(top)} + row * {N(d)}, rows * {N(d)}); // h_t of the decoder's top layer");
            _w.Line($"var memory = {Whole("a", att.Memory)}; // ē, [Steps, Batch, {e}]");
            _w.Line($"var weights = a.Slice({C(att.Weights)} + row * Steps, rows * Steps); // a_t");
            _w.Line($"var state = a.Slice({C(att.Attentional)} + row * {N(d)}, rows * {N(d)}); // h̃_t");
            _w.Line($"var du = s.Slice({C(att.AttentionalGradient)} + row * {N(d)}, rows * {N(d)}); // dL/dh̃_t, then dL/du");
            _w.Line($"var dh = s.Slice({C(top.HiddenGradient)} + row * {N(d)}, rows * {N(d)}); // dL/dh_t of the decoder's top layer (adds to what is there)");
            _w.Line($"var dc = s.Slice({C(att.ContextGradient)} + row * {N(e)}, rows * {N(e)}); // dL/dc_t");
            _w.Line($"var da = s.Slice({C(att.ScoreGradient)} + row * Steps, rows * Steps); // dL/da_t, then dL/de_t");
            _w.Line($"var dMemory = {Whole("s", att.MemoryGradient)}; // dL/dē, [Steps, Batch, {e}]");
            _w.Line("var lengths = _rnnLanes.Lengths;");
            string wc = Whole("p", att.OutWeight), wcH = Slice("p", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
            _w.Line("// du = dh̃⊙(1 − h̃²);  dh += du·W_c[:, E:];  dc = du·W_c[:, :E]");
            _w.Line($"{AttentionKernels}AttentionalState.Backward(state, du);");
            _w.Line($"{Kernels}Gemm.NN(m: rows, n: {N(d)}, k: {N(d)}, du, lda: {N(d)}, {wcH}, ldb: {N(e + d)}, dh, ldc: {N(d)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.NN(m: rows, n: {N(e)}, k: {N(d)}, du, lda: {N(d)}, {wc}, ldb: {N(e + d)}, dc, ldc: {N(e)}, accumulate: false);");
            _w.Line("// Per lane over its real source steps: da_t = dc_t·ēᵀ;  dē += aᵀ·dc.");
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NT(m: count, n: n, k: {N(e)}, dc.Slice(lane * {N(e)}), lda: Batch * {N(e)}, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, da.Slice(lane * Steps), ldc: Batch * Steps, accumulate: false);");
                _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: count, weights.Slice(lane * Steps), lda: Batch * Steps, dc.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
            }
            _w.Line("// de = a⊙(da − Σ_s a_s·da_s) over the real source steps.");
            _w.Line($"{AttentionKernels}MaskedSoftmax.Backward(weights, da, rows, Steps, lengths);");
            switch (att.Kind)
            {
                case AttentionKind.Dot:
                    _w.Line("// e_ts = h_t·ē_s:  dh_t += Σ_s de_ts·ē_s;  dē_s += Σ_t de_ts·h_t.");
                    ScoreGradients("dh", "h", d);
                    break;
                case AttentionKind.General:
                    _w.Line("// e_ts = q_t·ē_s with q_t = h_t·W_a:  dq_t = Σ_s de_ts·ē_s;  dē_s += Σ_t de_ts·q_t;  dh_t += dq_t·W_aᵀ (dW_a once every step is done).");
                    _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(e)}, rows * {N(e)});");
                    _w.Line("var dq = dc; // dc is spent; dq of every step stays for dW_a");
                    _w.Line("dq.Clear();");
                    ScoreGradients("dq", "q", e);
                    _w.Line($"{Kernels}Gemm.NT(m: rows, n: {N(d)}, k: {N(e)}, dq, lda: {N(e)}, {Whole("p", att.Weight!)}, ldb: {N(e)}, dh, ldc: {N(d)}, accumulate: true);");
                    break;
                default:
                    _w.Line("// e_ts = v·tanh(q_t + k_s):  dv, dq_t and dk_s from each score's gradient (tanh recomputed);  dh_t += dq_t·W_q (the rest once every step is done).");
                    _w.Line($"var q = a.Slice({C(att.Query!)} + row * {N(d)}, rows * {N(d)});");
                    _w.Line($"var dq = s.Slice({C(att.QueryGradient!)} + row * {N(d)}, rows * {N(d)});");
                    _w.Line("dq.Clear();");
                    _w.Line($"{AttentionKernels}AdditiveScore.Backward(q, {Whole("a", att.Keys!)}, {Whole("p", att.V!)}, da, dq, {Whole("s", att.KeyGradient!)}, {Whole("g", att.V!)}, rows, Steps, width: {N(d)}, lengths);");
                    _w.Line($"{Kernels}Gemm.NN(m: rows, n: {N(d)}, k: {N(d)}, dq, lda: {N(d)}, {Whole("p", att.QueryWeight!)}, ldb: {N(d)}, dh, ldc: {N(d)}, accumulate: true);");
                    break;
            }
        }
        _w.Line();

        // dx_t += Σ_s de_ts·ē_s and dē_s += Σ_t de_ts·x_t, per lane.
        void ScoreGradients(string dx, string x, long width)
        {
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NN(m: count, n: {N(width)}, k: n, da.Slice(lane * Steps), lda: Batch * Steps, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, {dx}.Slice(lane * {N(width)}), ldc: Batch * {N(width)}, accumulate: true);");
                _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: count, da.Slice(lane * Steps), lda: Batch * Steps, {x}.Slice(lane * {N(width)}), ldb: Batch * {N(width)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
            }
        }
    }

    /// <summary>The attention's weight gradients, each one product over every output step once every step's backward has run.</summary>
    private void EmitAttentionWeightGradients(AttentionPlan att)
    {
        long e = att.E, d = att.D, rows = _plan.RowsOut, src = _spec.Steps * _plan.B;
        _w.Line("/// <summary>The attention's weight gradients over every output step, once each step's backward has run.</summary>");
        using (_w.Block("private void RnnBackwardAttentionWeights()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var h = {Slice("a", SeenAbove(_plan.Top), rows * d)}; // h_t of the decoder's top layer");
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
                _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(src)}, {dk}, lda: {N(d)}, {memory}, ldb: {N(e)}, {Whole("g", att.KeyWeight!)}, ldc: {N(e)}, accumulate: true);");
                _w.Line($"{Kernels}Gemm.NN(m: {N(src)}, n: {N(e)}, k: {N(d)}, {dk}, lda: {N(d)}, {Whole("p", att.KeyWeight!)}, ldb: {N(e)}, {Whole("s", att.MemoryGradient)}, ldc: {N(e)}, accumulate: true);");
            }
        }
        _w.Line();
    }
}
