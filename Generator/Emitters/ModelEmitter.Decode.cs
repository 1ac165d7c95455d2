using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    /// <summary>
    /// Inference for one-to-many and encoder–decoder models: the recurrence runs step-major (all layers of step t, the
    /// head of step t, then the choice that becomes step t + 1's input), so it is a loop over t rather than unrolled.
    /// It writes the same activation buffers as the teacher-forced pass, so Loss and Backward still apply.
    /// </summary>
    private void EmitDecode()
    {
        if (!_plan.IsDecoding) return;
        StackPlan stack = _plan.Last;
        string signature = GeneratesTokens ? $"private void RnnDecode({_e} temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random, int topK, {_e} topP)" : "private void RnnDecode()";
        _w.Line("/// <summary>Free-running inference: every step reads the previous step's " + (GeneratesTokens ? "chosen token" : "output") + ".</summary>");
        using (_w.Block(signature))
        {
            EmitDecodeDropsNothing();
            if (_plan.IsEncoderDecoder)
            {
                StackPlan encoder = _plan.First;
                _w.Line("// The encoder reads the whole input at once, as in training.");
                EmitEmbeddingGather(encoder, "0", encoder.Rows);
                foreach (LayerPlan layer in encoder.Layers) _w.Line($"RnnForward{layer.Id}();");
                EmitEncoderToDecoder();
                EmitDecoderStart(stack);
            }
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("// b_ih + b_hh, folded once for all steps.");
            foreach (LayerPlan layer in stack.Layers)
                foreach (DirectionPlan dir in layer.Direction)
                    CellEmitter.For(layer).EmitBiasSum(_w, dir, "p", "s", C(dir.BiasSum));
            if (stack.Layers[0].ReadsOneHot)
            {
                _w.Line("// W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.");
                EmitOneHotTranspose(stack.Layers[0], stack.Layers[0].Direction[0]);
            }
            if (GeneratesTokens) _w.Line("global::System.Array.Fill(_rnnGeneratedLengths, OutputSteps);");
            using (_w.Block("for (int t = 0; t < OutputSteps; t++)"))
            {
                foreach (LayerPlan layer in stack.Layers) _w.Line($"RnnDecode{layer.Id}(t);");
                if (_plan.Attention is not null) _w.Line("RnnForwardAttention(first: t, count: 1);");
                _w.Line("RnnForwardHead(first: t, count: 1);");
                long c = _plan.OutputSize, b = _plan.B;
                if (GeneratesTokens)
                {
                    _w.Line("// The chosen token is this step's prediction and the next step's input.");
                    _w.Line("var probabilities = Output.Slice(t * Batch * OutputSize, Batch * OutputSize);");
                    using (_w.Block("for (int lane = 0; lane < Batch; lane++)"))
                    {
                        _w.Line("var row = probabilities.Slice(lane * OutputSize, OutputSize);");
                        if (_spec.EndToken >= 0)
                        {
                            _w.Line("// A lane that has chosen the end token has ended: it repeats it (its state still advances; its tokens no longer change).");
                            _w.Line("// It still draws, so the other lanes' draws do not depend on when it ended.");
                            _w.Line("int choice = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random, topK, topP);");
                            _w.Line("int token = t >= _rnnGeneratedLengths[lane] ? EndToken : choice;");
                            _w.Line("if (token == EndToken && t < _rnnGeneratedLengths[lane]) _rnnGeneratedLengths[lane] = t + 1;");
                        }
                        else
                        {
                            _w.Line("int token = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random, topK, topP);");
                        }
                        _w.Line("_rnnGenerated[t * Batch + lane] = token;");
                        _w.Line($"if (t + 1 < OutputSteps) {stack.Input.TokenField}[(t + 1) * Batch + lane] = token;");
                    }
                }
                else
                {
                    _w.Line("// The output is the next step's input.");
                    _w.Line($"if (t + 1 < OutputSteps) Output.Slice(t * Batch * OutputSize, Batch * OutputSize).CopyTo(_rnnActivations.Span.Slice({C(stack.Input.X!)} + (t + 1) * {N(b * c)}, {N(b * c)}));");
                }
            }
            _w.Line($"RnnSaveState{stack.Name}(_rnnFinalState.Span);");
            _w.Line("_rnnPhase = 1;");
            EmitReducedPassRecord();
            EmitLogitsStale();
        }
        _w.Line();

        foreach (LayerPlan layer in stack.Layers) EmitDecodeLayerStep(layer);
    }

    /// <summary>One layer at one step t (known at run time): its input projection for the Batch rows of t, then the recurrence.</summary>
    private void EmitDecodeLayerStep(LayerPlan layer)
    {
        StackPlan stack = layer.Stack;
        CellEmitter cell = CellEmitter.For(layer);
        DirectionPlan dir = layer.Direction[0];
        // hw: the width of h (P when projected); hd: the width of c and of each gate block.
        long hd = layer.Hidden, hw = layer.StateWidth, b = _plan.B, gw = layer.GateWidth;
        _w.Line($"/// <summary>{layer.Title} at step t of free-running inference.</summary>");
        using (_w.Block($"private void RnnDecode{layer.Id}(int t)"))
        {
            // Every layer advances one step at a time here, so W_hh is read as stored (one packed copy serves one layer).
            EmitForwardLocals(layer, dir, readsInitial: true, packed: false, dropping: false);
            _w.Line("var s = _rnnScratch.Span;");
            (Region region, long ldTarget, long _) = cell.ProjectionTarget(layer, dir);
            string target = $"a.Slice({C(region)} + t * {N(b * ldTarget)}, {N((b - 1) * ldTarget + gw)})";
            string bias = Whole("s", dir.BiasSum);
            _w.Line("// x_t·W_ihᵀ + biases for the rows of step t.");
            if (layer.ReadsOneHot)
            {
                _w.Line($"{Inputs}OneHot.ProjectRows({Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * gw)}, n: {N(gw)}, global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, t * Batch, Batch), {bias}, {target}, ldc: {N(ldTarget)});");
            }
            else
            {
                if (layer.Index == 0) EmitEmbeddingGather(stack, "t * Batch", b);
                (Region xRegion, long ldx) = layer.Below is { } below ? (below.Outputs, below.OutWidth) : (stack.Input.X!, layer.InWidth);
                string x = $"a.Slice({C(xRegion)} + t * {N(b * ldx)}, {N(b * ldx)})";
                _w.Line($"{Kernels}Bias.Broadcast({target}, rows: {N(b)}, n: {N(gw)}, ldc: {N(ldTarget)}, {bias});");
                _w.Line($"{Kernels}Gemm.NT(m: {N(b)}, n: {N(gw)}, k: {N(layer.InWidth)}, {x}, lda: {N(ldx)}, {Whole("p", dir.WeightIh)}, ldb: {N(layer.InWidth)}, {target}, ldc: {N(ldTarget)}, accumulate: true);");
            }
            if (layer.Index == 0 && FedDecoder(stack))
            {
                AttentionPlan att = _plan.Attention!;
                _w.Line("// Input feeding: x'_t = [x_t ; h̃_(t-1)], so the gates also take h̃_(t-1)·W_fᵀ (h̃_(-1) = 0).");
                _w.Line($"if (t > 0) {Kernels}Gemm.NT(m: {N(b)}, n: {N(gw)}, k: {N(att.D)}, a.Slice({C(att.Attentional)} + (t - 1) * {N(b * att.D)}, {N(b * att.D)}), lda: {N(att.D)}, {Whole("p", att.FeedWeight!)}, ldb: {N(att.D)}, {target}, ldc: {N(ldTarget)}, accumulate: true);");
            }
            _w.Line("// The recurrence at step t (h_(t-1) is h0 at t = 0).");
            _w.Line($"var hPrev = t == 0 ? h0 : h.Slice((t - 1) * {N(b * hw)}, {N(b * hw)});");
            if (dir.Cell is not null) _w.Line($"var cPrev = t == 0 ? c0 : c.Slice((t - 1) * {N(b * hd)}, {N(b * hd)});");
            cell.EmitForwardStep(this, layer, new StepSpans(
                Rows: N(b), HPrev: "hPrev", LdPrev: hw, CPrev: "cPrev",
                Gates: $"gates.Slice(t * {N(b * gw)}, {N(b * gw)})",
                Cell: $"c.Slice(t * {N(b * hd)}, {N(b * hd)})",
                RecurrentN: $"hn.Slice(t * {N(b * hd)}, {N(b * hd)})",
                H: $"h.Slice(t * {N(b * hw)}, {N(b * hw)})", Ld: hw,
                Packed: false) { Unprojected = layer.IsProjected ? $"mt.Slice(t * {N(b * hd)}, {N(b * hd)})" : null, ReducedMatrix = ReducedMatrixOf(dir) });
        }
        _w.Line();
    }
}
