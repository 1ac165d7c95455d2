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
            Slice(span, Plus(region.Const, StepOffset(t, ld, column)), (rows - 1) * ld + width);

        // ------------------------------------------------------------------------------------------------ loss

        private void EmitLoss()
        {
            long rows = _plan.RowsOut, c = _plan.OutputSize;
            _w.Open($"private {_e} LossCore({TargetType} targets)");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("// Rows from LossStartStep on count; the loss sums over them and averages over the batch.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    (string x, _) = HeadInput("a");
                    _w.Line("// −log p[y] = log Σ exp(z) − z_y, with z_y = h·W_head[y] + b_head[y] recomputed exactly.");
                    _w.Line($"return {Losses}Softmax.CrossEntropyLoss(targets.Slice(first), {x}.Slice(first * {N(_plan.HeadInputWidth)}), {N(_plan.HeadInputWidth)}, {N(_plan.HeadInputWidth)}, " +
                        $"{Slice("_rnnParameters.Span", _plan.HeadWeight.Const, _plan.HeadWeight.Length)}, {Slice("_rnnParameters.Span", _plan.HeadBias.Const, c)}, " +
                        $"{Slice("a", _plan.LogSumExp!.Const, rows)}.Slice(first), {N(rows)} - first, InverseBatch);");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// Σ softplus(z) − t·z = binary cross-entropy of σ(z), finite for every finite z.");
                    _w.Line($"return {Losses}BinaryCrossEntropy.Loss({Slice("a", _plan.Logits!.Const, rows * c)}.Slice(first * OutputSize), targets.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, InverseBatch);");
                    break;
                default:
                    _w.Line($"return {Losses}SquaredError.Loss(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, InverseBatch);");
                    break;
            }
            _w.Close();
            _w.Line();
        }

        // ------------------------------------------------------------------------------------------------ backward

        private void EmitBackward()
        {
            long rows = _plan.RowsOut, c = _plan.OutputSize, hd = _plan.HeadInputWidth;
            _w.Open($"private void BackwardCore({TargetType} targets)");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var dz = {Slice("s", _plan.DeltaA.Const, rows * c)}; // dL/dz, [OutputSteps, Batch, {c}]");
            _w.Line("// Rows before LossStartStep do not count: their dz is zero.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            _w.Line("dz.Slice(0, first * OutputSize).Clear();");
            switch (_spec.Output.Kind)
            {
                case HeadKind.Softmax:
                    _w.Line("// Softmax + cross-entropy: dz = (p − onehot(y)) / Batch.");
                    _w.Line($"{Losses}Softmax.CrossEntropyBackward(Output.Slice(first * OutputSize), targets.Slice(first), dz.Slice(first * OutputSize), {N(rows)} - first, {N(c)}, InverseBatch);");
                    break;
                case HeadKind.Sigmoid:
                    _w.Line("// Sigmoid + binary cross-entropy: dz = (σ(z) − t) / Batch.");
                    _w.Line($"{Losses}BinaryCrossEntropy.Backward(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, InverseBatch);");
                    break;
                default:
                    _w.Line("// Squared error: dz = 2(y − t) / Batch.");
                    _w.Line($"{Losses}SquaredError.Backward(Output.Slice(first * OutputSize), targets.Slice(first * OutputSize), dz.Slice(first * OutputSize), ({N(rows)} - first) * OutputSize, InverseBatch);");
                    break;
            }
            (string x, long headRows) = HeadInput("a");
            _w.Line("// dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.");
            _w.Line($"{Kernels}Gemm.TN({N(c)}, {N(hd)}, {N(headRows)}, dz, {N(c)}, {x}, {N(hd)}, {Slice("g", _plan.HeadWeight.Const, _plan.HeadWeight.Length)}, {N(hd)}, accumulate: true);");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums(dz, {N(headRows)}, {N(c)}, {N(c)}, {Slice("g", _plan.HeadBias.Const, c)});");
            string wHead = Slice("p", _plan.HeadWeight.Const, _plan.HeadWeight.Length);
            if (_plan.IsManyToOne)
            {
                long all = _plan.RowsIn * hd, last = (_plan.T - 1) * _plan.B * hd;
                string lastRows = Slice("s", Plus(_plan.DeltaB.Const, N(last)), _plan.B * hd);
                _w.Line("// dh of the top layer: dz·W_head at the step the head read, zero elsewhere (no output there).");
                _w.Line($"{Slice("s", _plan.DeltaB.Const, all)}.Clear();");
                _w.Line($"{Kernels}Gemm.NN({N(_plan.B)}, {N(hd)}, {N(c)}, dz, {N(c)}, {wHead}, {N(hd)}, {lastRows}, {N(hd)}, accumulate: false);");
                if (_plan.HeadInputRows is not null && _plan.T > 1)
                {
                    long h = _plan.Top.Hidden;
                    _w.Line("// The reverse half belongs to step 0, where the reverse direction ended: move it there.");
                    _w.Line($"{Kernels}Matrix.CopyRows({Slice("s", Plus(_plan.DeltaB.Const, N(last + h)), _plan.B * hd - h)}, {N(hd)}, {Slice("s", Plus(_plan.DeltaB.Const, N(h)), _plan.B * hd - h)}, {N(hd)}, {N(_plan.B)}, {N(h)});");
                    _w.Line($"{Kernels}Matrix.ClearRows({Slice("s", Plus(_plan.DeltaB.Const, N(last + h)), _plan.B * hd - h)}, {N(hd)}, {N(_plan.B)}, {N(h)});");
                }
            }
            else
            {
                _w.Line("// dh of the top layer at every step: dz·W_head.");
                _w.Line($"{Kernels}Gemm.NN({N(rows)}, {N(hd)}, {N(c)}, dz, {N(c)}, {wHead}, {N(hd)}, {Slice("s", _plan.DeltaB.Const, _plan.RowsIn * hd)}, {N(hd)}, accumulate: false);");
            }
            for (int k = _plan.Layers.Count - 1; k >= 0; k--) _w.Line($"BackwardL{k}();");
            _w.Line("_rnnPhase = 2;");
            _w.Close();
            _w.Line();

            foreach (LayerPlan layer in _plan.Layers)
            {
                EmitLayerBackward(layer);
                foreach (DirectionPlan dir in layer.Direction)
                {
                    List<List<long>> blocks = StepBlocks(dir);
                    for (int i = blocks.Count - 1; i >= 0; i--)
                    {
                        var reversed = new List<long>(blocks[i]);
                        reversed.Reverse();
                        EmitBackwardBlock(layer, dir, reversed);
                    }
                }
            }
        }

        /// <summary>The pre-activation gradients of a direction, which backward writes in place: (span, ld, region, column).</summary>
        private (Region Region, long Ld, long Column) GateGradients(LayerPlan layer, DirectionPlan dir) =>
            layer.Cell == CellKind.Rnn
                ? (layer.DeltaIn, layer.OutWidth, dir.Reverse ? layer.Hidden : 0)
                : (dir.Gates!, layer.GateWidth, 0);

        private void EmitLayerBackward(LayerPlan layer)
        {
            long rows = _plan.RowsIn, hd = layer.Hidden, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, t = _plan.T;
            bool oneHot = layer.Index == 0 && _plan.IsOneHot;
            _w.Line($"/// <summary>Backpropagation through time for layer {layer.Index} ({layer.CellName}, {hd} units), then its weight gradients.</summary>");
            _w.Open($"private void BackwardL{layer.Index}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            foreach (DirectionPlan dir in layer.Direction)
            {
                if (layer.Cell == CellKind.Lstm)
                {
                    _w.Line($"// dL/dc after the last step{dir.Describe} is zero.");
                    _w.Line($"{Slice("s", _plan.DeltaCell!.Const, b * hd)}.Clear();");
                }
                _w.Line($"// Steps in reverse{dir.Describe}: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.");
                List<List<long>> blocks = StepBlocks(dir);
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
                _w.Line($"// Weight gradients{dir.Describe}, summed over all {t} steps by one product each (Steps·Batch = {rows} rows):");
                _w.Line("//   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t" +
                    (layer.Cell == CellKind.Gru ? "  (n block of W_hh, b_hh: dgates_n⊙r)" : ""));
                string dWih = Slice("g", dir.WeightIh.Const, dir.WeightIh.Length);
                if (oneHot)
                {
                    _w.Line($"{Inputs}OneHot.AccumulateWeightGradient({all}, {N(ldg)}, {N(gw)}, _rnnTokens, {dWih}, InputSize);");
                }
                else
                {
                    (string xs, long ldx) = LayerInput(layer);
                    _w.Line($"{Kernels}Gemm.TN({N(gw)}, {N(layer.InWidth)}, {N(rows)}, {all}, {N(ldg)}, {xs}, {N(ldx)}, {dWih}, {N(layer.InWidth)}, accumulate: true);");
                }

                // dW_hh: the first step reads h0; the rest read the outputs of their previous step.
                long first = dir.Reverse ? t - 1 : 0;
                string h0 = Slice("_rnnInitialState.Span", dir.H0.Const, dir.H0.Length);
                string dWhh = Slice("g", dir.WeightHh.Const, dir.WeightHh.Length);
                if (layer.Cell == CellKind.Gru)
                {
                    // Rows r, z of W_hh take dgates_r,z; rows n take dn⊙r, kept in the RecurrentN buffer.
                    EmitGruRecurrentWeightGradient(layer, dir, first, h0, dWhh);
                }
                else
                {
                    _w.Line($"{Kernels}Gemm.TN({N(gw)}, {N(hd)}, {N(b)}, {RegionRows(dG, dg, first, ldg, col, b, gw)}, {N(ldg)}, {h0}, {N(hd)}, {dWhh}, {N(hd)}, accumulate: true);");
                    if (t > 1)
                    {
                        long dgFrom = dir.Reverse ? 0 : 1, hFrom = dir.Reverse ? 1 : 0;
                        _w.Line($"{Kernels}Gemm.TN({N(gw)}, {N(hd)}, {N((t - 1) * b)}, {RegionRows(dG, dg, dgFrom, ldg, col, (t - 1) * b, gw)}, {N(ldg)}, " +
                            $"{RegionRows("a", layer.Outputs, hFrom, ld, dir.Reverse ? hd : 0, (t - 1) * b, hd)}, {N(ld)}, {dWhh}, {N(hd)}, accumulate: true);");
                    }
                    _w.Line($"{Kernels}Bias.AccumulateColumnSums({all}, {N(rows)}, {N(gw)}, {N(ldg)}, {Slice("g", dir.BiasIh.Const, gw)});");
                    _w.Line($"{Kernels}Bias.AccumulateColumnSums({all}, {N(rows)}, {N(gw)}, {N(ldg)}, {Slice("g", dir.BiasHh.Const, gw)});");
                }
            }

            // dL/dx for the layer below (or the embedding, or the caller's inputs).
            if (!oneHot)
            {
                bool optional = layer.Index == 0 && _plan.IsVector;
                string target = layer.Index == 0 ? "x" : "h of layer " + (layer.Index - 1);
                _w.Line($"// dL/d{(layer.Index == 0 ? "x" : "x_t")} = Σ_dir dgates_t·W_ih: the dh of {target}, for all steps at once.");
                if (optional) _w.Open("if (ComputeInputGradient)");
                string dx = Slice("s", layer.DeltaOut.Const, rows * layer.InWidth);
                for (int d = 0; d < layer.Direction.Count; d++)
                {
                    DirectionPlan dir = layer.Direction[d];
                    (Region dg, long ldg, long col) = GateGradients(layer, dir);
                    string all = RegionRows(dg == layer.DeltaIn ? "s" : "a", dg, 0, ldg, col, rows, gw);
                    _w.Line($"{Kernels}Gemm.NN({N(rows)}, {N(layer.InWidth)}, {N(gw)}, {all}, {N(ldg)}, {Slice("p", dir.WeightIh.Const, dir.WeightIh.Length)}, {N(layer.InWidth)}, {dx}, {N(layer.InWidth)}, accumulate: {(d > 0 ? "true" : "false")});");
                }
                if (optional) _w.Close();
                if (layer.Index == 0 && _plan.IsEmbedding)
                {
                    _w.Line("// d(embedding.weight)[token_t] += dL/dx_t.");
                    _w.Line($"{Inputs}Embedding.AccumulateGradient({dx}, {N(layer.InWidth)}, _rnnTokens, {Slice("g", _plan.Embedding!.Const, _plan.Embedding.Length)}, {N(layer.InWidth)});");
                }
            }
            _w.Close();
            _w.Line();
        }

        private void EmitGruRecurrentWeightGradient(LayerPlan layer, DirectionPlan dir, long first, string h0, string dWhh)
        {
            long rows = _plan.RowsIn, hd = layer.Hidden, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, t = _plan.T, col = dir.Reverse ? hd : 0;
            Region gates = dir.Gates!, rn = dir.RecurrentN!;
            string dWrz = $"{dWhh}.Slice(0, {N(2 * hd * hd)})";
            string dWn = $"{dWhh}.Slice({N(2 * hd * hd)})";
            _w.Line($"{Kernels}Gemm.TN({N(2 * hd)}, {N(hd)}, {N(b)}, {RegionRows("a", gates, first, gw, 0, b, 2 * hd)}, {N(gw)}, {h0}, {N(hd)}, {dWrz}, {N(hd)}, accumulate: true);");
            _w.Line($"{Kernels}Gemm.TN({N(hd)}, {N(hd)}, {N(b)}, {RegionRows("a", rn, first, hd, 0, b, hd)}, {N(hd)}, {h0}, {N(hd)}, {dWn}, {N(hd)}, accumulate: true);");
            if (t > 1)
            {
                long dgFrom = dir.Reverse ? 0 : 1, hFrom = dir.Reverse ? 1 : 0, k = (t - 1) * b;
                string hs = RegionRows("a", layer.Outputs, hFrom, ld, col, k, hd);
                _w.Line($"{Kernels}Gemm.TN({N(2 * hd)}, {N(hd)}, {N(k)}, {RegionRows("a", gates, dgFrom, gw, 0, k, 2 * hd)}, {N(gw)}, {hs}, {N(ld)}, {dWrz}, {N(hd)}, accumulate: true);");
                _w.Line($"{Kernels}Gemm.TN({N(hd)}, {N(hd)}, {N(k)}, {RegionRows("a", rn, dgFrom, hd, 0, k, hd)}, {N(hd)}, {hs}, {N(ld)}, {dWn}, {N(hd)}, accumulate: true);");
            }
            string allGates = RegionRows("a", gates, 0, gw, 0, rows, gw);
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({allGates}, {N(rows)}, {N(gw)}, {N(gw)}, {Slice("g", dir.BiasIh.Const, gw)});");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({allGates}, {N(rows)}, {N(2 * hd)}, {N(gw)}, {Slice("g", dir.BiasHh.Const, 2 * hd)});");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({RegionRows("a", rn, 0, hd, 0, rows, hd)}, {N(rows)}, {N(hd)}, {N(hd)}, {Slice("g", Plus(dir.BiasHh.Const, N(2 * hd)), hd)});");
        }

        private void EmitBackwardBlock(LayerPlan layer, DirectionPlan dir, List<long> steps)
        {
            long hd = layer.Hidden, ld = layer.OutWidth, col = dir.Reverse ? hd : 0, b = _plan.B, gw = layer.GateWidth;
            bool readsH0 = steps.Any(t => PreviousStep(dir, t) is null);
            _w.Line($"/// <summary>Backward through layer {layer.Index}{dir.Describe}, steps {steps[0]} down to {steps[steps.Count - 1]}.</summary>");
            _w.Open($"private void {BlockName("Backward", layer, dir, steps)}()");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var wHh = {Slice("p", dir.WeightHh.Const, dir.WeightHh.Length)};");
            _w.Line($"var dh = {Slice("s", layer.DeltaIn.Const, _plan.RowsIn * ld)}; // dL/dh, [Steps, Batch, {ld}]");
            switch (layer.Cell)
            {
                case CellKind.Lstm:
                    _w.Line($"var gates = {Slice("a", dir.Gates!.Const, dir.Gates.Length)};");
                    _w.Line($"var c = {Slice("a", dir.Cell!.Const, dir.Cell.Length)};");
                    if (readsH0) _w.Line($"var c0 = {Slice("_rnnInitialState.Span", dir.C0!.Const, dir.C0.Length)};");
                    _w.Line($"var dc = {Slice("s", _plan.DeltaCell!.Const, b * hd)};");
                    _w.Line("// (i, f, g, o) → (di, df, dg, do) in place; dc ← dc⊙f; then dh_(t-1) += dgates·W_hh");
                    break;
                case CellKind.Gru:
                    _w.Line($"var gates = {Slice("a", dir.Gates!.Const, dir.Gates.Length)};");
                    _w.Line($"var hn = {Slice("a", dir.RecurrentN!.Const, dir.RecurrentN.Length)};");
                    _w.Line($"var h = {Slice("a", layer.Outputs.Const, layer.Outputs.Length)};");
                    if (readsH0) _w.Line($"var h0 = {Slice("_rnnInitialState.Span", dir.H0.Const, dir.H0.Length)};");
                    _w.Line("// (r, z, n) → (dr, dz, dn) in place, hn → dn⊙r; dh_(t-1) += dh⊙z + [dr, dz]·W_h(r,z) + (dn⊙r)·W_hn");
                    break;
                default:
                    _w.Line($"var h = {Slice("a", layer.Outputs.Const, layer.Outputs.Length)};");
                    _w.Line($"// dh_t → dpre_t = dh_t⊙{(layer.Spec.Nonlinearity == NonlinearityKind.Relu ? "[h_t > 0]" : "(1 − h_t²)")} in place; dh_(t-1) += dpre_t·W_hh");
                    break;
            }

            foreach (long t in steps)
            {
                long? prev = PreviousStep(dir, t);
                string dhT = StepRows("dh", t, ld, col, hd);
                string? dhPrev = prev is null ? null : StepRows("dh", prev.Value, ld, col, hd);
                _w.Line($"// t = {t}");
                switch (layer.Cell)
                {
                    case CellKind.Lstm:
                    {
                        string g = Slice("gates", StepOffset(t, gw), b * gw);
                        string cPrev = prev is null ? "c0" : Slice("c", StepOffset(prev.Value, hd), b * hd);
                        _w.Line($"{Cells}LstmCell.Backward({g}, {cPrev}, {Slice("c", StepOffset(t, hd), b * hd)}, {dhT}, {N(ld)}, dc, {N(b)}, {N(hd)});");
                        if (dhPrev is not null)
                            _w.Line($"{Kernels}Gemm.NN({N(b)}, {N(hd)}, {N(gw)}, {g}, {N(gw)}, wHh, {N(hd)}, {dhPrev}, {N(ld)}, accumulate: true);");
                        break;
                    }
                    case CellKind.Gru:
                    {
                        string g = Slice("gates", StepOffset(t, gw), b * gw);
                        string hnT = Slice("hn", StepOffset(t, hd), b * hd);
                        string hPrev = prev is null ? "h0" : StepRows("h", prev.Value, ld, col, hd);
                        long ldPrev = prev is null ? hd : ld;
                        _w.Line($"{Cells}GruCell.Backward({g}, {hnT}, {hPrev}, {N(ldPrev)}, {dhT}, {N(ld)}, {dhPrev ?? "default"}, {N(ld)}, {N(b)}, {N(hd)});");
                        if (dhPrev is not null)
                        {
                            _w.Line($"{Kernels}Gemm.NN({N(b)}, {N(hd)}, {N(2 * hd)}, {g}, {N(gw)}, wHh, {N(hd)}, {dhPrev}, {N(ld)}, accumulate: true);");
                            _w.Line($"{Kernels}Gemm.NN({N(b)}, {N(hd)}, {N(hd)}, {hnT}, {N(hd)}, wHh.Slice({N(2 * hd * hd)}), {N(hd)}, {dhPrev}, {N(ld)}, accumulate: true);");
                        }
                        break;
                    }
                    default:
                        _w.Line($"{Cells}RnnCell.Backward({dhT}, {N(ld)}, {StepRows("h", t, ld, col, hd)}, {N(ld)}, {N(b)}, {N(hd)}, global::RnnGen.Nonlinearity.{layer.Spec.Nonlinearity});");
                        if (dhPrev is not null)
                            _w.Line($"{Kernels}Gemm.NN({N(b)}, {N(hd)}, {N(hd)}, {dhT}, {N(ld)}, wHh, {N(hd)}, {dhPrev}, {N(ld)}, accumulate: true);");
                        break;
                }
            }
            _w.Close();
            _w.Line();
        }
    }
}
