using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal sealed partial class Emitter
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
            string signature = GeneratesTokens ? $"private void RnnDecode({_e} temperature, global::RnnGen.Randomness.Xoshiro256StarStar? random)" : "private void RnnDecode()";
            _w.Line("/// <summary>Free-running inference: every step reads the previous step's " + (GeneratesTokens ? "chosen token" : "output") + ".</summary>");
            _w.Open(signature);
            if (_plan.IsEncoderDecoder)
            {
                StackPlan encoder = _plan.First;
                _w.Line("// The encoder reads the whole input at once, as in training.");
                EmitEmbeddingGather(encoder, "0", encoder.Rows);
                foreach (LayerPlan layer in encoder.Layers) _w.Line($"RnnForward{layer.Id}();");
                _w.Line($"RnnSaveState{encoder.Name}({StateBuffer(stack)});");
                if (stack.Input.Kind == InputKindPlan.Vector)
                    _w.Line($"{Slice("_rnnActivations.Span", C(stack.Input.X!), _plan.B * stack.Input.Width)}.Clear(); // x_0 = 0");
                else
                    _w.Line($"global::System.Array.Fill({stack.Input.TokenField}, StartToken, 0, Batch);");
            }
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("// b_ih + b_hh, folded once for all steps.");
            foreach (LayerPlan layer in stack.Layers)
                foreach (DirectionPlan dir in layer.Direction)
                    EmitBiasSum(layer, dir, "p", Slice("s", C(dir.BiasSum), dir.BiasSum.Length));
            if (stack.Input.Kind == InputKindPlan.OneHot)
            {
                LayerPlan first = stack.Layers[0];
                _w.Line("// W_ih transposed once: each step's one-hot projection is a row of W_ihᵀ.");
                _w.Line($"{Kernels}Matrix.Transpose({Slice("p", C(first.Direction[0].WeightIh), first.Direction[0].WeightIh.Length)}, {N(first.GateWidth)}, {N(stack.Input.Ids)}, {Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * first.GateWidth)});");
            }
            _w.Open("for (int t = 0; t < OutputSteps; t++)");
            foreach (LayerPlan layer in stack.Layers) _w.Line($"RnnDecode{layer.Id}(t);");
            _w.Line("RnnForwardHead(t, 1);");
            long c = _plan.OutputSize, b = _plan.B;
            if (GeneratesTokens)
            {
                _w.Line("// The chosen token is this step's prediction and the next step's input.");
                _w.Line("var probabilities = Output.Slice(t * Batch * OutputSize, Batch * OutputSize);");
                _w.Open("for (int lane = 0; lane < Batch; lane++)");
                _w.Line("var row = probabilities.Slice(lane * OutputSize, OutputSize);");
                _w.Line("int token = random is null || temperature == 0 ? global::RnnGen.Inference.Sampling.ArgMax(row) : global::RnnGen.Inference.Sampling.Sample(row, temperature, random);");
                _w.Line("_rnnGenerated[t * Batch + lane] = token;");
                _w.Line($"if (t + 1 < OutputSteps) {stack.Input.TokenField}[(t + 1) * Batch + lane] = token;");
                _w.Close();
            }
            else
            {
                _w.Line("// The output is the next step's input.");
                _w.Line($"if (t + 1 < OutputSteps) Output.Slice(t * Batch * OutputSize, Batch * OutputSize).CopyTo(_rnnActivations.Span.Slice({C(stack.Input.X!)} + (t + 1) * {N(b * c)}, {N(b * c)}));");
            }
            _w.Close();
            _w.Line($"RnnSaveState{stack.Name}(_rnnFinalState.Span);");
            _w.Line("_rnnPhase = 1;");
            _w.Close();
            _w.Line();

            foreach (LayerPlan layer in stack.Layers) EmitDecodeLayerStep(layer);
        }

        /// <summary>One layer at one step t (known at run time): its input projection for the Batch rows of t, then the recurrence.</summary>
        private void EmitDecodeLayerStep(LayerPlan layer)
        {
            StackPlan stack = layer.Stack;
            DirectionPlan dir = layer.Direction[0];
            long hd = layer.Hidden, b = _plan.B, gw = layer.GateWidth, ld = layer.OutWidth;
            _w.Line($"/// <summary>{stack.Name}{(stack.Name.Length > 0 ? " l" : "L")}ayer {layer.Index} at step t of free-running inference.</summary>");
            _w.Open($"private void RnnDecode{layer.Id}(int t)");
            // Every layer advances one step at a time here, so W_hh is read as stored (one packed copy serves one layer).
            EmitStepLocals(layer, dir, readsInitial: true, backward: false, packed: false);
            _w.Line("var s = _rnnScratch.Span;");
            (Region region, long ldTarget, long _) = ProjectionTarget(layer, dir);
            long targetWidth = layer.Cell == CellKind.Rnn ? ld : gw;
            string target = $"a.Slice({C(region)} + t * {N(b * targetWidth)}, {N((b - 1) * ldTarget + gw)})";
            string bias = Slice("s", C(dir.BiasSum), dir.BiasSum.Length);
            string wih = Slice("p", C(dir.WeightIh), dir.WeightIh.Length);
            _w.Line("// x_t·W_ihᵀ + biases for the rows of step t.");
            if (layer.Index == 0 && stack.Input.Kind == InputKindPlan.OneHot)
            {
                _w.Line($"{Inputs}OneHot.ProjectRows({Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * gw)}, {N(gw)}, global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, t * Batch, Batch), {bias}, {target}, {N(ldTarget)});");
            }
            else
            {
                if (layer.Index == 0) EmitEmbeddingGather(stack, "t * Batch", b);
                string x;
                long ldx;
                if (layer.Index == 0)
                {
                    x = $"a.Slice({C(stack.Input.X!)} + t * {N(b * layer.InWidth)}, {N(b * layer.InWidth)})";
                    ldx = layer.InWidth;
                }
                else
                {
                    LayerPlan below = stack.Layers[layer.Index - 1];
                    x = $"a.Slice({C(below.Outputs)} + t * {N(b * below.OutWidth)}, {N(b * below.OutWidth)})";
                    ldx = below.OutWidth;
                }
                _w.Line($"{Kernels}Bias.Broadcast({target}, {N(b)}, {N(gw)}, {N(ldTarget)}, {bias});");
                _w.Line($"{Kernels}Gemm.NT({N(b)}, {N(gw)}, {N(layer.InWidth)}, {x}, {N(ldx)}, {wih}, {N(layer.InWidth)}, {target}, {N(ldTarget)}, accumulate: true);");
            }
            _w.Line("// The recurrence at step t (h_(t-1) is h0 at t = 0).");
            _w.Line($"var hPrev = t == 0 ? h0 : h.Slice((t - 1) * {N(b * hd)}, {N(b * hd)});");
            if (layer.Cell == CellKind.Lstm) _w.Line($"var cPrev = t == 0 ? c0 : c.Slice((t - 1) * {N(b * hd)}, {N(b * hd)});");
            EmitForwardStep(layer, dir, "hPrev", hd, "cPrev",
                gatesT: $"gates.Slice(t * {N(b * gw)}, {N(b * gw)})",
                cT: $"c.Slice(t * {N(b * hd)}, {N(b * hd)})",
                hnT: $"hn.Slice(t * {N(b * hd)}, {N(b * hd)})",
                hT: $"h.Slice(t * {N(b * hd)}, {N(b * hd)})",
                packed: false);
            _w.Close();
            _w.Line();
        }
    }
}
