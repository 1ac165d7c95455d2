using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
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
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("// Rows from LossStartStep on count; the loss sums over them and averages over the batch.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            _head.EmitLoss(this);
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
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line($"var dz = {Whole("s", _plan.OutputGradient)}; // dL/dz, [OutputSteps, Batch, {c}]");
            _w.Line("// Rows before LossStartStep do not count: their dz is zero.");
            _w.Line("int first = _rnnLossStartStep * Batch;");
            _w.Line("dz.Slice(0, first * OutputSize).Clear();");
            _head.EmitOutputGradient(this);
            (string x, long headRows) = HeadInput("a");
            _w.Line("// dW_head += dzᵀ·h and db_head += Σ dz, over all output rows at once.");
            _w.Line($"{Kernels}Gemm.TN(m: {N(c)}, n: {N(hd)}, k: {N(headRows)}, dz, lda: {N(c)}, {x}, ldb: {N(hd)}, {Whole("g", _plan.HeadWeight)}, ldc: {N(hd)}, accumulate: true);");
            _w.Line($"{Kernels}Bias.AccumulateColumnSums(dz, rows: {N(headRows)}, n: {N(c)}, ldy: {N(c)}, {Whole("g", _plan.HeadBias)});");
            string wHead = Whole("p", _plan.HeadWeight);
            LayerPlan top = _plan.Top;
            Region dhTop = top.HiddenGradient;
            if (_plan.IsManyToOne)
            {
                long steps = top.Stack.Steps, last = (steps - 1) * _plan.B * hd;
                string lastRows = Slice("s", Plus(C(dhTop), N(last)), _plan.B * hd);
                _w.Line("// dh of the top layer: dz·W_head at the step the head read, zero elsewhere (no output there).");
                _w.Line($"{Whole("s", dhTop)}.Clear();");
                _w.Line($"{Kernels}Gemm.NN(m: {N(_plan.B)}, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {lastRows}, ldc: {N(hd)}, accumulate: false);");
                if (_plan.HeadInputRows is not null && steps > 1)
                {
                    long h = top.Hidden;
                    string from = Slice("s", Plus(C(dhTop), N(last + h)), _plan.B * hd - h);
                    _w.Line("// The reverse half belongs to step 0, where the reverse direction ended: move it there.");
                    _w.Line($"{Kernels}Matrix.CopyRows({from}, ldSource: {N(hd)}, {Slice("s", Plus(C(dhTop), N(h)), _plan.B * hd - h)}, ldTarget: {N(hd)}, rows: {N(_plan.B)}, cols: {N(h)});");
                    _w.Line($"{Kernels}Matrix.ClearRows({from}, ld: {N(hd)}, rows: {N(_plan.B)}, cols: {N(h)});");
                }
            }
            else
            {
                _w.Line("// dh of the top layer at every step: dz·W_head.");
                _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(hd)}, k: {N(c)}, dz, lda: {N(c)}, {wHead}, ldb: {N(hd)}, {Slice("s", C(dhTop), rows * hd)}, ldc: {N(hd)}, accumulate: false);");
            }
            for (int si = _plan.Stacks.Count - 1; si >= 0; si--)
            {
                StackPlan stack = _plan.Stacks[si];
                for (int k = stack.Layers.Count - 1; k >= 0; k--) _w.Line($"RnnBackward{stack.Layers[k].Id}();");
            }
            _w.Line("_rnnPhase = 2;");
        }
        _w.Line();

        foreach (LayerPlan layer in _plan.AllLayers)
        {
            EmitLayerBackward(layer);
            foreach (DirectionPlan dir in layer.Direction)
                foreach (StepBlock block in Enumerable.Reverse(StepBlocks(layer, dir))) EmitBackwardBlock(layer, dir, block);
        }
    }

    private void EmitLayerBackward(LayerPlan layer)
    {
        StackPlan stack = layer.Stack;
        CellEmitter cell = CellEmitter.For(layer);
        long rows = stack.Rows, hd = layer.Hidden, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, steps = stack.Steps;
        _w.Line($"/// <summary>Backpropagation through time for {stack.Describe}layer {layer.Index} ({layer.CellName}, {hd} units), then its weight gradients.</summary>");
        using (_w.Block($"private void RnnBackward{layer.Id}()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var g = _rnnGradients.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (stack.Role == StackRole.Encoder)
            {
                // Encoder layer k's final state started decoder layer k: its gradient joins dh at the last step (and dc).
                Region dState = _plan.Last.InitialStateGradient!;
                string lastRows = Slice("s", Plus(C(layer.HiddenGradient), StepOffset(steps - 1, ld)), b * hd);
                string dh0 = Slice("s", $"{C(dState)} + {C(layer.Direction[0].H0)}", b * hd);
                if (layer.IsTop)
                {
                    _w.Line("// The encoder's top layer feeds no head: its only gradient is the decoder's, at the last step.");
                    _w.Line($"{Slice("s", C(layer.HiddenGradient), rows * ld)}.Clear();");
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
                string dx = Slice("s", C(dxRegion), rows * layer.InWidth);
                using (optional ? _w.Block("if (ComputeInputGradient)") : default(SourceWriter.BlockScope?))
                {
                    bool first = true;
                    foreach (DirectionPlan dir in layer.Direction)
                    {
                        foreach ((string block, long ldBlock, long width, long firstRow) in cell.InputSideBlocks(this, layer, dir, rows))
                        {
                            _w.Line($"{Kernels}Gemm.NN(m: {N(rows)}, n: {N(layer.InWidth)}, k: {N(width)}, {block}, lda: {N(ldBlock)}, {Slice("p", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldb: {N(layer.InWidth)}, {dx}, ldc: {N(layer.InWidth)}, accumulate: {Bool(!first)});");
                            first = false;
                        }
                    }
                }
                if (layer.Index == 0 && stack.Input.EmbeddingTensor is { } emb)
                {
                    _w.Line($"// d({emb.Name})[token_t] += dL/dx_t.");
                    _w.Line($"{Inputs}Embedding.AccumulateGradient({dx}, ldx: {N(layer.InWidth)}, {stack.Input.TokenField}, {Whole("g", emb)}, width: {N(layer.InWidth)});");
                }
            }
        }
        _w.Line();
    }

    /// <summary>dW_ih, dW_hh, db_ih and db_hh of one direction, each one product (or sum) over all steps.</summary>
    private void EmitWeightGradients(LayerPlan layer, DirectionPlan dir, CellEmitter cell)
    {
        StackPlan stack = layer.Stack;
        long rows = stack.Rows, hd = layer.Hidden, gw = layer.GateWidth, ld = layer.OutWidth, b = _plan.B, steps = stack.Steps;
        (Region dg, long ldg, long col) = cell.GateGradients(layer, dir);
        string dG = dg == layer.HiddenGradient ? "s" : "a";
        _w.Line($"// Weight gradients{dir.Describe}, summed over all {steps} steps by one product each ({stack.StepsName}·Batch = {rows} rows):");
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
                _w.Line($"{Inputs}OneHot.AccumulateRows({block}, ldc: {N(ldBlock)}, n: {N(width)}, {stack.Input.TokenField}, {Slice("s", Plus(C(_plan.OneHotWeights!), N(firstRow)), stack.Input.Ids * gw - firstRow)}, ldT: {N(gw)});");
            }
            else
            {
                (string xs, long ldx) = LayerInput(layer);
                _w.Line($"{Kernels}Gemm.TN(m: {N(width)}, n: {N(layer.InWidth)}, k: {N(rows)}, {block}, lda: {N(ldBlock)}, {xs}, ldb: {N(ldx)}, {Slice("g", Plus(C(dir.WeightIh), N(firstRow * layer.InWidth)), width * layer.InWidth)}, ldc: {N(layer.InWidth)}, accumulate: true);");
            }
            _w.Line($"{Kernels}Bias.AccumulateColumnSums({block}, rows: {N(rows)}, n: {N(width)}, ldy: {N(ldBlock)}, {Slice("g", Plus(C(dir.BiasIh), N(firstRow)), width)});");
        }
        if (transposedGradient is not null)
            _w.Line($"{Kernels}Matrix.AddTransposed({transposedGradient}, rows: {N(stack.Input.Ids)}, cols: {N(gw)}, {dWih});");

        // dW_hh pairs the gate gradients of step t with h_(t-1): the first step taken reads h0, and every other step
        // the outputs of the step before it, which lie one step earlier (forward) or later (reverse) in the h buffer.
        long firstStep = dir.Reverse ? steps - 1 : 0;
        string dWhh = Whole("g", dir.WeightHh);
        _w.Line($"//   dW_hh, shifted by one step: the gates of the first step{dir.Describe} pair with h0, those of every other step with h of the step before it.");
        _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: {N(b)}, {RegionRows(dG, dg, firstStep, ldg, col, b, gw)}, lda: {N(ldg)}, {InitialH(layer, dir)}, ldb: {N(hd)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
        if (steps > 1)
        {
            long dgFrom = dir.Reverse ? 0 : 1, hFrom = dir.Reverse ? 1 : 0;
            _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: {N((steps - 1) * b)}, {RegionRows(dG, dg, dgFrom, ldg, col, (steps - 1) * b, gw)}, lda: {N(ldg)}, " +
                $"{RegionRows("a", layer.Outputs, hFrom, ld, dir.Reverse ? hd : 0, (steps - 1) * b, hd)}, ldb: {N(ld)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
        }
        _w.Line($"{Kernels}Bias.AccumulateColumnSums({RegionRows(dG, dg, 0, ldg, col, rows, gw)}, rows: {N(rows)}, n: {N(gw)}, ldy: {N(ldg)}, {Whole("g", dir.BiasHh)});");
    }

    private void EmitBackwardBlock(LayerPlan layer, DirectionPlan dir, StepBlock block)
    {
        CellEmitter cell = CellEmitter.For(layer);
        long hd = layer.Hidden, ld = layer.OutWidth, col = dir.Reverse ? hd : 0, b = _plan.B;
        List<StepIndex> steps = Enumerable.Reverse(block.Steps).ToList();
        bool readsInitial = steps.Any(t => PreviousStep(layer, dir, t) is null);
        bool packed = _plan.PacksRecurrentWeights;
        // A decoder sends the gradient of its initial state back to the encoder.
        Region? dState = layer.Stack.InitialStateGradient;
        EmitBlockHeader(block, backward: true, $"Backward through {layer.Stack.Describe}layer {layer.Index}{dir.Describe}");
        using (_w.Block($"private void {BlockName("Backward", layer, dir, block, backward: true)}({(block.Shared ? "int first" : "")})"))
        {
            if (!packed) _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (!packed) _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
            if (cell.BackwardReadsOutputs) _w.Line($"var h = {Whole("a", layer.Outputs)}; // h_t, [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            _w.Line($"var dh = {Whole("s", layer.HiddenGradient)}; // dL/dh_t, [{layer.Stack.StepsName}, Batch, {layer.OutWidth}]");
            if (readsInitial && cell.BackwardReadsInitialH) _w.Line($"var h0 = {InitialH(layer, dir)}; // h before the first step");
            cell.EmitBackwardLocals(this, layer, dir, readsInitial);
            if (readsInitial && dState is not null)
                _w.Line($"var dh0 = {Slice("s", $"{C(dState)} + {C(dir.H0)}", b * hd)}; // dL/dh0: the encoder's gradient at its last step");
            foreach (string equation in cell.BackwardEquations) _w.Line("// " + equation);
            foreach (StepIndex t in steps)
            {
                StepIndex? prev = PreviousStep(layer, dir, t);
                // Where dL/dh_(t-1) goes: the previous step's rows, or the initial-state gradient (decoders), or nowhere.
                string? dhPrev = prev is { } p ? StepRows("dh", p, ld, col, hd) : dState is not null ? "dh0" : null;
                _w.Line($"// t = {t}");
                cell.EmitBackwardStep(this, layer, dir, new BackwardStepSpans(t, prev, StepRows("dh", t, ld, col, hd), dhPrev,
                    LdPrevious: prev is not null ? ld : hd, Accumulate: prev is not null, dState));
            }
        }
        _w.Line();
    }
}
