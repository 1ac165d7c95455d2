using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary>
        /// Single-step inference: one input for one lane through every layer and the head, updating that lane's row of
        /// the stepping state. For generation and streaming; agrees with <c>Forward</c> step by step.
        /// </summary>
        private void EmitStep()
        {
            if (!_plan.CanStep) return;
            StackPlan stack = _plan.First;
            string input = TokenInput ? "int token" : $"{ReadOnlySpan} input";
            _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnStepState = new(StateSize);");
            _w.Line();
            _w.Line("/// <summary>State of single-step inference, laid out as <see cref=\"InitialState\"/> (one row per lane); starts at zero.</summary>");
            _w.Line($"public {Span} StepState => _rnnStepState.Span;");
            _w.Line();
            _w.Line("/// <summary>Restarts single-step inference from <see cref=\"InitialState\"/>.</summary>");
            _w.Line("public void ResetStepState() => _rnnInitialState.Span.CopyTo(_rnnStepState.Span);");
            _w.Line();
            _w.Line("/// <summary>");
            _w.Line("/// Runs one step for one lane: " + (TokenInput ? "a token id" : "an input vector") + " through every layer and the head, advancing that lane's");
            _w.Line("/// row of <see cref=\"StepState\"/>. Returns the lane's output (after activation), valid until the next call for that lane.");
            _w.Line("/// </summary>");
            _w.Open($"public {ReadOnlySpan} Step({input}, int lane = 0)");
            _w.Line("global::System.ObjectDisposedException.ThrowIf(_rnnDisposed, this);");
            if (TokenInput)
                _w.Line("if ((uint)token >= InputSize) throw new global::System.ArgumentOutOfRangeException(nameof(token), token, \"The token id must lie in [0, InputSize).\");");
            else
                _w.Line($"{Inputs}ArgumentChecks.Length(input.Length, InputSize, \"[InputSize]\", nameof(input));");
            _w.Line("if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, \"The lane must lie in [0, Batch).\");");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("var state = _rnnStepState.Span;");
            string stepGates = Slice("s", C(_plan.StepGates!), _plan.StepGates!.Length);
            foreach (LayerPlan layer in stack.Layers)
            {
                DirectionPlan dir = layer.Direction[0];
                long hd = layer.Hidden, gw = layer.GateWidth;
                string g = $"gates{layer.Index}";
                string h = $"h{layer.Index}";
                _w.Line($"// Layer {layer.Index} ({layer.CellName}, {hd} units).");
                _w.Line($"var {g} = {stepGates}.Slice(0, {N(gw)});");
                _w.Line($"var {h} = state.Slice({C(dir.H0)} + lane * {N(hd)}, {N(hd)});");
                EmitBiasSum(layer, dir, "p", g);
                string wih = Slice("p", C(dir.WeightIh), dir.WeightIh.Length);
                if (layer.Index == 0 && stack.Input.Kind == InputKindPlan.OneHot)
                {
                    _w.Line($"{Inputs}OneHot.AddColumn({wih}, {N(gw)}, InputSize, token, {g});");
                }
                else
                {
                    string x = layer.Index > 0 ? $"h{layer.Index - 1}"
                        : stack.Input.EmbeddingTensor is { } emb ? Slice("p", $"{C(emb)} + token * {N(stack.Input.Width)}", stack.Input.Width)
                        : "input";
                    _w.Line($"{Kernels}Gemm.NT(1, {N(gw)}, {N(layer.InWidth)}, {x}, {N(layer.InWidth)}, {wih}, {N(layer.InWidth)}, {g}, {N(gw)}, accumulate: true);");
                }
                string whh = Slice("p", C(dir.WeightHh), dir.WeightHh.Length);
                switch (layer.Cell)
                {
                    case CellKind.Lstm:
                        _w.Line($"var c{layer.Index} = state.Slice({C(dir.C0!)} + lane * {N(hd)}, {N(hd)});");
                        _w.Line($"{Kernels}Gemm.NT(1, {N(gw)}, {N(hd)}, {h}, {N(hd)}, {whh}, {N(hd)}, {g}, {N(gw)}, accumulate: true);");
                        _w.Line($"{Cells}LstmCell.Forward({g}, c{layer.Index}, c{layer.Index}, {h}, {N(hd)}, 1, {N(hd)});");
                        break;
                    case CellKind.Gru:
                        string gh = Slice("s", C(_plan.StepGru!), 3 * hd), hn = Slice("s", $"{C(_plan.StepGru!)} + {N(3 * hd)}", hd);
                        _w.Line($"{Kernels}Gemm.NT(1, {N(gw)}, {N(hd)}, {h}, {N(hd)}, {whh}, {N(hd)}, {gh}, {N(gw)}, accumulate: false);");
                        _w.Line($"{Cells}GruCell.Forward({g}, {gh}, {Slice("p", $"{C(dir.BiasHh)} + {N(2 * hd)}", hd)}, {hn}, {h}, {N(hd)}, {h}, {N(hd)}, 1, {N(hd)});");
                        break;
                    default:
                        _w.Line($"{Kernels}Gemm.NT(1, {N(gw)}, {N(hd)}, {h}, {N(hd)}, {whh}, {N(hd)}, {g}, {N(gw)}, accumulate: true);");
                        _w.Line($"{Cells}RnnCell.Forward({g}, {N(hd)}, 1, {N(hd)}, global::RnnGen.Nonlinearity.{layer.Spec.Nonlinearity});");
                        _w.Line($"{g}.CopyTo({h});");
                        break;
                }
            }
            long c = _plan.OutputSize, top = _plan.HeadInputWidth;
            _w.Line("// Head.");
            _w.Line($"var output = s.Slice({C(_plan.StepOutput!)} + lane * {N(c)}, {N(c)});");
            _w.Line($"{Slice("p", C(_plan.HeadBias), c)}.CopyTo(output);");
            _w.Line($"{Kernels}Gemm.NT(1, {N(c)}, {N(top)}, h{stack.Layers.Count - 1}, {N(top)}, {Slice("p", C(_plan.HeadWeight), _plan.HeadWeight.Length)}, {N(top)}, output, {N(c)}, accumulate: true);");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    _w.Line($"{Losses}Softmax.Rows(output, 1, {N(c)}, {Slice("s", C(_plan.StepLogSumExp!), 1)});");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line($"{Losses}BinaryCrossEntropy.Sigmoid(output, output, {N(c)});");
                    break;
            }
            _w.Line("return output;");
            _w.Close();
            _w.Line();
        }
    }
}
