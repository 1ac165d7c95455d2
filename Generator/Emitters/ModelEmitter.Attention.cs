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

        if (att.Feeds) return; // its backward runs step by step with the decoder's (ModelEmitter.InputFeeding.cs)
        _w.Line("/// <summary>Backward through the attention over every output step: dL/dh̃ (from the head) into dL/dh of the decoder's top layer, dL/dē and the attention's weight gradients.</summary>");
        using (_w.Block("private void RnnBackwardAttention()"))
        {
            long rows = _plan.RowsOut;
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var h = {Slice("a", SeenAbove(top), rows * d)}; // h_t of the decoder's top layer, [OutputSteps, Batch, {d}]");
            _w.Line($"var memory = {Whole("a", att.Memory)}; // ē, [Steps, Batch, {e}]");
            _w.Line($"var weights = {Whole("a", att.Weights)}; // a, [OutputSteps, Batch, Steps]");
            _w.Line($"var context = {Whole("a", att.Context)}; // c_t");
            _w.Line($"var state = {Whole("a", att.Attentional)}; // h̃_t");
            _w.Line($"var du = {Whole("s", att.AttentionalGradient)}; // dL/dh̃, then dL/du");
            _w.Line($"var dh = {Slice("s", C(top.HiddenGradient), rows * d)}; // dL/dh_t of the decoder's top layer");
            _w.Line($"var dc = {Whole("s", att.ContextGradient)}; // dL/dc_t");
            _w.Line($"var da = {Whole("s", att.ScoreGradient)}; // dL/da, then dL/de");
            _w.Line($"var dMemory = {Whole("s", att.MemoryGradient)}; // dL/dē, [Steps, Batch, {e}]");
            _w.Line("var lengths = _rnnLanes.Lengths;");
            string wc = Whole("p", att.OutWeight), wcH = Slice("p", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
            string gwc = Whole("g", att.OutWeight), gwcH = Slice("g", Plus(C(att.OutWeight), N(e)), att.OutWeight.Length - e);
            _w.Line("// du = dh̃⊙(1 − h̃²);  dW_c += duᵀ·[c ; h];  dh = du·W_c[:, E:];  dc = du·W_c[:, :E]");
            _w.Line($"{AttentionKernels}AttentionalState.Backward(state, du);");
            _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(rows)}, du, lda: {N(d)}, context, ldb: {N(e)}, {gwc}, ldc: {N(e + d)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(d)}, k: {N(rows)}, du, lda: {N(d)}, h, ldb: {N(d)}, {gwcH}, ldc: {N(e + d)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(d)}, k: {N(d)}, du, lda: {N(d)}, {wcH}, ldb: {N(e + d)}, dh, ldc: {N(d)}, accumulate: false);");
            _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(e)}, k: {N(d)}, du, lda: {N(d)}, {wc}, ldb: {N(e + d)}, dc, ldc: {N(e)}, accumulate: false);");
            _w.Line("// Per lane over its real source steps: da_t = dc_t·ēᵀ;  dē += aᵀ·dc.");
            _w.Line("dMemory.Clear();");
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NT(m: OutputSteps, n: n, k: {N(e)}, dc.Slice(lane * {N(e)}), lda: Batch * {N(e)}, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, da.Slice(lane * Steps), ldc: Batch * Steps, accumulate: false);");
                _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: OutputSteps, weights.Slice(lane * Steps), lda: Batch * Steps, dc.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
            }
            _w.Line("// de = a⊙(da − Σ_s a_s·da_s) over the real source steps.");
            _w.Line($"{AttentionKernels}MaskedSoftmax.Backward(weights, da, rows: {N(rows)}, Steps, lengths);");
            switch (att.Kind)
            {
                case AttentionKind.Dot:
                    _w.Line("// e_ts = h_t·ē_s:  dh_t += Σ_s de_ts·ē_s;  dē_s += Σ_t de_ts·h_t.");
                    EmitPerLaneScoreGradients("dh", "h", d, accumulate: true);
                    break;
                case AttentionKind.General:
                    _w.Line("// e_ts = q_t·ē_s with q_t = h_t·W_a:  dq_t = Σ_s de_ts·ē_s;  dē_s += Σ_t de_ts·q_t;  dh_t += dq_t·W_aᵀ;  dW_a += hᵀ·dq.");
                    _w.Line($"var q = {Whole("a", att.Query!)};");
                    _w.Line("var dq = dc; // dc is spent");
                    _w.Line("dq.Clear();");
                    EmitPerLaneScoreGradients("dq", "q", e, accumulate: true);
                    _w.Line($"{Kernels}Gemm.NT(m: {N(rows)}, n: {N(d)}, k: {N(e)}, dq, lda: {N(e)}, {Whole("p", att.Weight!)}, ldb: {N(e)}, dh, ldc: {N(d)}, accumulate: true);");
                    _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(rows)}, h, lda: {N(d)}, dq, ldb: {N(e)}, {Whole("g", att.Weight!)}, ldc: {N(e)}, accumulate: true);");
                    break;
                default:
                    _w.Line("// e_ts = v·tanh(q_t + k_s):  dv, dq_t and dk_s from each score's gradient (tanh recomputed); then through q_t = h_t·W_qᵀ + b_q and k_s = ē_s·W_kᵀ.");
                    _w.Line($"var q = {Whole("a", att.Query!)};");
                    _w.Line($"var keys = {Whole("a", att.Keys!)};");
                    _w.Line($"var dq = {Whole("s", att.QueryGradient!)};");
                    _w.Line($"var dk = {Whole("s", att.KeyGradient!)};");
                    _w.Line("dq.Clear();");
                    _w.Line("dk.Clear();");
                    _w.Line($"{AttentionKernels}AdditiveScore.Backward(q, keys, {Whole("p", att.V!)}, da, dq, dk, {Whole("g", att.V!)}, rows: {N(rows)}, Steps, width: {N(d)}, lengths);");
                    _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(d)}, k: {N(rows)}, dq, lda: {N(d)}, h, ldb: {N(d)}, {Whole("g", att.QueryWeight!)}, ldc: {N(d)}, accumulate: true);");
                    _w.Line($"{Kernels}Bias.AccumulateColumnSums(dq, rows: {N(rows)}, n: {N(d)}, ldy: {N(d)}, {Whole("g", att.QueryBias!)});");
                    _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(d)}, k: {N(d)}, dq, lda: {N(d)}, {Whole("p", att.QueryWeight!)}, ldb: {N(d)}, dh, ldc: {N(d)}, accumulate: true);");
                    _w.Line($"{Kernels}Gemm.TN(m: {N(d)}, n: {N(e)}, k: {N(src * b)}, dk, lda: {N(d)}, memory, ldb: {N(e)}, {Whole("g", att.KeyWeight!)}, ldc: {N(e)}, accumulate: true);");
                    _w.Line($"{Kernels}Gemm.NN(m: {N(src * b)}, n: {N(e)}, k: {N(d)}, dk, lda: {N(d)}, {Whole("p", att.KeyWeight!)}, ldb: {N(e)}, dMemory, ldc: {N(e)}, accumulate: true);");
                    break;
            }
        }
        _w.Line();

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

        // dx_t += Σ_s de_ts·ē_s and dē_s += Σ_t de_ts·x_t, per lane.
        void EmitPerLaneScoreGradients(string dx, string x, long width, bool accumulate)
        {
            using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
            {
                _w.Line("int n = lengths[lane];");
                _w.Line("if (n == 0) continue;");
                _w.Line($"{Kernels}Gemm.NN(m: OutputSteps, n: {N(width)}, k: n, da.Slice(lane * Steps), lda: Batch * Steps, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, {dx}.Slice(lane * {N(width)}), ldc: Batch * {N(width)}, accumulate: {Bool(accumulate)});");
                _w.Line($"{Kernels}Gemm.TN(m: n, n: {N(e)}, k: OutputSteps, da.Slice(lane * Steps), lda: Batch * Steps, {x}.Slice(lane * {N(width)}), ldb: Batch * {N(width)}, dMemory.Slice(lane * {N(e)}), ldc: Batch * {N(e)}, accumulate: true);");
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
}
