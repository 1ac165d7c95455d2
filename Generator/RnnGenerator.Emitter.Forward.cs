using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>Steps in the order a direction visits them: 0…T−1 forward, T−1…0 reverse.</summary>
        private IEnumerable<long> StepOrder(DirectionPlan dir)
        {
            for (long i = 0; i < _plan.T; i++) yield return dir.Reverse ? _plan.T - 1 - i : i;
        }

        /// <summary>The step whose state feeds step t, or null for the first step (which reads the initial state).</summary>
        private long? PreviousStep(DirectionPlan dir, long t)
        {
            if (dir.Reverse) return t == _plan.T - 1 ? null : t + 1;
            return t == 0 ? null : t - 1;
        }

        /// <summary>Splits a direction's step order into the blocks emitted as one method each.</summary>
        private List<List<long>> StepBlocks(DirectionPlan dir)
        {
            var blocks = new List<List<long>>();
            foreach (long t in StepOrder(dir))
            {
                if (blocks.Count == 0 || blocks[blocks.Count - 1].Count == ModelPlan.StepsPerMethod) blocks.Add(new List<long>());
                blocks[blocks.Count - 1].Add(t);
            }
            return blocks;
        }

        private static string BlockName(string pass, LayerPlan layer, DirectionPlan dir, List<long> steps) =>
            $"{pass}L{layer.Index}{(dir.Reverse ? "Reverse" : "")}Steps{steps[0]}To{steps[steps.Count - 1]}";

        // ------------------------------------------------------------------------------------------------ forward

        private void EmitForward()
        {
            _w.Line("private void ForwardCore()");
            _w.Open();
            if (_plan.IsEmbedding)
            {
                _w.Line("// x_t = embedding.weight[token_t] for every step at once.");
                _w.Line($"{Inputs}Embedding.Gather({Slice("_rnnParameters.Span", _plan.Embedding!.Const, _plan.Embedding.Length)}, {_spec.Input.Embedding}, _rnnTokens, {Slice("_rnnActivations.Span", _plan.InputX!.Const, _plan.InputX.Length)});");
            }
            foreach (LayerPlan layer in _plan.Layers) _w.Line($"ForwardL{layer.Index}();");
            _w.Line("ForwardHead();");
            _w.Line("SaveFinalState();");
            _w.Line("_rnnPhase = 1;");
            _w.Close();
            _w.Line();

            foreach (LayerPlan layer in _plan.Layers)
            {
                EmitLayerForward(layer);
                foreach (DirectionPlan dir in layer.Direction)
                    foreach (List<long> block in StepBlocks(dir))
                        EmitForwardBlock(layer, dir, block);
            }
            EmitHeadForward();
            EmitSaveFinalState();
        }

        /// <summary>The layer's input x: <c>(span, leading dimension)</c> of the [Steps·Batch, InWidth] matrix it multiplies.</summary>
        private (string Span, long Ld) LayerInput(LayerPlan layer)
        {
            if (layer.Index == 0) return (Slice("a", _plan.InputX!.Const, _plan.InputX.Length), _plan.InputWidth);
            LayerPlan below = _plan.Layers[layer.Index - 1];
            return (Slice("a", below.Outputs.Const, below.Outputs.Length), below.OutWidth);
        }

        private void EmitLayerForward(LayerPlan layer)
        {
            long rows = _plan.RowsIn;
            _w.Line($"/// <summary>Layer {layer.Index}: {layer.CellName}, {layer.Hidden} units{(layer.Directions == 2 ? ", bidirectional" : "")}; reads [Steps, Batch, {layer.InWidth}], writes h [Steps, Batch, {layer.OutWidth}].</summary>");
            _w.Open($"private void ForwardL{layer.Index}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            bool oneHot = layer.Index == 0 && _plan.IsOneHot;
            foreach (DirectionPlan dir in layer.Direction)
            {
                string bih = Slice("p", dir.BiasIh.Const, dir.BiasIh.Length);
                string bhh = Slice("p", dir.BiasHh.Const, dir.BiasHh.Length);
                string bias = Slice("s", dir.BiasSum.Const, dir.BiasSum.Length);
                string wih = Slice("p", dir.WeightIh.Const, dir.WeightIh.Length);
                // Where the projection lands: the gate buffer, or (vanilla RNN) the layer output itself, activated in place per step.
                string target;
                long ldTarget;
                if (layer.Cell == CellKind.Rnn)
                {
                    target = Slice("a", Plus(layer.Outputs.Const, dir.Reverse ? N(layer.Hidden) : "0"), layer.Outputs.Length - (dir.Reverse ? layer.Hidden : 0));
                    ldTarget = layer.OutWidth;
                }
                else
                {
                    target = Slice("a", dir.Gates!.Const, dir.Gates.Length);
                    ldTarget = layer.GateWidth;
                }

                string what = layer.Cell switch { CellKind.Lstm => "gates[t]", CellKind.Gru => "gates[t]", _ => "pre[t]" };
                string biasText = layer.Cell == CellKind.Gru ? "b_ih + [b_hr, b_hz, 0]" : "b_ih + b_hh";
                _w.Line($"// Input projection{dir.Describe} for all {_plan.T} steps at once (Steps·Batch = {rows} rows):");
                _w.Line($"//   {what} = x_t·W_ihᵀ + {biasText}" + (layer.Cell == CellKind.Gru ? "   (b_hn stays inside r⊙(·))" : ""));
                if (layer.Cell == CellKind.Gru)
                {
                    long h2 = 2 * layer.Hidden;
                    _w.Line($"{Kernels}Bias.Sum({bih}.Slice(0, {N(h2)}), {bhh}.Slice(0, {N(h2)}), {bias}.Slice(0, {N(h2)}));");
                    _w.Line($"{bih}.Slice({N(h2)}).CopyTo({bias}.Slice({N(h2)}));");
                }
                else
                {
                    _w.Line($"{Kernels}Bias.Sum({bih}, {bhh}, {bias});");
                }
                if (oneHot)
                {
                    _w.Line($"//   x_t is one-hot, so x_t·W_ihᵀ is column token_t of W_ih: a gather, no product.");
                    _w.Line($"{Inputs}OneHot.Project({wih}, {N(layer.GateWidth)}, InputSize, _rnnTokens, {bias}, {target}, {N(ldTarget)});");
                }
                else
                {
                    (string x, long ldx) = LayerInput(layer);
                    _w.Line($"{Kernels}Bias.Broadcast({target}, {N(rows)}, {N(layer.GateWidth)}, {N(ldTarget)}, {bias});");
                    _w.Line($"{Kernels}Gemm.NT({N(rows)}, {N(layer.GateWidth)}, {N(layer.InWidth)}, {x}, {N(ldx)}, {wih}, {N(layer.InWidth)}, {target}, {N(ldTarget)}, accumulate: true);");
                }
                _w.Line($"// The recurrence{dir.Describe}, unrolled: {ModelPlan.StepsPerMethod} steps per method.");
                foreach (List<long> block in StepBlocks(dir)) _w.Line(BlockName("Forward", layer, dir, block) + "();");
            }
            _w.Close();
            _w.Line();
        }

        private void EmitForwardBlock(LayerPlan layer, DirectionPlan dir, List<long> steps)
        {
            long hd = layer.Hidden, ld = layer.OutWidth, col = dir.Reverse ? hd : 0, b = _plan.B;
            _w.Line($"/// <summary>Layer {layer.Index}{dir.Describe}, steps {steps[0]} to {steps[steps.Count - 1]}.</summary>");
            _w.Open($"private void {BlockName("Forward", layer, dir, steps)}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line($"var wHh = {Slice("p", dir.WeightHh.Const, dir.WeightHh.Length)};");
            _w.Line($"var h = {Slice("a", layer.Outputs.Const, layer.Outputs.Length)}; // [Steps, Batch, {ld}]");
            if (steps.Any(t => PreviousStep(dir, t) is null))
                _w.Line($"var h0 = {Slice("_rnnInitialState.Span", dir.H0.Const, dir.H0.Length)};");
            switch (layer.Cell)
            {
                case CellKind.Lstm:
                    _w.Line($"var gates = {Slice("a", dir.Gates!.Const, dir.Gates.Length)}; // [Steps, Batch, 4·{hd}]");
                    _w.Line($"var c = {Slice("a", dir.Cell!.Const, dir.Cell.Length)}; // [Steps, Batch, {hd}]");
                    if (steps.Any(t => PreviousStep(dir, t) is null))
                        _w.Line($"var c0 = {Slice("_rnnInitialState.Span", dir.C0!.Const, dir.C0.Length)};");
                    _w.Line("// gates[t] += h_(t-1)·W_hhᵀ; then i, f, o = σ, g = tanh; c_t = f⊙c_(t-1) + i⊙g; h_t = o⊙tanh(c_t)");
                    break;
                case CellKind.Gru:
                    _w.Line($"var gates = {Slice("a", dir.Gates!.Const, dir.Gates.Length)}; // [Steps, Batch, 3·{hd}]");
                    _w.Line($"var hn = {Slice("a", dir.RecurrentN!.Const, dir.RecurrentN.Length)}; // [Steps, Batch, {hd}]");
                    _w.Line($"var gh = {Slice("_rnnScratch.Span", _plan.GruRecurrent!.Const, b * 3 * hd)};");
                    _w.Line($"var bHn = {Slice("p", $"{dir.BiasHh.Const} + {N(2 * hd)}", hd)};");
                    _w.Line("// gh = h_(t-1)·W_hhᵀ; r, z = σ(gates + gh); n = tanh(gates_n + r⊙(gh_n + b_hn)); h_t = (1−z)⊙n + z⊙h_(t-1)");
                    break;
                default:
                    _w.Line($"// h_t = {(layer.Spec.Nonlinearity == NonlinearityKind.Relu ? "relu" : "tanh")}(pre_t + h_(t-1)·W_hhᵀ), in place over the projection pre_t");
                    break;
            }

            foreach (long t in steps)
            {
                long? prev = PreviousStep(dir, t);
                string hPrev = prev is null ? "h0" : StepRows("h", prev.Value, ld, col, hd);
                long ldPrev = prev is null ? hd : ld;
                string hT = StepRows("h", t, ld, col, hd);
                _w.Line($"// t = {t}");
                switch (layer.Cell)
                {
                    case CellKind.Lstm:
                    {
                        string g = Slice("gates", StepOffset(t, layer.GateWidth), b * layer.GateWidth);
                        string cPrev = prev is null ? "c0" : Slice("c", StepOffset(prev.Value, hd), b * hd);
                        string cT = Slice("c", StepOffset(t, hd), b * hd);
                        _w.Line($"{Kernels}Gemm.NT({N(b)}, {N(layer.GateWidth)}, {N(hd)}, {hPrev}, {N(ldPrev)}, wHh, {N(hd)}, {g}, {N(layer.GateWidth)}, accumulate: true);");
                        _w.Line($"{Cells}LstmCell.Forward({g}, {cPrev}, {cT}, {hT}, {N(ld)}, {N(b)}, {N(hd)});");
                        break;
                    }
                    case CellKind.Gru:
                    {
                        string g = Slice("gates", StepOffset(t, layer.GateWidth), b * layer.GateWidth);
                        string hnT = Slice("hn", StepOffset(t, hd), b * hd);
                        _w.Line($"{Kernels}Gemm.NT({N(b)}, {N(layer.GateWidth)}, {N(hd)}, {hPrev}, {N(ldPrev)}, wHh, {N(hd)}, gh, {N(layer.GateWidth)}, accumulate: false);");
                        _w.Line($"{Cells}GruCell.Forward({g}, gh, bHn, {hnT}, {hPrev}, {N(ldPrev)}, {hT}, {N(ld)}, {N(b)}, {N(hd)});");
                        break;
                    }
                    default:
                        _w.Line($"{Kernels}Gemm.NT({N(b)}, {N(hd)}, {N(hd)}, {hPrev}, {N(ldPrev)}, wHh, {N(hd)}, {hT}, {N(ld)}, accumulate: true);");
                        _w.Line($"{Cells}RnnCell.Forward({hT}, {N(ld)}, {N(b)}, {N(hd)}, global::RnnGen.Nonlinearity.{layer.Spec.Nonlinearity});");
                        break;
                }
            }
            _w.Close();
            _w.Line();
        }

        /// <summary>The head's input rows: every step (many-to-many) or the last step (many-to-one).</summary>
        private (string Span, long Rows) HeadInput(string a)
        {
            LayerPlan top = _plan.Top;
            if (_plan.HeadInputRows is { } gathered)
                return (Slice(a, gathered.Const, gathered.Length), _plan.B);
            if (_plan.IsManyToOne)
                return (Slice(a, Plus(top.Outputs.Const, StepOffset(_plan.T - 1, top.OutWidth)), _plan.B * top.OutWidth), _plan.B);
            return (Slice(a, top.Outputs.Const, top.Outputs.Length), _plan.RowsIn);
        }

        private void EmitHeadForward()
        {
            long c = _plan.OutputSize, hd = _plan.HeadInputWidth;
            (string x, long rows) = HeadInput("a");
            _w.Line("/// <summary>The head: z = h·W_headᵀ + b_head on " + (_plan.IsManyToOne ? "the last step" : "every step") + ", then the output activation.</summary>");
            _w.Open("private void ForwardHead()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            if (_plan.HeadInputRows is { } gathered)
            {
                LayerPlan top = _plan.Top;
                long h = top.Hidden, ld = top.OutWidth;
                _w.Line("// The head reads the forward direction after its last step (t = T−1) and the reverse direction after its last (t = 0).");
                _w.Line($"{Kernels}Matrix.CopyRows({Slice("a", Plus(top.Outputs.Const, StepOffset(_plan.T - 1, ld)), (_plan.B - 1) * ld + h)}, {N(ld)}, {Slice("a", gathered.Const, gathered.Length)}, {N(ld)}, {N(_plan.B)}, {N(h)});");
                _w.Line($"{Kernels}Matrix.CopyRows({Slice("a", Plus(top.Outputs.Const, N(h)), (_plan.B - 1) * ld + h)}, {N(ld)}, {Slice("a", Plus(gathered.Const, N(h)), gathered.Length - h)}, {N(ld)}, {N(_plan.B)}, {N(h)});");
            }
            string output = Slice("a", _plan.OutputValues.Const, _plan.OutputValues.Length);
            string z = _plan.Logits is { } logits ? Slice("a", logits.Const, logits.Length) : output;
            _w.Line($"var z = {z};");
            _w.Line($"{Kernels}Bias.Broadcast(z, {N(rows)}, {N(c)}, {N(c)}, {Slice("p", _plan.HeadBias.Const, c)});");
            _w.Line($"{Kernels}Gemm.NT({N(rows)}, {N(c)}, {N(hd)}, {x}, {N(hd)}, {Slice("p", _plan.HeadWeight.Const, _plan.HeadWeight.Length)}, {N(hd)}, z, {N(c)}, accumulate: true);");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    _w.Line("// p = softmax(z) in place; log Σ exp(z) kept per row for an exact loss.");
                    _w.Line($"{Losses}Softmax.Rows(z, {N(rows)}, {N(c)}, {Slice("a", _plan.LogSumExp!.Const, _plan.LogSumExp.Length)});");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// y = σ(z); the logits stay for a stable loss.");
                    _w.Line($"{Losses}BinaryCrossEntropy.Sigmoid(z, {output}, {N(rows * c)});");
                    break;
                default:
                    _w.Line("// y = z (no activation).");
                    break;
            }
            _w.Close();
            _w.Line();
        }

        private void EmitSaveFinalState()
        {
            _w.Line("/// <summary>FinalState: h (and c) after the last step each direction takes.</summary>");
            _w.Open("private void SaveFinalState()");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var f = _rnnFinalState.Span;");
            foreach (LayerPlan layer in _plan.Layers)
            {
                foreach (DirectionPlan dir in layer.Direction)
                {
                    long last = dir.Reverse ? 0 : _plan.T - 1;
                    long col = dir.Reverse ? layer.Hidden : 0;
                    string hLast = Slice("a", Plus(layer.Outputs.Const, StepOffset(last, layer.OutWidth, col)), (_plan.B - 1) * layer.OutWidth + layer.Hidden);
                    _w.Line($"{Kernels}Matrix.CopyRows({hLast}, {N(layer.OutWidth)}, {Slice("f", dir.H0.Const, dir.H0.Length)}, {N(layer.Hidden)}, {N(_plan.B)}, {N(layer.Hidden)});");
                    if (dir.Cell is { } cell)
                        _w.Line($"{Slice("a", Plus(cell.Const, StepOffset(last, layer.Hidden)), _plan.B * layer.Hidden)}.CopyTo({Slice("f", dir.C0!.Const, dir.C0.Length)});");
                }
            }
            _w.Close();
            _w.Line();
        }
    }
}
