using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Emitters.Heads;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    // ------------------------------------------------------------------------------------------------ loss

    private void EmitLoss()
    {
        using (_w.Block($"private {_e} RnnLossCore({TargetType} targets)"))
        {
            _w.Line("if (!_rnnLossOptions.IsDefault) return RnnOptionsLoss(targets, backward: false);");
            _w.Line("var a = _rnnActivations.Span;");
            (string comment, string loss) = _head.Loss(this);
            if (_plan.PacksLanes)
            {
                _w.Line("// Real rows from LossStartStep on count; the loss sums over them and averages over the lanes in use.");
                EmitPackedLossRows();
                _w.Line("// " + comment);
                _w.Line($"return {loss};");
            }
            else
            {
                using (_w.Block("if (_rnnTargetLanes.Full)"))
                {
                    _w.Line("// Rows from LossStartStep on count; the loss sums over them and averages over the batch.");
                    _w.Line($"int first = _rnnLossStartStep * Batch, rows = {N(_plan.RowsOut)};");
                    _w.Line($"{_e} inverse = RnnInverseBatch;");
                    _w.Line("// " + comment);
                    _w.Line($"return {loss};");
                }
                using (_w.Block("else"))
                {
                    _w.Line("// Target lengths: the rows of real target steps, run by run of neighbouring lanes, averaged over the lanes in use.");
                    _w.Line($"{_e} sum = 0, inverse = 1 / ({_e})_rnnTargetLanes.Used;");
                    EmitRealTargetRuns(() => _w.Line($"sum += {loss};"));
                    _w.Line("return sum;");
                }
            }
        }
        _w.Line();
        EmitPackTargets();
    }

    /// <summary>
    /// A loop over the real target rows of a decoding model run with target lengths, from LossStartStep on: for each step,
    /// each run of neighbouring lanes still within their length as rows [<c>first</c>, <c>rows</c>).
    /// </summary>
    private void EmitRealTargetRuns(System.Action body)
    {
        _w.Line("var lengths = _rnnTargetLanes.Lengths;");
        using (_w.Block("for (int t = _rnnLossStartStep; t < OutputSteps; t++)"))
        {
            using (_w.Block("for (int lane = 0; lane < Batch;)"))
            {
                _w.Line("if (t >= lengths[lane]) { lane++; continue; }");
                _w.Line("int end = lane + 1;");
                _w.Line("while (end < Batch && t < lengths[end]) end++;");
                _w.Line("int first = t * Batch + lane, rows = t * Batch + end;");
                body();
                _w.Line("lane = end;");
            }
        }
    }

    /// <summary>
    /// The locals of the loss over packed rows: <c>first</c> and <c>rows</c> (the packed rows of LossStartStep and of all
    /// output steps), <c>inverse</c> = 1/(lanes in use), <c>output</c>, and the targets moved into packed rows.
    /// </summary>
    private void EmitPackedLossRows()
    {
        _w.Line(_plan.IsManyToOne
            ? "int first = 0, rows = _rnnLanes.Used; // one output row per lane in use"
            : "int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;");
        _w.Line($"{_e} inverse = 1 / ({_e})_rnnLanes.Used;");
        _w.Line($"var output = a.Slice({C(_plan.OutputValues)}, rows * OutputSize);");
        _w.Line("targets = RnnPackTargets(targets, rows);");
    }

    /// <summary>The caller's targets in the packed rows of the last forward pass (targets of padded steps are not read).</summary>
    private void EmitPackTargets()
    {
        if (!_plan.PacksLanes) return;
        using (_w.Block($"private {TargetType} RnnPackTargets({TargetType} targets, int rows)"))
        {
            if (ClassTargets)
            {
                _w.Line("_rnnLanes.PackIds(targets, _rnnTargets);");
                _w.Line("return global::System.MemoryExtensions.AsSpan(_rnnTargets, 0, rows);");
            }
            else
            {
                _w.Line($"var packed = {Whole("_rnnScratch.Span", _plan.TargetRows!)};");
                _w.Line("_rnnLanes.PackRows(targets, width: OutputSize, packed);");
                _w.Line("return packed.Slice(0, rows * OutputSize);");
            }
        }
        _w.Line();
    }

    // ------------------------------------------------------------------------------------------------ backward

    private void EmitBackward()
    {
        long rows = _plan.RowsOut, c = _plan.OutputSize, hd = _plan.HeadInputWidth;
        _w.Line("/// <summary>Backpropagation through time: the head, then every layer from the top down" + (_plan.IsEncoderDecoder ? " (decoder, then encoder)" : "") + ".</summary>");
        using (_w.Block($"private void RnnBackwardCore({TargetType} targets)"))
        {
            using (_w.Block("if (!_rnnLossOptions.IsDefault)"))
            {
                _w.Line("RnnOptionsLoss(targets, backward: true);");
                _w.Line("return;");
            }
            if (_plan.PacksLanes) _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (_plan.PacksLanes)
            {
                _w.Line($"var dz = {Whole("s", _plan.OutputGradient)}; // dL/dz in packed rows, [≤ OutputSteps·Batch, {c}]");
                EmitPackedLossRows();
                _w.Line("// Rows before LossStartStep do not count: their dz is zero.");
            }
            else
            {
                _w.Line($"var dz = {Whole("s", _plan.OutputGradient)}; // dL/dz, [OutputSteps, Batch, {c}]");
                using (_w.Block("if (_rnnTargetLanes.Full)"))
                {
                    _w.Line("// Rows before LossStartStep do not count: their dz is zero.");
                    _w.Line($"int first = _rnnLossStartStep * Batch, rows = {N(_plan.RowsOut)};");
                    _w.Line($"{_e} inverse = RnnInverseBatch;");
                    _w.Line("dz.Slice(0, first * OutputSize).Clear();");
                    _head.EmitOutputGradient(this);
                }
                using (_w.Block("else"))
                {
                    _w.Line("// Target lengths: dz of the real target rows; every other row's is zero (no loss there).");
                    _w.Line("dz.Clear();");
                    _w.Line($"{_e} inverse = 1 / ({_e})_rnnTargetLanes.Used;");
                    EmitRealTargetRuns(() => _head.EmitOutputGradient(this));
                }
            }
            if (_plan.PacksLanes)
            {
                _w.Line("dz.Slice(0, first * OutputSize).Clear();");
                _head.EmitOutputGradient(this);
            }
            _w.Line(_plan.PacksLanes ? "RnnBackwardFromDz(rows);" : "RnnBackwardFromDz();");
        }
        _w.Line();

        EmitBackwardFromGradient();

        _w.Line("/// <summary>Backpropagation through time from dL/dz of the head (in the Dz scratch): the head's weights, then every layer from the top down.</summary>");
        using (_w.Block(_plan.PacksLanes ? "private void RnnBackwardFromDz(int rows)" : "private void RnnBackwardFromDz()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var dz = {Whole("s", _plan.OutputGradient)}; // dL/dz{(_plan.PacksLanes ? " in packed rows" : "")}, [{(_plan.PacksLanes ? "rows" : "OutputSteps, Batch")}, {c}]");
            (string x, long headRows) = HeadInput("a");
            string headRowCount = _plan.PacksLanes ? "rows" : N(headRows);
            _w.Line("// dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.");
            _w.Line($"{Kernels}Gemm.TN(m: {N(c)}, n: {N(hd)}, k: {headRowCount}, dz, lda: {N(c)}, {x}, ldb: {N(hd)}, {Whole("g", _plan.HeadWeight)}, ldc: {N(hd)}, accumulate: true);");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums(dz, rows: {headRowCount}, n: {N(c)}, ldy: {N(c)}, {Whole("g", _plan.HeadBias)});");
            string wHead = Whole("p", _plan.HeadWeight);
            LayerPlan top = _plan.Top;
            Region dhTop = top.HiddenGradient;
            if (_plan.IsManyToOne)
            {
                // Packed rows: step 0 holds one row per lane in use, so dz·W_head lands there, and the forward half moves
                // on to each lane's last real step (the reverse direction ended at step 0, where its half already is).
                _w.Line("// dh of the top layer: dz·W_head at the step the head read for each lane, zero elsewhere (no output there).");
                _w.Line($"{Whole("s", dhTop)}.Clear();");
                _w.Line($"{Kernels}Gemm.NN(m: rows, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {RegionRows("s", dhTop, hd, 0, "rows", hd)}, ldc: {N(hd)}, accumulate: false);");
                _w.Line($"_rnnLanes.MoveToLast({Whole("s", dhTop)}, ld: {N(hd)}, column: 0, width: {N(top.StateWidth)});");
            }
            else if (_plan.PacksLanes)
            {
                _w.Line("// dh of the top layer at every real step: dz·W_head.");
                _w.Line($"{Kernels}Gemm.NN(m: rows, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {RegionRows("s", dhTop, hd, 0, "rows", hd)}, ldc: {N(hd)}, accumulate: false);");
            }
            else if (_plan.Attention is { } attention)
            {
                _w.Line("// dh̃ of the attentional state at every step: dz·W_head; the attention turns it into dh of the top layer.");
                _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {Whole("s", attention.AttentionalGradient)}, ldc: {N(hd)}, accumulate: false);");
                _w.Line(attention.Feeds ? "RnnBackwardFedDecoder(); // the attention and the decoder's layers, step by step" : "RnnBackwardAttention();");
            }
            else
            {
                _w.Line("// dh of the top layer at every step: dz·W_head.");
                _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {Slice("s", C(dhTop), rows * hd)}, ldc: {N(hd)}, accumulate: false);");
            }
            for (int si = _plan.Stacks.Count - 1; si >= 0; si--)
            {
                StackPlan stack = _plan.Stacks[si];
                if (stack.Role == StackRole.Encoder && _plan.BridgesState) _w.Line("RnnBridgeStateBackward();");
                if (FedDecoder(stack)) continue; // done by RnnBackwardFedDecoder
                for (int k = stack.Layers.Count - 1; k >= 0; k--) _w.Line($"RnnBackward{stack.Layers[k].Id}();");
            }
            _w.Line("_rnnPhase = 2;");
        }
        _w.Line();

        foreach (LayerPlan layer in _plan.AllLayers)
        {
            if (FedDecoder(layer.Stack)) continue; // RnnBackwardFed…
            EmitLayerBackward(layer);
            foreach (DirectionPlan dir in layer.Direction)
            {
                foreach (StepBlock block in Enumerable.Reverse(StepBlocks(layer, dir)))
                {
                    if (layer.Stack.PacksLanes) EmitPackedBackwardBlock(layer, dir, block);
                    else EmitBackwardBlock(layer, dir, block);
                }
            }
        }
    }

    /// <summary>
    /// Backward from a caller's gradient of its own loss: dL/d(Output) through the head's activation, or dL/dz as given,
    /// into the Dz scratch (packed rows with lengths; zero before LossStartStep and past a lane's length), then
    /// <c>RnnBackwardFromDz</c>.
    /// </summary>
    private void EmitBackwardFromGradient()
    {
        _w.Line("/// <summary>dz from the caller's gradient (through the activation's Jacobian unless it is already dL/dz), then the rest of backward.</summary>");
        bool activation = _head.LogitsSource != LogitsSource.Output;
        using (_w.Block($"private void RnnBackwardFromGradient({ReadOnlySpan} gradient{(activation ? ", bool throughActivation" : "")})"))
        {
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var dz = {Whole("s", _plan.OutputGradient)};");
            string output;
            if (_plan.PacksLanes)
            {
                _w.Line(_plan.IsManyToOne
                    ? "int first = 0, rows = _rnnLanes.Used; // one output row per lane in use"
                    : "int first = _rnnLanes.Start[_rnnLossStartStep], rows = _rnnLanes.TotalRows;");
                _w.Line("// The caller's gradient in packed rows (its padded steps are not read); rows before LossStartStep do not count.");
                _w.Line("_rnnLanes.PackRows(gradient, width: OutputSize, dz);");
                output = "output";
                if (activation) _w.Line($"var output = _rnnActivations.Span.Slice({C(_plan.OutputValues)}, rows * OutputSize);");
            }
            else
            {
                _w.Line("int first = _rnnLossStartStep * Batch;");
                _w.Line("// Rows before LossStartStep, and past a lane's target length, do not count: their dz is zero.");
                _w.Line("gradient.CopyTo(dz);");
                _w.Line("if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(dz, width: OutputSize, shift: 0, value: 0);");
                output = "Output";
            }
            _w.Line("dz.Slice(0, first * OutputSize).Clear();");
            if (!activation)
                _w.Line("// No activation: dL/dz = dL/dy, as given.");
            else
            {
                using (_w.Block("if (throughActivation)"))
                    _head.EmitOutputJacobian(this, output, _plan.PacksLanes ? "rows" : N(_plan.RowsOut));
            }
            _w.Line(_plan.PacksLanes ? "RnnBackwardFromDz(rows);" : "RnnBackwardFromDz();");
        }
        _w.Line();
    }

    private void EmitLayerBackward(LayerPlan layer)
    {
        StackPlan stack = layer.Stack;
        CellEmitter cell = CellEmitter.For(layer);
        // hd: the width of h (P when projected).
        long hd = layer.StateWidth, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, steps = stack.Steps;
        string rows = stack.PacksLanes ? "rows" : N(stack.Rows);
        _w.Line($"/// <summary>Backpropagation through time for {stack.Describe}layer {layer.Index} ({layer.CellName}, {layer.Hidden} units{Projected(layer)}), then its weight gradients.</summary>");
        using (_w.Block($"private void RnnBackward{layer.Id}()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (stack.PacksLanes) _w.Line("int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed");
            EmitOutputDropoutBackward(layer);
            if (stack.Role == StackRole.Encoder)
            {
                // Encoder layer k's final state started decoder layer k: its gradient joins dh at the last step (and dc).
                Region dState = _plan.EncoderStateGradient!;
                string lastRows = Slice("s", Plus(C(layer.HiddenGradient), StepOffset(steps - 1, ld)), b * hd);
                string dh0 = Slice("s", $"{C(dState)} + {C(layer.Direction[0].H0)}", b * hd);
                if (stack.PacksLanes)
                {
                    // Packed rows: each lane's final state is its row of its own last real step (the reverse direction's: step 0).
                    bool attended = layer.IsTop && _plan.Attention is not null;
                    _w.Line(attended
                        ? "// The encoder's top layer feeds the attention (dL/dē at every real step) and, through its final state, the decoder."
                        : layer.IsTop
                        ? "// The encoder's top layer feeds no head: its only gradient is the decoder's, at each lane's last real step."
                        : "// The decoder's gradient of this layer's final state joins dh at each lane's last real step.");
                    if (attended)
                        _w.Line($"_rnnLanes.PackRows({Whole("s", _plan.Attention!.MemoryGradient)}, width: {N(ld)}, {Whole("s", layer.HiddenGradient)});");
                    else if (layer.IsTop)
                        _w.Line($"{Slice("s", C(layer.HiddenGradient), stack.Rows * ld)}.Clear();");
                    foreach (DirectionPlan dir in layer.Direction)
                    {
                        string dhLast = Slice("s", $"{C(dState)} + {C(dir.H0)}", b * hd);
                        bool add = !layer.IsTop || attended || dir.Reverse;
                        _w.Line(dir.Reverse
                            ? $"_rnnLanes.ScatterLast({dhLast}, {Whole("s", layer.HiddenGradient)}, ld: {N(ld)}, column: {N(hd)}, width: {N(hd)}, reverse: true, add: {Bool(add)});"
                            : $"_rnnLanes.ScatterLast({dhLast}, {Whole("s", layer.HiddenGradient)}, ld: {N(ld)}, column: 0, width: {N(hd)}, add: {Bool(add)});");
                    }
                }
                else if (layer.IsTop)
                {
                    _w.Line("// The encoder's top layer feeds no head: its only gradient is the decoder's, at the last step.");
                    _w.Line($"{Slice("s", C(layer.HiddenGradient), stack.Rows * ld)}.Clear();");
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
                cell.EmitBackwardStart(this, layer, dir);
                _w.Line($"// Steps in reverse{dir.Describe}: each turns dL/dh_t into gate gradients and adds dL/dh of the step before.");
                if (_plan.PacksRecurrentWeights)
                {
                    _w.Line("// dh_(t-1) += dgates·W_hh at every step: W_hh packed once for all of them.");
                    _w.Line($"_rnnPacked.PackNN({Whole("p", dir.WeightHh)}, k: {N(gw)}, n: {N(hd)}, ldb: {N(hd)});");
                }
                foreach (StepBlock block in Enumerable.Reverse(StepBlocks(layer, dir))) _w.Line(BlockCall("Backward", layer, dir, block, backward: true));
            }

            foreach (DirectionPlan dir in layer.Direction)
                EmitWeightGradients(layer, dir, cell);

            // dL/dx for the layer below (or the embedding, or the caller's inputs); fed-back inputs take none.
            if (layer.InputGradient is { } dxRegion)
            {
                bool optional = layer.Index == 0 && stack.Input.Kind == StackInputKind.Vector;
                string target = layer.Below is { } below ? $"h of {stack.Describe}layer {below.Index}" : "the input x";
                _w.Line($"// dL/dx_t = Σ_dir dgates_t·W_ih, the gradient of {target}, for all steps at once.");
                string dx = RegionRows("s", dxRegion, layer.InWidth, 0, rows, layer.InWidth);
                using (optional ? _w.Block("if (ComputeInputGradient)") : default(SourceWriter.BlockScope?))
                {
                    bool first = true;
                    foreach (DirectionPlan dir in layer.Direction)
                    {
                        foreach ((string block, long ldBlock, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                        {
                            _w.Line($"{Kernels}Gemm.NN(m: {rows}, n: {N(layer.InWidth)}, k: {N(width)}, {block}, lda: {N(ldBlock)}, {Slice("p", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldb: {N(layer.InWidth)}, {dx}, ldc: {N(layer.InWidth)}, accumulate: {Bool(!first)});");
                            first = false;
                        }
                    }
                    if (layer.Index == 0) EmitInputDropoutBackward(stack, dx);
                    if (optional && stack.PacksLanes)
                        _w.Line($"_rnnLanes.UnpackRows({dx}, width: InputSize, _rnnInputGradient.Span);");
                }
                if (layer.Index == 0 && stack.Input.EmbeddingTensor is { } emb)
                {
                    _w.Line($"// d({emb.Name})[token_t] += dL/dx_t.");
                    _w.Line($"{Inputs}Embedding.AccumulateGradient({dx}, ldx: {N(layer.InWidth)}, {Tokens(stack)}, {Whole("g", emb)}, width: {N(layer.InWidth)});");
                }
            }
        }
        _w.Line();
    }

    /// <summary>dW_ih, dW_hh, db_ih and db_hh of one direction, each one product (or sum) over all steps.</summary>
    private void EmitWeightGradients(LayerPlan layer, DirectionPlan dir, CellEmitter cell)
    {
        StackPlan stack = layer.Stack;
        // hd: the width of h (P when projected).
        long hd = layer.StateWidth, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, steps = stack.Steps;
        string rows = stack.PacksLanes ? "rows" : N(stack.Rows);
        (Region dg, long ldg, long col) = cell.GateGradients(layer, dir);
        string dG = dg == layer.HiddenGradient ? "s" : "a";
        _w.Line(stack.PacksLanes
            ? $"// Weight gradients{dir.Describe}, summed over all real steps by one product each (one packed row per step of each lane):"
            : $"// Weight gradients{dir.Describe}, summed over all {steps} steps by one product each ({stack.StepsName}·Batch = {rows} rows):");
        _w.Line("//   dW_ih += Σ_t dgates_tᵀ·x_t;  dW_hh += Σ_t dgates_tᵀ·h_(t-1);  db_ih, db_hh += Σ_t dgates_t" + cell.WeightGradientNote);
        string dWih = Whole("g", dir.WeightIh);
        string? transposedGradient = layer.ReadsOneHot ? Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * gw) : null;
        if (transposedGradient is not null)
        {
            _w.Line("//   one-hot x: dW_ih[:, token] += dgates rows, gathered in W_ihᵀ's layout (contiguous rows), then added transposed once.");
            _w.Line($"{transposedGradient}.Clear();");
        }
        foreach ((string block, long ldBlock, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
        {
            if (transposedGradient is not null)
            {
                _w.Line($"{Inputs}OneHot.AccumulateRows({block}, ldc: {N(ldBlock)}, n: {N(width)}, {Tokens(stack)}, {Slice("s", Plus(C(_plan.OneHotWeights!), N(firstRow)), stack.Input.Ids * gw - firstRow)}, ldT: {N(gw)});");
            }
            else
            {
                (string xs, long ldx) = LayerInput(layer);
                _w.Line($"{Kernels}Gemm.TN(m: {N(width)}, n: {N(layer.InWidth)}, k: {rows}, {block}, lda: {N(ldBlock)}, {xs}, ldb: {N(ldx)}, {Slice("g", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldc: {N(layer.InWidth)}, accumulate: true);");
            }
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({block}, rows: {rows}, n: {N(width)}, ldy: {N(ldBlock)}, {Slice("g", Plus(C(dir.BiasIh), N(firstRow)), width)});");
        }
        if (transposedGradient is not null)
            _w.Line($"{Kernels}Matrix.AddTransposed({transposedGradient}, rows: {N(stack.Input.Ids)}, cols: {N(gw)}, {dWih});");

        // dW_hh pairs the gate gradients of step t with h_(t-1): the first step taken reads h0, and every other step
        // the outputs of the step before it, which lie one step earlier (forward) or later (reverse) in the h buffer.
        long firstStep = dir.Reverse ? steps - 1 : 0;
        string dWhh = Whole("g", dir.WeightHh);
        if (stack.PacksLanes)
        {
            EmitPackedRecurrentWeightGradient(layer, dir, dG, dg, ldg, col);
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({RegionRows(dG, dg, ldg, col, rows, gw)}, rows: {rows}, n: {N(gw)}, ldy: {N(ldg)}, {Whole("g", dir.BiasHh)});");
            cell.EmitExtraWeightGradients(this, layer, dir, rows);
            return;
        }
        _w.Line($"//   dW_hh, shifted by one step: the gates of the first step{dir.Describe} pair with h0, those of every other step with h of the step before it.");
        _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: {N(b)}, {RegionRows(dG, dg, firstStep, ldg, col, b, gw)}, lda: {N(ldg)}, {RecurrentInitialH(layer, dir)}, ldb: {N(hd)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
        if (steps > 1)
        {
            long dgFrom = dir.Reverse ? 0 : 1, hFrom = dir.Reverse ? 1 : 0;
            string hPrevious = Slice("a", Plus(RecurrentSource(layer), StepOffset(hFrom, ld, dir.Reverse ? hd : 0)), ((steps - 1) * b - 1) * ld + hd);
            _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: {N((steps - 1) * b)}, {RegionRows(dG, dg, dgFrom, ldg, col, (steps - 1) * b, gw)}, lda: {N(ldg)}, " +
                $"{hPrevious}, ldb: {N(ld)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
        }
        _w.Line($"{Kernels}Bias.AccumulateColumnSums({RegionRows(dG, dg, 0, ldg, col, stack.Rows, gw)}, rows: {rows}, n: {N(gw)}, ldy: {N(ldg)}, {Whole("g", dir.BiasHh)});");
        cell.EmitExtraWeightGradients(this, layer, dir, rows);
    }

    private void EmitBackwardBlock(LayerPlan layer, DirectionPlan dir, StepBlock block)
    {
        CellEmitter cell = CellEmitter.For(layer);
        // hw: the width of h (P when projected); hd: the width of c and of each gate block.
        long hd = layer.Hidden, hw = layer.StateWidth, ld = layer.OutWidth, col = dir.Reverse ? hw : 0, b = _plan.B;
        List<StepIndex> steps = Enumerable.Reverse(block.Steps).ToList();
        bool readsInitial = steps.Any(t => PreviousStep(layer, dir, t) is null);
        bool packed = _plan.PacksRecurrentWeights;
        // A decoder sends the gradient of its initial state back to the encoder.
        Region? dState = layer.Stack.InitialStateGradient;
        EmitBlockHeader(block, backward: true, $"Backward through {layer.Stack.Describe}layer {layer.Index}{dir.Describe}");
        using (_w.Block($"private void {BlockName("Backward", layer, dir, block, backward: true)}({(block.Shared ? "int first" : "")})"))
        {
            if (!packed || cell.BackwardReadsParameters) _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (!packed) _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
            if (cell.BackwardReadsOutputs) _w.Line($"var h = {Whole("a", layer.Outputs)}; // h_t, [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            _w.Line($"var dh = {Whole("s", layer.HiddenGradient)}; // dL/dh_t, [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            if (readsInitial && cell.BackwardReadsInitialH) _w.Line($"var h0 = {InitialH(layer, dir)}; // h before the first step");
            cell.EmitBackwardLocals(this, layer, dir, readsInitial);
            if (layer.DropsRecurrent) _w.Line($"var m = {Whole("a", dir.RecurrentMask!)}; // recurrent dropout mask, [Batch, {hw}]");
            if (readsInitial && dState is not null)
                _w.Line($"var dh0 = {Slice("s", $"{C(dState)} + {C(dir.H0)}", b * hw)}; // dL/dh0: the encoder's gradient at its last step");
            foreach (string equation in cell.BackwardEquations) _w.Line("// " + equation);
            foreach (StepIndex t in steps)
            {
                StepIndex? prev = PreviousStep(layer, dir, t);
                // Where dL/dh_(t-1) goes: the previous step's rows, or the initial-state gradient (decoders), or nowhere.
                string? dhPrev = prev is { } p ? StepRows("dh", p, ld, col, hw) : dState is not null ? "dh0" : null;
                _w.Line($"// t = {t}");
                cell.EmitBackwardStep(this, layer, dir, new BackwardStepSpans(
                    Rows: N(b),
                    Gates: Slice("gates", StepOffset(t, layer.GateWidth), b * layer.GateWidth),
                    Cell: Slice("c", StepOffset(t, hd), b * hd),
                    CPrev: prev is { } p1 ? Slice("c", StepOffset(p1, hd), b * hd) : "c0",
                    H: StepRows("h", t, ld, col, hw),
                    HPrev: prev is { } p2 ? StepRows("h", p2, ld, col, hw) : "h0",
                    LdPrev: prev is null ? hw : ld,
                    RecurrentN: Slice("hn", StepOffset(t, hd), b * hd),
                    Dc: "dc",
                    Dh: StepRows("dh", t, ld, col, hw), DhPrevious: dhPrev,
                    LdPrevious: prev is not null ? ld : hw, Accumulate: prev is not null, StartsHere: prev is null, dState)
                {
                    Mask = layer.DropsRecurrent ? "m" : null,
                    Dm = layer.IsProjected ? "dm" : null,
                });
            }
        }
        _w.Line();
    }
}
