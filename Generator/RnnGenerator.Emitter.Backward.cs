using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    internal sealed partial class Emitter
    {
        /// <summary><paramref name="rows"/> matrix rows of a region, starting at step t and column <paramref name="column"/>.</summary>
        private string RegionRows(string span, Region region, long t, long ld, long column, long rows, long width) =>
            Slice(span, Plus(C(region), StepOffset(t, ld, column)), (rows - 1) * ld + width);

        // ------------------------------------------------------------------------------------------------ loss

        private void EmitLoss()
        {
            long rows = _plan.RowsOut, c = _plan.OutputSize;
            _w.Open($"private {_e} RnnLossCore({TargetType} targets)");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("// Rows from LossStartStep on count; the loss sums over them and averages over the batch.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    (string x, _) = HeadInput("a");
                    _w.Line("// −log p[y] = log Σ exp(z) − z_y, with z_y = h·W_head[y] + b_head[y] recomputed exactly.");
                    _w.Line($"return {Losses}Softmax.CrossEntropyLoss(targets.Slice(first), {x}.Slice(first * {N(_plan.HeadInputWidth)}), {N(_plan.HeadInputWidth)}, {N(_plan.HeadInputWidth)}, " +
                        $"{Slice("_rnnParameters.Span", C(_plan.HeadWeight), _plan.HeadWeight.Length)}, {Slice("_rnnParameters.Span", C(_plan.HeadBias), c)}, " +
                        $"{Slice("a", C(_plan.LogSumExp!), rows)}.Slice(first), {N(rows)} - first, RnnInverseBatch);");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// Σ softplus(z) − t·z = binary cross-entropy of σ(z), finite for every finite z.");
                    _w.Line($"return {Losses}BinaryCrossEntropy.Loss({Slice("a", C(_plan.Logits!), rows * c)}.Slice(first * OutputSize), targets.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, RnnInverseBatch);");
                    break;
                default:
                    _w.Line($"return {Losses}SquaredError.Loss(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, RnnInverseBatch);");
                    break;
            }
            _w.Close();
            _w.Line();
        }

        // ------------------------------------------------------------------------------------------------ backward

        private void EmitBackward()
        {
            long rows = _plan.RowsOut, c = _plan.OutputSize, hd = _plan.HeadInputWidth;
            _w.Line("/// <summary>Backpropagation through time: the head, then every layer from the top down" + (_plan.IsEncoderDecoder ? " (decoder, then encoder)" : "") + ".</summary>");
            _w.Open($"private void RnnBackwardCore({TargetType} targets)");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var dz = {Slice("s", C(_plan.DeltaA), rows * c)}; // dL/dz, [OutputSteps, Batch, {c}]");
            _w.Line("// Rows before LossStartStep do not count: their dz is zero.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            _w.Line("dz.Slice(0, first * OutputSize).Clear();");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    _w.Line("// Softmax + cross-entropy: dz = (p − onehot(y)) / Batch.");
                    _w.Line($"{Losses}Softmax.CrossEntropyBackward(Output.Slice(first * OutputSize), targets.Slice(first), dz.Slice(first * OutputSize), {N(rows)} - first, {N(c)}, RnnInverseBatch);");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// Sigmoid + binary cross-entropy: dz = (σ(z) − t) / Batch.");
                    _w.Line($"{Losses}BinaryCrossEntropy.Backward(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, RnnInverseBatch);");
                    break;
                default:
                    _w.Line("// Squared error: dz = 2(y − t) / Batch.");
                    _w.Line($"{Losses}SquaredError.Backward(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, RnnInverseBatch);");
                    break;
            }
            (string x, long headRows) = HeadInput("a");
            _w.Line("// dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.");
            _w.Line($"{Kernels}Gemm.TN({N(c)}, {N(hd)}, {N(headRows)}, dz, {N(c)}, {x}, {N(hd)}, {Slice("g", C(_plan.HeadWeight), _plan.HeadWeight.Length)}, {N(hd)}, accumulate: true);");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums(dz, {N(headRows)}, {N(c)}, {N(c)}, {Slice("g", C(_plan.HeadBias), c)});");
            string wHead = Slice("p", C(_plan.HeadWeight), _plan.HeadWeight.Length);
            Region top = _plan.Top.DeltaIn;
            if (_plan.IsManyToOne)
            {
                long all = _plan.RowsIn * hd, last = (_plan.T - 1) * _plan.B * hd;
                string lastRows = Slice("s", Plus(C(top), N(last)), _plan.B * hd);
                _w.Line("// dh of the top layer: dz·W_head at the step the head read, zero elsewhere (no output there).");
                _w.Line($"{Slice("s", C(top), all)}.Clear();");
                _w.Line($"{Kernels}Gemm.NN({N(_plan.B)}, {N(hd)}, {N(c)}, dz, {N(c)}, {wHead}, {N(hd)}, {lastRows}, {N(hd)}, accumulate: false);");
                if (_plan.HeadInputRows is not null && _plan.T > 1)
                {
                    long h = _plan.Top.Hidden;
                    _w.Line("// The reverse half belongs to step 0, where the reverse direction ended: move it there.");
                    _w.Line($"{Kernels}Matrix.CopyRows({Slice("s", Plus(C(top), N(last + h)), _plan.B * hd - h)}, {N(hd)}, {Slice("s", Plus(C(top), N(h)), _plan.B * hd - h)}, {N(hd)}, {N(_plan.B)}, {N(h)});");
                    _w.Line($"{Kernels}Matrix.ClearRows({Slice("s", Plus(C(top), N(last + h)), _plan.B * hd - h)}, {N(hd)}, {N(_plan.B)}, {N(h)});");
                }
            }
            else
            {
                _w.Line("// dh of the top layer at every step: dz·W_head.");
                _w.Line($"{Kernels}Gemm.NN({N(rows)}, {N(hd)}, {N(c)}, dz, {N(c)}, {wHead}, {N(hd)}, {Slice("s", C(top), rows * hd)}, {N(hd)}, accumulate: false);");
            }
            for (int si = _plan.Stacks.Count - 1; si >= 0; si--)
            {
                StackPlan stack = _plan.Stacks[si];
                for (int k = stack.Layers.Count - 1; k >= 0; k--) _w.Line($"RnnBackward{stack.Layers[k].Id}();");
            }
            _w.Line("_rnnPhase = 2;");
            _w.Close();
            _w.Line();

            foreach (StackPlan stack in _plan.Stacks)
            {
                foreach (LayerPlan layer in stack.Layers)
                {
                    EmitLayerBackward(layer);
                    foreach (DirectionPlan dir in layer.Direction)
                    {
                        List<List<long>> blocks = StepBlocks(layer, dir);
                        for (int i = blocks.Count - 1; i >= 0; i--)
                        {
                            var reversed = new List<long>(blocks[i]);
                            reversed.Reverse();
                            EmitBackwardBlock(layer, dir, reversed);
                        }
                    }
                }
            }
        }

        /// <summary>The pre-activation gradients of a direction, which backward writes in place.</summary>
        private static (Region Region, long Ld, long Column) GateGradients(LayerPlan layer, DirectionPlan dir) =>
            layer.Cell == CellKind.Rnn
                ? (layer.DeltaIn, layer.OutWidth, dir.Reverse ? layer.Hidden : 0)
                : (dir.Gates!, layer.GateWidth, 0);

        /// <summary>
        /// The input-side pre-activation gradients of a direction, as blocks of gate rows (span, ld, width, first row of
        /// W_ih/b_ih): one block for LSTM and RNN; for GRU the r, z columns of the gate buffer and the n block, dn, which
        /// backward leaves in the RecurrentN buffer (the gate buffer keeps the recurrent side, dn⊙r).
        /// </summary>
        private IEnumerable<(string Block, long Ld, long Width, long FirstRow)> InputSideBlocks(LayerPlan layer, DirectionPlan dir, long rows)
        {
            (Region dg, long ldg, long col) = GateGradients(layer, dir);
            string span = dg == layer.DeltaIn ? "s" : "a";
            if (layer.Cell != CellKind.Gru)
            {
                yield return (RegionRows(span, dg, 0, ldg, col, rows, layer.GateWidth), ldg, layer.GateWidth, 0);
                yield break;
            }
            long h = layer.Hidden;
            yield return (RegionRows("a", dir.Gates!, 0, layer.GateWidth, 0, rows, 2 * h), layer.GateWidth, 2 * h, 0);
            yield return (RegionRows("a", dir.RecurrentN!, 0, h, 0, rows, h), h, h, 2 * h);
        }

        /// <summary>The encoder of an encoder–decoder model receives, at its last step, the gradient of the decoder's initial state.</summary>
        private StackPlan? DecoderOf(StackPlan stack) => stack.Name == "Encoder" ? _plan.Last : null;

        private void EmitLayerBackward(LayerPlan layer)
        {
            StackPlan stack = layer.Stack;
            long rows = stack.Rows, hd = layer.Hidden, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, t = stack.T;
            bool oneHot = layer.Index == 0 && stack.Input.Kind == InputKindPlan.OneHot;
            _w.Line($"/// <summary>Backpropagation through time for {stack.Describe}layer {layer.Index} ({layer.CellName}, {hd} units), then its weight gradients.</summary>");
            _w.Open($"private void RnnBackward{layer.Id}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (DecoderOf(stack) is { } decoder)
            {
                // Encoder layer k's final state started decoder layer k: its gradient joins dh at the last step (and dc).
                Region dState = decoder.DeltaInitialState!;
                DirectionPlan dir0 = layer.Direction[0];
                string lastRows = Slice("s", Plus(C(layer.DeltaIn), StepOffset(t - 1, ld)), b * hd);
                string dh0 = Slice("s", $"{C(dState)} + {C(dir0.H0)}", b * hd);
                if (layer.Index == stack.Layers.Count - 1)
                {
                    _w.Line("// The encoder's top layer feeds no head: its only gradient is the decoder's, at the last step.");
                    _w.Line($"{Slice("s", C(layer.DeltaIn), rows * ld)}.Clear();");
                    _w.Line($"{dh0}.CopyTo({lastRows});");
                }
                else
                {
                    _w.Line("// The decoder's gradient of this layer's final state joins dh at the last step.");
                    _w.Line($"{Kernels}Matrix.Add({dh0}, {lastRows});");
                }
            }
            foreach (DirectionPlan dir in layer.Direction)
            {
                if (layer.Cell == CellKind.Lstm)
                {
                    if (DecoderOf(stack) is { } dec)
                    {
                        _w.Line("// dL/dc after the last step is what the decoder's first step sent back.");
                        _w.Line($"{Slice("s", $"{C(dec.DeltaInitialState!)} + {C(dir.C0!)}", b * hd)}.CopyTo({Slice("s", C(_plan.DeltaCell!), b * hd)});");
                    }
                    else
                    {
                        _w.Line($"// dL/dc after the last step{dir.Describe} is zero.");
                        _w.Line($"{Slice("s", C(_plan.DeltaCell!), b * hd)}.Clear();");
                    }
                }
                _w.Line($"// Steps in reverse{dir.Describe}: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.");
                if (_plan.PacksRecurrentWeights)
                {
                    _w.Line("// dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.");
                    _w.Line($"_rnnPacked.PackNN({Slice("p", C(dir.WeightHh), dir.WeightHh.Length)}, {N(gw)}, {N(hd)}, {N(hd)});");
                }
                List<List<long>> blocks = StepBlocks(layer, dir);
                for (int i = blocks.Count - 1; i >= 0; i--)
                {
                    var reversed = new List<long>(blocks[i]);
                    reversed.Reverse();
                    _w.Line(BlockName("Backward", layer, dir, reversed) + "();");
                }
            }

            foreach (DirectionPlan dir in layer.Direction)
            {
                (Region dg, long ldg, long col) = GateGradients(layer, dir);
                string dG = dg == layer.DeltaIn ? "s" : "a";
                string all = RegionRows(dG, dg, 0, ldg, col, rows, gw);
                _w.Line($"// Weight gradients{dir.Describe}, summed over all {t} steps by one product each ({stack.StepsName}·Batch = {rows} rows):");
                _w.Line("//   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t" +
                    (layer.Cell == CellKind.Gru ? "  (GRU: W_hh, b_hh take [dr, dz, dn⊙r]; W_ih, b_ih take [dr, dz, dn])" : ""));
                string dWih = Slice("g", C(dir.WeightIh), dir.WeightIh.Length);
                string? transposedGradient = oneHot ? Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * gw) : null;
                if (oneHot)
                {
                    _w.Line("//   one-hot x: dW_ih[:, token] += dgates rows, gathered in W_ihᵀ's layout (contiguous rows), then added transposed once.");
                    _w.Line($"{transposedGradient}.Clear();");
                }
                foreach ((string block, long ldBlock, long width, long firstRow) in InputSideBlocks(layer, dir, rows))
                {
                    string dWihRows = Slice(dWih, N(firstRow * layer.InWidth), width * layer.InWidth);
                    if (oneHot)
                    {
                        _w.Line($"{Inputs}OneHot.AccumulateRows({block}, {N(ldBlock)}, {N(width)}, {stack.Input.TokenField}, {Slice("s", Plus(C(_plan.OneHotWeights!), N(firstRow)), stack.Input.Ids * gw - firstRow)}, {N(gw)});");
                    }
                    else
                    {
                        (string xs, long ldx) = LayerInput(layer);
                        _w.Line($"{Kernels}Gemm.TN({N(width)}, {N(layer.InWidth)}, {N(rows)}, {block}, {N(ldBlock)}, {xs}, {N(ldx)}, {dWihRows}, {N(layer.InWidth)}, accumulate: true);");
                    }
                    _w.Line($"{Kernels}Bias.AccumulateColumnSums({block}, {N(rows)}, {N(width)}, {N(ldBlock)}, {Slice("g", Plus(C(dir.BiasIh), N(firstRow)), width)});");
                }

                if (transposedGradient is not null)
                    _w.Line($"{Kernels}Matrix.AddTransposed({transposedGradient}, {N(stack.Input.Ids)}, {N(gw)}, {dWih});");

                // dW_hh: the first step reads h0; the rest read the outputs of their previous step.
                long firstStep = dir.Reverse ? t - 1 : 0;
                string h0 = InitialH(layer, dir);
                string dWhh = Slice("g", C(dir.WeightHh), dir.WeightHh.Length);
                _w.Line($"{Kernels}Gemm.TN({N(gw)}, {N(hd)}, {N(b)}, {RegionRows(dG, dg, firstStep, ldg, col, b, gw)}, {N(ldg)}, {h0}, {N(hd)}, {dWhh}, {N(hd)}, accumulate: true);");
                if (t > 1)
                {
                    long dgFrom = dir.Reverse ? 0 : 1, hFrom = dir.Reverse ? 1 : 0;
                    _w.Line($"{Kernels}Gemm.TN({N(gw)}, {N(hd)}, {N((t - 1) * b)}, {RegionRows(dG, dg, dgFrom, ldg, col, (t - 1) * b, gw)}, {N(ldg)}, " +
                        $"{RegionRows("a", layer.Outputs, hFrom, ld, dir.Reverse ? hd : 0, (t - 1) * b, hd)}, {N(ld)}, {dWhh}, {N(hd)}, accumulate: true);");
                }
                _w.Line($"{Kernels}Bias.AccumulateColumnSums({all}, {N(rows)}, {N(gw)}, {N(ldg)}, {Slice("g", C(dir.BiasHh), gw)});");
            }

            // dL/dx for the layer below (or the embedding, or the caller's inputs); fed-back inputs take none.
            bool feedbackVector = layer.Index == 0 && stack.Input.Kind == InputKindPlan.Vector && stack.Input.IsFeedback && stack != _plan.First;
            if (!oneHot && !feedbackVector)
            {
                bool optional = layer.Index == 0 && stack.Input.Kind == InputKindPlan.Vector;
                string target = layer.Index == 0 ? "x" : $"h of {stack.Describe}layer " + (layer.Index - 1);
                _w.Line($"// dL/dx_t = Σ_dir dgates_t·W_ih: the dh of {target}, for all steps at once.");
                if (optional) _w.Open("if (ComputeInputGradient)");
                string dx = Slice("s", C(layer.DeltaOut), rows * layer.InWidth);
                bool first = true;
                foreach (DirectionPlan dir in layer.Direction)
                {
                    string wih = Slice("p", C(dir.WeightIh), dir.WeightIh.Length);
                    foreach ((string block, long ldBlock, long width, long firstRow) in InputSideBlocks(layer, dir, rows))
                    {
                        _w.Line($"{Kernels}Gemm.NN({N(rows)}, {N(layer.InWidth)}, {N(width)}, {block}, {N(ldBlock)}, {Slice(wih, N(firstRow * layer.InWidth), width * layer.InWidth)}, {N(layer.InWidth)}, {dx}, {N(layer.InWidth)}, accumulate: {(first ? "false" : "true")});");
                        first = false;
                    }
                }
                if (optional) _w.Close();
                if (layer.Index == 0 && stack.Input.EmbeddingTensor is { } emb)
                {
                    _w.Line($"// d({emb.Name})[token_t] += dL/dx_t.");
                    _w.Line($"{Inputs}Embedding.AccumulateGradient({dx}, {N(layer.InWidth)}, {stack.Input.TokenField}, {Slice("g", C(emb), emb.Length)}, {N(layer.InWidth)});");
                }
            }
            _w.Close();
            _w.Line();
        }

        private void EmitBackwardBlock(LayerPlan layer, DirectionPlan dir, List<long> steps)
        {
            long hd = layer.Hidden, ld = layer.OutWidth, col = dir.Reverse ? hd : 0, b = _plan.B, gw = layer.GateWidth;
            bool readsInitial = steps.Any(t => PreviousStep(layer, dir, t) is null);
            // A decoder sends the gradient of its initial state back to the encoder.
            Region? dState = layer.Stack.DeltaInitialState;
            _w.Line($"/// <summary>Backward through {layer.Stack.Describe}layer {layer.Index}{dir.Describe}, steps {steps[0]} down to {steps[steps.Count - 1]}.</summary>");
            _w.Open($"private void {BlockName("Backward", layer, dir, steps)}()");
            EmitStepLocals(layer, dir, readsInitial, backward: true, packed: _plan.PacksRecurrentWeights);
            if (readsInitial && dState is not null)
                _w.Line($"var dh0 = {Slice("s", $"{C(dState)} + {C(dir.H0)}", b * hd)}; // dL/dh0: the encoder's gradient at its last step");

            // dh_(t-1) (+)= a·W_hh with a = [B, G·H] gradients: the packed W_hh, or W_hh as stored at batch 1.
            string Product(string a, long lda, string c, long ldc, bool accumulate) => _plan.PacksRecurrentWeights
                ? $"{Kernels}Gemm.NN({N(b)}, {a}, {N(lda)}, _rnnPacked, {c}, {N(ldc)}, accumulate: {(accumulate ? "true" : "false")});"
                : $"{Kernels}Gemm.NN({N(b)}, {N(hd)}, {N(gw)}, {a}, {N(lda)}, wHh, {N(hd)}, {c}, {N(ldc)}, accumulate: {(accumulate ? "true" : "false")});";
            foreach (long t in steps)
            {
                long? prev = PreviousStep(layer, dir, t);
                string dhT = StepRows("dh", t, ld, col, hd);
                // Where dL/dh_(t-1) goes: the previous step's rows, or the initial-state gradient (decoders), or nowhere.
                string? dhPrev = prev is not null ? StepRows("dh", prev.Value, ld, col, hd) : dState is not null ? "dh0" : null;
                long ldPrev = prev is not null ? ld : hd;
                bool accumulate = prev is not null;
                _w.Line($"// t = {t}");
                switch (layer.Cell)
                {
                    case CellKind.Lstm:
                    {
                        string g = Slice("gates", StepOffset(t, gw), b * gw);
                        string cPrev = prev is null ? "c0" : Slice("c", StepOffset(prev.Value, hd), b * hd);
                        _w.Line($"{Cells}LstmCell.Backward({g}, {cPrev}, {Slice("c", StepOffset(t, hd), b * hd)}, {dhT}, {N(ld)}, dc, {N(b)}, {N(hd)});");
                        if (dhPrev is not null)
                            _w.Line(Product(g, gw, dhPrev, ldPrev, accumulate));
                        if (prev is null && dState is not null)
                            _w.Line($"dc.CopyTo({Slice("s", $"{C(dState)} + {C(dir.C0!)}", b * hd)}); // dL/dc0");
                        break;
                    }
                    case CellKind.Gru:
                    {
                        string g = Slice("gates", StepOffset(t, gw), b * gw);
                        string hnT = Slice("hn", StepOffset(t, hd), b * hd);
                        string hPrev = prev is null ? "h0" : StepRows("h", prev.Value, ld, col, hd);
                        if (prev is null && dhPrev is not null) _w.Line("dh0.Clear();");
                        _w.Line($"{Cells}GruCell.Backward({g}, {hnT}, {hPrev}, {N(prev is null ? hd : ld)}, {dhT}, {N(ld)}, {dhPrev ?? "default"}, {N(ldPrev)}, {N(b)}, {N(hd)});");
                        if (dhPrev is not null)
                            _w.Line(Product(g, gw, dhPrev, ldPrev, accumulate: true));
                        break;
                    }
                    default:
                        _w.Line($"{Cells}RnnCell.Backward({dhT}, {N(ld)}, {StepRows("h", t, ld, col, hd)}, {N(ld)}, {N(b)}, {N(hd)}, global::RnnGen.Nonlinearity.{layer.Spec.Nonlinearity});");
                        if (dhPrev is not null)
                            _w.Line(Product(dhT, ld, dhPrev, ldPrev, accumulate));
                        break;
                }
            }
            _w.Close();
            _w.Line();
        }
    }
}
