using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>Steps in the order a direction visits them: 0…T−1 forward, T−1…0 reverse.</summary>
        private static IEnumerable<long> StepOrder(LayerPlan layer, DirectionPlan dir)
        {
            long t = layer.Stack.T;
            for (long i = 0; i < t; i++) yield return dir.Reverse ? t - 1 - i : i;
        }

        /// <summary>The step whose state feeds step t, or null for the first step (which reads the initial state).</summary>
        private static long? PreviousStep(LayerPlan layer, DirectionPlan dir, long t)
        {
            if (dir.Reverse) return t == layer.Stack.T - 1 ? null : t + 1;
            return t == 0 ? null : t - 1;
        }

        /// <summary>Splits a direction's step order into the blocks emitted as one method each.</summary>
        private static List<List<long>> StepBlocks(LayerPlan layer, DirectionPlan dir)
        {
            var blocks = new List<List<long>>();
            foreach (long t in StepOrder(layer, dir))
            {
                if (blocks.Count == 0 || blocks[blocks.Count - 1].Count == ModelPlan.StepsPerMethod) blocks.Add(new List<long>());
                blocks[blocks.Count - 1].Add(t);
            }
            return blocks;
        }

        private static string BlockName(string pass, LayerPlan layer, DirectionPlan dir, List<long> steps) =>
            $"Rnn{pass}{layer.Id}{(dir.Reverse ? "Reverse" : "")}Steps{steps[0]}To{steps[steps.Count - 1]}";

        /// <summary><c>initial-state buffer.Slice(H0…)</c>: h at the start of a direction.</summary>
        private static string InitialH(LayerPlan layer, DirectionPlan dir) => Slice(StateBuffer(layer.Stack), C(dir.H0), dir.H0.Length);

        private static string InitialC(LayerPlan layer, DirectionPlan dir) => Slice(StateBuffer(layer.Stack), C(dir.C0!), dir.C0!.Length);

        // ------------------------------------------------------------------------------------------------ forward

        private void EmitForward()
        {
            _w.Line("/// <summary>The forward pass over the loaded inputs" + (_plan.IsDecoding ? " (teacher forcing)" : "") + ": every layer over all steps, then the head.</summary>");
            _w.Open("private void RnnForwardCore()");
            foreach (StackPlan stack in _plan.Stacks)
            {
                EmitEmbeddingGather(stack, "0", stack.Rows);
                foreach (LayerPlan layer in stack.Layers) _w.Line($"RnnForward{layer.Id}();");
                if (stack.Name == "Encoder")
                {
                    _w.Line("// The decoder starts from the encoder's final state, layer by layer.");
                    _w.Line($"RnnSaveState{stack.Name}({StateBuffer(_plan.Last)});");
                }
            }
            _w.Line("RnnForwardHead(0, OutputSteps);");
            _w.Line($"RnnSaveState{_plan.Last.Name}(_rnnFinalState.Span);");
            _w.Line("_rnnPhase = 1;");
            _w.Close();
            _w.Line();

            foreach (StackPlan stack in _plan.Stacks)
            {
                foreach (LayerPlan layer in stack.Layers)
                {
                    EmitLayerForward(layer);
                    foreach (DirectionPlan dir in layer.Direction)
                        foreach (List<long> block in StepBlocks(layer, dir))
                            EmitForwardBlock(layer, dir, block);
                }
            }
            EmitHeadForward();
            foreach (StackPlan stack in _plan.Stacks)
                if (stack.Name == "Encoder" || stack == _plan.Last) EmitSaveState(stack);
        }

        /// <summary>x_t = E[token_t] for rows [first, first + rows) of a stack with an embedding.</summary>
        private void EmitEmbeddingGather(StackPlan stack, string firstRow, long rows)
        {
            if (stack.Input.EmbeddingTensor is not { } emb) return;
            long e = stack.Input.Width;
            string tokens = firstRow == "0" && rows == stack.Rows
                ? stack.Input.TokenField!
                : $"global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, {firstRow}, {N(rows)})";
            string x = firstRow == "0" && rows == stack.Rows
                ? Slice("_rnnActivations.Span", C(stack.Input.X!), stack.Input.X!.Length)
                : $"_rnnActivations.Span.Slice({C(stack.Input.X!)} + {firstRow} * {N(e)}, {N(rows * e)})";
            _w.Line($"// x_t = {emb.Name}[token_t].");
            _w.Line($"{Inputs}Embedding.Gather({Slice("_rnnParameters.Span", C(emb), emb.Length)}, {N(e)}, {tokens}, {x});");
        }

        /// <summary>The layer's input x: <c>(span, leading dimension)</c> of the [steps·Batch, InWidth] matrix it multiplies.</summary>
        private static (string Span, long Ld) LayerInput(LayerPlan layer)
        {
            if (layer.Index == 0) return (Slice("a", C(layer.Stack.Input.X!), layer.Stack.Input.X!.Length), layer.InWidth);
            LayerPlan below = layer.Stack.Layers[layer.Index - 1];
            return (Slice("a", C(below.Outputs), below.Outputs.Length), below.OutWidth);
        }

        /// <summary>Where a direction's input projection lands: its gate buffer, or (vanilla RNN) the layer output itself.</summary>
        private static (Region Region, long Ld, long Column) ProjectionTarget(LayerPlan layer, DirectionPlan dir) =>
            layer.Cell == CellKind.Rnn ? (layer.Outputs, layer.OutWidth, dir.Reverse ? layer.Hidden : 0) : (dir.Gates!, layer.GateWidth, 0);

        /// <summary>biasSum = b_ih + b_hh (GRU: the n block keeps only b_in, since b_hn sits inside r⊙(·)).</summary>
        private void EmitBiasSum(LayerPlan layer, DirectionPlan dir, string p, string target)
        {
            string bih = Slice(p, C(dir.BiasIh), dir.BiasIh.Length), bhh = Slice(p, C(dir.BiasHh), dir.BiasHh.Length);
            if (layer.Cell == CellKind.Gru)
            {
                long h2 = 2 * layer.Hidden;
                _w.Line($"{Kernels}Bias.Sum({bih}.Slice(0, {N(h2)}), {bhh}.Slice(0, {N(h2)}), {target}.Slice(0, {N(h2)}));");
                _w.Line($"{bih}.Slice({N(h2)}).CopyTo({target}.Slice({N(h2)}));");
            }
            else
            {
                _w.Line($"{Kernels}Bias.Sum({bih}, {bhh}, {target});");
            }
        }

        private void EmitLayerForward(LayerPlan layer)
        {
            StackPlan stack = layer.Stack;
            long rows = stack.Rows;
            _w.Line($"/// <summary>{stack.Name}{(stack.Name.Length > 0 ? " l" : "L")}ayer {layer.Index}: {layer.CellName}, {layer.Hidden} units{(layer.Directions == 2 ? ", bidirectional" : "")}; reads [{stack.StepsName}, Batch, {layer.InWidth}], writes h [{stack.StepsName}, Batch, {layer.OutWidth}].</summary>");
            _w.Open($"private void RnnForward{layer.Id}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            bool oneHot = layer.Index == 0 && stack.Input.Kind == InputKindPlan.OneHot;
            foreach (DirectionPlan dir in layer.Direction)
            {
                string bias = Slice("s", C(dir.BiasSum), dir.BiasSum.Length);
                string wih = Slice("p", C(dir.WeightIh), dir.WeightIh.Length);
                (Region region, long ldTarget, long column) = ProjectionTarget(layer, dir);
                string target = Slice("a", Plus(C(region), N(column)), region.Length - column);
                string what = layer.Cell == CellKind.Rnn ? "pre[t]" : "gates[t]";
                string biasText = layer.Cell == CellKind.Gru ? "b_ih + [b_hr, b_hz, 0]" : "b_ih + b_hh";
                _w.Line($"// Input projection{dir.Describe} for all {stack.T} steps at once ({stack.StepsName}·Batch = {rows} rows):");
                _w.Line($"//   {what} = x_t·W_ihᵀ + {biasText}" + (layer.Cell == CellKind.Gru ? "   (b_hn stays inside r⊙(·))" : ""));
                EmitBiasSum(layer, dir, "p", bias);
                if (oneHot)
                {
                    _w.Line("//   x_t is one-hot, so x_t·W_ihᵀ is row token_t of W_ihᵀ: a gather, no product (W_ih transposed once).");
                    string transposed = Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * layer.GateWidth);
                    _w.Line($"{Kernels}Matrix.Transpose({wih}, {N(layer.GateWidth)}, {N(stack.Input.Ids)}, {transposed});");
                    _w.Line($"{Inputs}OneHot.ProjectRows({transposed}, {N(layer.GateWidth)}, {stack.Input.TokenField}, {bias}, {target}, {N(ldTarget)});");
                }
                else
                {
                    (string x, long ldx) = LayerInput(layer);
                    _w.Line($"{Kernels}Bias.Broadcast({target}, {N(rows)}, {N(layer.GateWidth)}, {N(ldTarget)}, {bias});");
                    _w.Line($"{Kernels}Gemm.NT({N(rows)}, {N(layer.GateWidth)}, {N(layer.InWidth)}, {x}, {N(ldx)}, {wih}, {N(layer.InWidth)}, {target}, {N(ldTarget)}, accumulate: true);");
                }
                if (_plan.PacksRecurrentWeights)
                {
                    _w.Line($"// The recurrence{dir.Describe}, unrolled: {ModelPlan.StepsPerMethod} steps per method. W_hh is packed once for all of them.");
                    _w.Line($"_rnnPacked.PackNT({Slice("p", C(dir.WeightHh), dir.WeightHh.Length)}, {N(layer.GateWidth)}, {N(layer.Hidden)}, {N(layer.Hidden)});");
                }
                else
                {
                    _w.Line($"// The recurrence{dir.Describe}, unrolled: {ModelPlan.StepsPerMethod} steps per method.");
                }
                foreach (List<long> block in StepBlocks(layer, dir)) _w.Line(BlockName("Forward", layer, dir, block) + "();");
            }
            _w.Close();
            _w.Line();
        }

        private void EmitForwardBlock(LayerPlan layer, DirectionPlan dir, List<long> steps)
        {
            long hd = layer.Hidden, ld = layer.OutWidth, col = dir.Reverse ? hd : 0, b = _plan.B;
            bool readsInitial = steps.Any(t => PreviousStep(layer, dir, t) is null);
            _w.Line($"/// <summary>{layer.Stack.Name}{(layer.Stack.Name.Length > 0 ? " l" : "L")}ayer {layer.Index}{dir.Describe}, steps {steps[0]} to {steps[steps.Count - 1]}.</summary>");
            _w.Open($"private void {BlockName("Forward", layer, dir, steps)}()");
            EmitStepLocals(layer, dir, readsInitial, backward: false, packed: _plan.PacksRecurrentWeights);
            foreach (long t in steps)
            {
                long? prev = PreviousStep(layer, dir, t);
                _w.Line($"// t = {t}");
                EmitForwardStep(layer, dir,
                    hPrev: prev is null ? "h0" : StepRows("h", prev.Value, ld, col, hd), ldPrev: prev is null ? hd : ld,
                    cPrev: prev is null ? "c0" : Slice("c", StepOffset(prev.Value, hd), b * hd),
                    gatesT: Slice("gates", StepOffset(t, layer.GateWidth), b * layer.GateWidth),
                    cT: Slice("c", StepOffset(t, hd), b * hd),
                    hnT: Slice("hn", StepOffset(t, hd), b * hd),
                    hT: StepRows("h", t, ld, col, hd),
                    packed: _plan.PacksRecurrentWeights);
            }
            _w.Close();
            _w.Line();
        }

        /// <summary>The spans a block of steps works on, named as in the equations.</summary>
        private void EmitStepLocals(LayerPlan layer, DirectionPlan dir, bool readsInitial, bool backward, bool packed = true)
        {
            long hd = layer.Hidden, b = _plan.B;
            bool readsParameters = !packed || (!backward && layer.Cell == CellKind.Gru);
            if (readsParameters) _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            if (backward) _w.Line("var s = _rnnScratch.Span;");
            if (!packed) _w.Line($"var wHh = {Slice("p", C(dir.WeightHh), dir.WeightHh.Length)};");
            // LSTM backward reads c, not h; every other case reads h (and h0 where a step starts from the initial state).
            bool readsH = !backward || layer.Cell != CellKind.Lstm;
            if (readsH) _w.Line($"var h = {Slice("a", C(layer.Outputs), layer.Outputs.Length)}; // [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            if (backward) _w.Line($"var dh = {Slice("s", C(layer.DeltaIn), layer.Stack.Rows * layer.OutWidth)}; // dL/dh, [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            if (readsInitial && (!backward || layer.Cell == CellKind.Gru)) _w.Line($"var h0 = {InitialH(layer, dir)};");
            switch (layer.Cell)
            {
                case CellKind.Lstm:
                    _w.Line($"var gates = {Slice("a", C(dir.Gates!), dir.Gates!.Length)}; // [{layer.Stack.StepsName}, Batch, 4·{hd}]");
                    _w.Line($"var c = {Slice("a", C(dir.Cell!), dir.Cell!.Length)}; // [{layer.Stack.StepsName}, Batch, {hd}]");
                    if (readsInitial) _w.Line($"var c0 = {InitialC(layer, dir)};");
                    if (backward)
                    {
                        _w.Line($"var dc = {Slice("s", C(_plan.DeltaCell!), b * hd)};");
                        _w.Line("// (i, f, g, o) → (di, df, dg, do) in place; dc ← dc⊙f; then dh_(t-1) += dgates·W_hh");
                    }
                    else
                    {
                        _w.Line("// gates[t] += h_(t-1)·W_hhᵀ; then i, f, o = σ, g = tanh; c_t = f⊙c_(t-1) + i⊙g; h_t = o⊙tanh(c_t)");
                    }
                    break;
                case CellKind.Gru:
                    _w.Line($"var gates = {Slice("a", C(dir.Gates!), dir.Gates!.Length)}; // [{layer.Stack.StepsName}, Batch, 3·{hd}]");
                    _w.Line($"var hn = {Slice("a", C(dir.RecurrentN!), dir.RecurrentN!.Length)}; // [{layer.Stack.StepsName}, Batch, {hd}]");
                    if (backward)
                    {
                        _w.Line("// (r, z, n) → (dr, dz, dn) in place, hn → dn⊙r; dh_(t-1) += dh⊙z + [dr, dz]·W_h(r,z) + (dn⊙r)·W_hn");
                    }
                    else
                    {
                        _w.Line($"var gh = {Slice("_rnnScratch.Span", C(_plan.GruRecurrent!), b * 3 * hd)};");
                        _w.Line($"var bHn = {Slice("p", $"{C(dir.BiasHh)} + {N(2 * hd)}", hd)};");
                        _w.Line("// gh = h_(t-1)·W_hhᵀ; r, z = σ(gates + gh); n = tanh(gates_n + r⊙(gh_n + b_hn)); h_t = (1−z)⊙n + z⊙h_(t-1)");
                    }
                    break;
                default:
                    string act = layer.Spec.Nonlinearity == NonlinearityKind.Relu ? "relu" : "tanh";
                    _w.Line(backward
                        ? $"// dh_t → dpre_t = dh_t⊙{(layer.Spec.Nonlinearity == NonlinearityKind.Relu ? "[h_t > 0]" : "(1 − h_t²)")} in place; dh_(t-1) += dpre_t·W_hh"
                        : $"// h_t = {act}(pre_t + h_(t-1)·W_hhᵀ), in place over the projection pre_t");
                    break;
            }
        }

        /// <summary>One step of one direction: the recurrent product, then the fused cell.</summary>
        private void EmitForwardStep(LayerPlan layer, DirectionPlan dir, string hPrev, long ldPrev, string cPrev, string gatesT, string cT, string hnT, string hT, bool packed = true)
        {
            long hd = layer.Hidden, ld = layer.OutWidth, b = _plan.B, gw = layer.GateWidth;
            // h_(t-1)·W_hhᵀ into c: with the packed W_hh, or reading W_hh as stored.
            string Product(string c, long ldc, bool accumulate) => packed
                ? $"{Kernels}Gemm.NT({N(b)}, {hPrev}, {N(ldPrev)}, _rnnPacked, {c}, {N(ldc)}, accumulate: {(accumulate ? "true" : "false")});"
                : $"{Kernels}Gemm.NT({N(b)}, {N(gw)}, {N(hd)}, {hPrev}, {N(ldPrev)}, wHh, {N(hd)}, {c}, {N(ldc)}, accumulate: {(accumulate ? "true" : "false")});";
            switch (layer.Cell)
            {
                case CellKind.Lstm:
                    _w.Line(Product(gatesT, gw, accumulate: true));
                    _w.Line($"{Cells}LstmCell.Forward({gatesT}, {cPrev}, {cT}, {hT}, {N(ld)}, {N(b)}, {N(hd)});");
                    break;
                case CellKind.Gru:
                    _w.Line(Product("gh", gw, accumulate: false));
                    _w.Line($"{Cells}GruCell.Forward({gatesT}, gh, bHn, {hnT}, {hPrev}, {N(ldPrev)}, {hT}, {N(ld)}, {N(b)}, {N(hd)});");
                    break;
                default:
                    _w.Line(Product(hT, ld, accumulate: true));
                    _w.Line($"{Cells}RnnCell.Forward({hT}, {N(ld)}, {N(b)}, {N(hd)}, global::RnnGen.Nonlinearity.{layer.Spec.Nonlinearity});");
                    break;
            }
        }

        /// <summary>The head's input rows: every step (many-to-many and decoders) or the last step (many-to-one).</summary>
        private (string Span, long Rows) HeadInput(string a)
        {
            LayerPlan top = _plan.Top;
            if (_plan.HeadInputRows is { } gathered)
                return (Slice(a, C(gathered), gathered.Length), _plan.B);
            if (_plan.IsManyToOne)
                return (Slice(a, Plus(C(top.Outputs), StepOffset(top.Stack.T - 1, top.OutWidth)), _plan.B * top.OutWidth), _plan.B);
            return (Slice(a, C(top.Outputs), top.Outputs.Length), _plan.RowsOut);
        }

        private void EmitHeadForward()
        {
            long c = _plan.OutputSize, hd = _plan.HeadInputWidth, b = _plan.B;
            (string x, long _) = HeadInput("a");
            _w.Line("/// <summary>The head on output steps [first, first + count): z = h·W_headᵀ + b_head, then the output activation.</summary>");
            _w.Open("private void RnnForwardHead(int first, int count)");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            if (_plan.HeadInputRows is { } gathered)
            {
                LayerPlan top = _plan.Top;
                long h = top.Hidden, ld = top.OutWidth;
                _w.Line("// The head reads the forward direction after its last step (t = T−1) and the reverse direction after its last (t = 0).");
                _w.Line($"{Kernels}Matrix.CopyRows({Slice("a", Plus(C(top.Outputs), StepOffset(top.Stack.T - 1, ld)), (b - 1) * ld + h)}, {N(ld)}, {Slice("a", C(gathered), gathered.Length)}, {N(ld)}, {N(b)}, {N(h)});");
                _w.Line($"{Kernels}Matrix.CopyRows({Slice("a", Plus(C(top.Outputs), N(h)), (b - 1) * ld + h)}, {N(ld)}, {Slice("a", Plus(C(gathered), N(h)), gathered.Length - h)}, {N(ld)}, {N(b)}, {N(h)});");
            }
            _w.Line($"int rows = count * Batch, row = first * Batch;");
            _w.Line($"var x = {x}.Slice(row * {N(hd)}, rows * {N(hd)});");
            string output = $"a.Slice({C(_plan.OutputValues)} + row * {N(c)}, rows * {N(c)})";
            string z = _plan.Logits is { } logits ? $"a.Slice({C(logits)} + row * {N(c)}, rows * {N(c)})" : output;
            _w.Line($"var z = {z};");
            _w.Line($"{Kernels}Bias.Broadcast(z, rows, {N(c)}, {N(c)}, {Slice("p", C(_plan.HeadBias), c)});");
            _w.Line($"{Kernels}Gemm.NT(rows, {N(c)}, {N(hd)}, x, {N(hd)}, {Slice("p", C(_plan.HeadWeight), _plan.HeadWeight.Length)}, {N(hd)}, z, {N(c)}, accumulate: true);");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    _w.Line("// p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.");
                    _w.Line($"{Losses}Softmax.Rows(z, rows, {N(c)}, a.Slice({C(_plan.LogSumExp!)} + row, rows));");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// y = σ(z); the logits stay for a stable loss.");
                    _w.Line($"{Losses}BinaryCrossEntropy.Sigmoid(z, {output}, rows * {N(c)});");
                    break;
                default:
                    _w.Line("// y = z (no activation).");
                    break;
            }
            _w.Close();
            _w.Line();
        }

        /// <summary>Copies a stack's state after its last step (per direction) into a state-layout span.</summary>
        private void EmitSaveState(StackPlan stack)
        {
            _w.Line($"/// <summary>h (and c) of every {stack.Describe}layer after the last step each direction takes, in the layout of InitialState.</summary>");
            _w.Open($"private void RnnSaveState{stack.Name}({Span} destination)");
            _w.Line("var a = _rnnActivations.Span;");
            foreach (LayerPlan layer in stack.Layers)
            {
                foreach (DirectionPlan dir in layer.Direction)
                {
                    long last = dir.Reverse ? 0 : stack.T - 1;
                    long col = dir.Reverse ? layer.Hidden : 0;
                    string hLast = Slice("a", Plus(C(layer.Outputs), StepOffset(last, layer.OutWidth, col)), (_plan.B - 1) * layer.OutWidth + layer.Hidden);
                    _w.Line($"{Kernels}Matrix.CopyRows({hLast}, {N(layer.OutWidth)}, {Slice("destination", C(dir.H0), dir.H0.Length)}, {N(layer.Hidden)}, {N(_plan.B)}, {N(layer.Hidden)});");
                    if (dir.Cell is { } cell)
                        _w.Line($"{Slice("a", Plus(C(cell), StepOffset(last, layer.Hidden)), _plan.B * layer.Hidden)}.CopyTo({Slice("destination", C(dir.C0!), dir.C0!.Length)});");
                }
            }
            _w.Close();
            _w.Line();
        }
    }
}
