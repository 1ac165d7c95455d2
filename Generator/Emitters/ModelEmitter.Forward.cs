using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    /// <summary>
    /// A block of steps emitted as one method, its steps in the direction's order. A shared block is the one method that
    /// serves every middle block of a direction: its steps are <c>first ± k</c> and the pass calls it in a loop, so the
    /// generated source grows with the layers, not with the steps. The first and the last block keep constant steps
    /// (the first reads the initial state), and a sequence of at most two blocks has only constant ones.
    /// </summary>
    private sealed class StepBlock
    {
        public StepBlock(List<StepIndex> steps, bool shared)
        {
            Steps = steps;
            Shared = shared;
        }

        public List<StepIndex> Steps { get; }
        public bool Shared { get; }

        /// <summary>For a shared block: the first steps of the blocks it serves, in the direction's order.</summary>
        public List<long> Firsts { get; } = new();
    }

    /// <summary>The step whose state feeds step t, or null for the first step (which reads the initial state).</summary>
    private static StepIndex? PreviousStep(LayerPlan layer, DirectionPlan dir, StepIndex t)
    {
        if (t.IsRelative) return t.Plus(dir.Reverse ? 1 : -1);
        if (dir.Reverse) return t.Value == layer.Stack.Steps - 1 ? null : t.Value + 1;
        return t.Value == 0 ? null : t.Value - 1;
    }

    /// <summary>A direction's steps in blocks of <see cref="ModelPlan.StepsPerMethod"/>, in the order the direction visits them.</summary>
    private static List<StepBlock> StepBlocks(LayerPlan layer, DirectionPlan dir)
    {
        long steps = layer.Stack.Steps, size = ModelPlan.StepsPerMethod;
        var constant = new List<List<long>>();
        for (long i = 0; i < steps; i++)
        {
            if (i % size == 0) constant.Add(new List<long>());
            constant[constant.Count - 1].Add(dir.Reverse ? steps - 1 - i : i);
        }
        var blocks = new List<StepBlock>();
        StepBlock? shared = null;
        for (int b = 0; b < constant.Count; b++)
        {
            if (b == 0 || b == constant.Count - 1)
            {
                blocks.Add(new StepBlock(constant[b].Select(t => (StepIndex)t).ToList(), shared: false));
                continue;
            }
            if (shared is null)
            {
                shared = new StepBlock(Enumerable.Range(0, (int)size).Select(k => StepIndex.FromFirst(dir.Reverse ? -k : k)).ToList(), shared: true);
                blocks.Add(shared);
            }
            shared.Firsts.Add(constant[b][0]);
        }
        return blocks;
    }

    private static string BlockName(string pass, LayerPlan layer, DirectionPlan dir, StepBlock block, bool backward) =>
        block.Shared ? $"Rnn{pass}{layer.Id}{(dir.Reverse ? "Reverse" : "")}Block"
            : $"Rnn{pass}{layer.Id}{(dir.Reverse ? "Reverse" : "")}Steps{Ends(block, backward).First}To{Ends(block, backward).Last}";

    /// <summary>The first and last step a block's method runs, in the order it runs them.</summary>
    private static (string First, string Last) Ends(StepBlock block, bool backward) =>
        backward ? (block.Steps[block.Steps.Count - 1].ToString(), block.Steps[0].ToString()) : (block.Steps[0].ToString(), block.Steps[block.Steps.Count - 1].ToString());

    /// <summary>The call of a block's method: once, or for a shared block a loop over the blocks it serves.</summary>
    private string BlockCall(string pass, LayerPlan layer, DirectionPlan dir, StepBlock block, bool backward)
    {
        string name = BlockName(pass, layer, dir, block, backward);
        if (!block.Shared) return name + "();";
        long from = backward ? block.Firsts[block.Firsts.Count - 1] : block.Firsts[0];
        long to = backward ? block.Firsts[0] : block.Firsts[block.Firsts.Count - 1];
        bool up = to >= from;
        return $"for (int first = {N(from)}; first {(up ? "<=" : ">=")} {N(to)}; first {(up ? "+=" : "-=")} {N(ModelPlan.StepsPerMethod)}) {name}(first);";
    }

    /// <summary>The signature of a block's method and its summary's step range.</summary>
    private void EmitBlockHeader(StepBlock block, bool backward, string what)
    {
        (string first, string last) = Ends(block, backward);
        _w.Line(block.Shared
            ? $"/// <summary>{what}, steps {first} to {last}: every middle block of {N(ModelPlan.StepsPerMethod)} steps, called with its first step.</summary>"
            : $"/// <summary>{what}, steps {first} {(backward ? "down " : "")}to {last}.</summary>");
    }

    // ------------------------------------------------------------------------------------------------ forward

    private void EmitForward()
    {
        _w.Line("/// <summary>The forward pass over the loaded inputs" + (_plan.IsDecoding ? " (teacher forcing)" : "") + ": every layer over all steps, then the head.</summary>");
        using (_w.Block("private void RnnForwardCore()"))
        {
            EmitDropoutStart();
            foreach (StackPlan stack in _plan.Stacks)
            {
                if (FedDecoder(stack))
                {
                    _w.Line("// Input feeding: each decoder step reads the attentional state of the step before, so the decoder runs step by step.");
                    _w.Line("RnnForwardFedDecoder();");
                    continue;
                }
                EmitEmbeddingGather(stack, "0", stack.Rows);
                EmitInputDropout(stack);
                foreach (LayerPlan layer in stack.Layers) _w.Line($"RnnForward{layer.Id}();");
                if (stack.Role == StackRole.Encoder)
                {
                    _w.Line("// The decoder starts from the encoder's final state, layer by layer.");
                    EmitEncoderToDecoder();
                }
            }
            if (_plan.Attention is { Feeds: false }) _w.Line("RnnForwardAttention(first: 0, count: OutputSteps);");
            _w.Line("RnnForwardHead(first: 0, count: OutputSteps);");
            if (_plan.PacksLanes)
            {
                _w.Line("// Output in the caller's layout: lanes back in their order, 0 where a lane has no step.");
                _w.Line($"_rnnLanes.UnpackRows({Whole("_rnnActivations.Span", _plan.OutputValues)}, width: OutputSize, _rnnOutput.Span);");
            }
            _w.Line($"RnnSaveState{_plan.Last.Name}(_rnnFinalState.Span);");
            _w.Line("_rnnPhase = 1;");
            EmitReducedPassRecord();
            EmitLogitsStale();
        }
        _w.Line();

        foreach (LayerPlan layer in _plan.AllLayers)
        {
            if (FedDecoder(layer.Stack)) continue; // its steps are the decoding steps (RnnDecode…)
            EmitLayerForward(layer);
            foreach (DirectionPlan dir in layer.Direction)
            {
                foreach (StepBlock block in StepBlocks(layer, dir))
                {
                    if (layer.Stack.PacksLanes) EmitPackedForwardBlock(layer, dir, block);
                    else EmitForwardBlock(layer, dir, block);
                }
            }
        }
        EmitHeadForward();
        foreach (StackPlan stack in _plan.Stacks)
            if (stack.Role == StackRole.Encoder || stack == _plan.Last) EmitSaveState(stack);
    }

    /// <summary>x_t = E[token_t] for rows [first, first + rows) of a stack with an embedding.</summary>
    private void EmitEmbeddingGather(StackPlan stack, string firstRow, long rows)
    {
        if (stack.Input.EmbeddingTensor is not { } emb) return;
        long e = stack.Input.Width;
        bool all = firstRow == "0" && rows == stack.Rows;
        string tokens = all ? Tokens(stack) : $"global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, {firstRow}, {N(rows)})";
        string x = all ? Whole("_rnnActivations.Span", stack.Input.X!) : $"_rnnActivations.Span.Slice({C(stack.Input.X!)} + {firstRow} * {N(e)}, {N(rows * e)})";
        _w.Line($"// x_t = {emb.Name}[token_t].");
        _w.Line($"{Inputs}Embedding.Gather({Whole("_rnnParameters.Span", emb)}, width: {N(e)}, {tokens}, {x});");
    }

    /// <summary>A stack's token ids as the passes read them: every row, or (with lengths) the packed rows of real steps.</summary>
    private static string Tokens(StackPlan stack) => stack.PacksLanes
        ? $"global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, 0, _rnnLanes.TotalRows)"
        : stack.Input.TokenField!;

    /// <summary>The layer's input x: <c>(span, leading dimension)</c> of the [steps·Batch, InWidth] matrix it multiplies.</summary>
    private static (string Span, long Ld) LayerInput(LayerPlan layer) =>
        layer.Below is { } below ? (Slice("a", SeenAbove(below), below.Outputs.Length), below.OutWidth) : (Whole("a", layer.Stack.Input.X!), layer.InWidth);

    private void EmitLayerForward(LayerPlan layer)
    {
        StackPlan stack = layer.Stack;
        CellEmitter cell = CellEmitter.For(layer);
        bool packedRows = stack.PacksLanes;
        string rows = packedRows ? "rows" : N(stack.Rows);
        _w.Line(packedRows
            ? $"/// <summary>{layer.Title}: {layer.CellName}, {layer.Hidden} units{Projected(layer)}{(layer.Directions == 2 ? ", bidirectional" : "")}; reads packed rows [Σ lengths, {layer.InWidth}], writes h [Σ lengths, {layer.OutWidth}].</summary>"
            : $"/// <summary>{layer.Title}: {layer.CellName}, {layer.Hidden} units{Projected(layer)}{(layer.Directions == 2 ? ", bidirectional" : "")}; reads [{stack.StepsName}, Batch, {layer.InWidth}], writes h [{stack.StepsName}, Batch, {layer.OutWidth}].</summary>");
        using (_w.Block($"private void RnnForward{layer.Id}()"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (packedRows) _w.Line("int rows = _rnnLanes.TotalRows; // the real steps of all lanes (Σ lengths), packed");
            foreach (DirectionPlan dir in layer.Direction)
            {
                string bias = Whole("s", dir.BiasSum);
                (Region region, long ldTarget, long column) = cell.ProjectionTarget(layer, dir);
                string target = Slice("a", Plus(C(region), N(column)), region.Length - column);
                _w.Line(packedRows
                    ? $"// Input projection{dir.Describe} for all steps at once (one row per real step of each lane):"
                    : $"// Input projection{dir.Describe} for all {stack.Steps} steps at once ({stack.StepsName}·Batch = {rows} rows):");
                _w.Line($"//   {cell.ProjectionName} = x_t·W_ihᵀ + {cell.ProjectionBias}{cell.ProjectionNote}");
                cell.EmitBiasSum(_w, dir, "p", "s", C(dir.BiasSum));
                if (layer.ReadsOneHot)
                {
                    _w.Line("//   x_t is one-hot, so x_t·W_ihᵀ is row token_t of W_ihᵀ: a gather, no product (W_ih transposed once).");
                    string transposed = Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * layer.GateWidth);
                    EmitOneHotTranspose(layer, dir);
                    _w.Line($"{Inputs}OneHot.ProjectRows({transposed}, n: {N(layer.GateWidth)}, {Tokens(stack)}, {bias}, {target}, ldc: {N(ldTarget)});");
                }
                else
                {
                    (string x, long ldx) = LayerInput(layer);
                    _w.Line($"{Kernels}Bias.Broadcast({target}, rows: {rows}, n: {N(layer.GateWidth)}, ldc: {N(ldTarget)}, {bias});");
                    _w.Line($"{Kernels}Gemm.NT(m: {rows}, n: {N(layer.GateWidth)}, k: {N(layer.InWidth)}, {x}, lda: {N(ldx)}, {Whole("p", dir.WeightIh)}, ldb: {N(layer.InWidth)}, {target}, ldc: {N(ldTarget)}, accumulate: true);");
                }
                EmitRecurrentInitial(layer, dir);
                if (_plan.PacksRecurrentWeights)
                {
                    _w.Line($"// The recurrence{dir.Describe}, unrolled: {ModelPlan.StepsPerMethod} steps per method. W_hh is packed once for all of them.");
                    _w.Line($"_rnnPacked.PackNT({Whole("p", dir.WeightHh)}, n: {N(layer.GateWidth)}, k: {N(layer.StateWidth)}, ldb: {N(layer.StateWidth)});");
                }
                else
                {
                    _w.Line($"// The recurrence{dir.Describe}, unrolled: {ModelPlan.StepsPerMethod} steps per method.");
                }
                foreach (StepBlock block in StepBlocks(layer, dir)) _w.Line(BlockCall("Forward", layer, dir, block, backward: false));
            }
            EmitOutputDropout(layer);
        }
        _w.Line();
    }

    private void EmitForwardBlock(LayerPlan layer, DirectionPlan dir, StepBlock block)
    {
        CellEmitter cell = CellEmitter.For(layer);
        // hw: the width of h (P when projected); hd: the width of c and of each gate block.
        long hd = layer.Hidden, hw = layer.StateWidth, ld = layer.OutWidth, col = dir.Reverse ? hw : 0, b = _plan.B;
        bool packed = _plan.PacksRecurrentWeights;
        EmitBlockHeader(block, backward: false, layer.Title + dir.Describe);
        using (_w.Block($"private void {BlockName("Forward", layer, dir, block, backward: false)}({(block.Shared ? "int first" : "")})"))
        {
            EmitForwardLocals(layer, dir, block.Steps.Any(t => PreviousStep(layer, dir, t) is null), packed);
            foreach (StepIndex t in block.Steps)
            {
                StepIndex? prev = PreviousStep(layer, dir, t);
                _w.Line($"// t = {t}");
                cell.EmitForwardStep(this, layer, new StepSpans(
                    Rows: N(b),
                    HPrev: prev is { } p1 ? StepRows("h", p1, ld, col, hw) : "h0", LdPrev: prev is null ? hw : ld,
                    CPrev: prev is { } p2 ? Slice("c", StepOffset(p2, hd), b * hd) : "c0",
                    Gates: Slice("gates", StepOffset(t, layer.GateWidth), b * layer.GateWidth),
                    Cell: Slice("c", StepOffset(t, hd), b * hd),
                    RecurrentN: Slice("hn", StepOffset(t, hd), b * hd),
                    H: StepRows("h", t, ld, col, hw), Ld: ld,
                    Packed: packed)
                {
                    ReducedMatrix = ReducedMatrixOf(dir),
                    ProductInput = layer.DropsRecurrent ? (prev is { } p3 ? StepRows("hr", p3, ld, col, hw) : "hr0") : null,
                    Unprojected = layer.IsProjected ? Slice("mt", StepOffset(t, hd), b * hd) : null,
                });
                EmitRecurrentInputAfterStep(layer, StepRows("h", t, ld, col, hw), StepRows("hr", t, ld, col, hw), "m", N(b));
            }
        }
        _w.Line();
    }

    /// <summary>The spans a block of forward steps works on, named as in the equations, and the equations themselves.</summary>
    private void EmitForwardLocals(LayerPlan layer, DirectionPlan dir, bool readsInitial, bool packed, bool dropping = true)
    {
        CellEmitter cell = CellEmitter.For(layer);
        if (!packed || cell.ForwardReadsParameters) _w.Line("var p = _rnnParameters.Span;");
        _w.Line("var a = _rnnActivations.Span;");
        if (!packed) _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
        _w.Line($"var h = {Whole("a", layer.Outputs)}; // h_t, [{layer.Stack.RowsName}, {layer.OutWidth}]");
        if (readsInitial) _w.Line($"var h0 = {InitialH(layer, dir)}; // h before the first step{(layer.Stack.PacksLanes ? " (lanes sorted)" : "")}");
        cell.EmitForwardLocals(this, layer, dir, readsInitial);
        if (dropping) EmitRecurrentDropoutLocals(layer, dir, readsInitial);
        foreach (string equation in cell.ForwardEquations) _w.Line("// " + equation);
    }

    /// <summary>The head's input rows: every step (many-to-many and decoders) or the last step (many-to-one).</summary>
    private (string Span, long Rows) HeadInput(string a)
    {
        LayerPlan top = _plan.Top;
        if (_plan.HeadInputRows is { } gathered)
            return (Whole(a, gathered), _plan.B);
        if (_plan.Attention is { } attention)
            return (Whole(a, attention.Attentional), _plan.RowsOut);
        return (Slice(a, SeenAbove(top), top.Outputs.Length), _plan.RowsOut);
    }

    /// <summary>The head's input from output row <paramref name="firstRow"/> on (a C# expression), all the rows left or <paramref name="rows"/> of them.</summary>
    internal string HeadInputFrom(string a, string firstRow, string? rows = null)
    {
        LayerPlan top = _plan.Top;
        long width = _plan.HeadInputWidth;
        Region region = _plan.HeadInputRows ?? _plan.Attention?.Attentional ?? top.Outputs;
        long length = _plan.HeadInputRows is not null ? _plan.B * width : region.Length;
        string start = _plan.HeadInputRows is not null || _plan.Attention is not null ? C(region) : SeenAbove(top);
        return $"{a}.Slice({start} + {firstRow} * {N(width)}, {(rows is null ? $"{N(length)} - {firstRow} * {N(width)}" : Times(rows, width))})";
    }

    private void EmitHeadForward()
    {
        long c = _plan.OutputSize, hd = _plan.HeadInputWidth, b = _plan.B;
        _w.Line("/// <summary>The head on output steps [first, first + count): z = h·W_headᵀ + b_head, then the output activation.</summary>");
        using (_w.Block("private void RnnForwardHead(int first, int count)"))
        {
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            if (_plan.HeadInputRows is { } gathered)
            {
                LayerPlan top = _plan.Top;
                long h = top.StateWidth, ld = top.OutWidth;
                _w.Line(top.Directions == 2
                    ? "// The head reads each lane's h after its last real step (forward) and after step 0, where the reverse direction ends: PyTorch's h_n."
                    : "// The head reads each lane's h after its last real step.");
                string topOutputs = Slice("a", SeenAbove(top), top.Outputs.Length);
                _w.Line($"_rnnLanes.GatherLast({topOutputs}, ld: {N(ld)}, column: 0, width: {N(h)}, reverse: false, {Whole("a", gathered)}, ldDestination: {N(ld)});");
                if (top.Directions == 2)
                    _w.Line($"_rnnLanes.GatherLast({topOutputs}, ld: {N(ld)}, column: {N(h)}, width: {N(h)}, reverse: true, {Slice("a", Plus(C(gathered), N(h)), gathered.Length - h)}, ldDestination: {N(ld)});");
                _w.Line("int rows = _rnnLanes.Used, row = 0; // one row per lane in use");
            }
            else if (_plan.PacksLanes)
                _w.Line("int row = _rnnLanes.Start[first], rows = _rnnLanes.Start[first + count] - row; // the packed rows of these steps");
            else
                _w.Line("int rows = count * Batch, row = first * Batch;");
            _w.Line($"var x = {HeadInputFrom("a", "row", "rows")};");
            string output = $"a.Slice({C(_plan.OutputValues)} + row * {N(c)}, rows * {N(c)})";
            string z = _plan.Logits is { } logits ? $"a.Slice({C(logits)} + row * {N(c)}, rows * {N(c)})" : output;
            _w.Line($"var z = {z};");
            EmitHeadProduct("x", "z", "rows");
            _head.EmitActivation(this, "z", output, "rows", _plan.LogSumExp is { } lse ? $"a.Slice({C(lse)} + row, rows)" : "default");
        }
        _w.Line();
    }

    /// <summary><c>z = x·W_headᵀ + b_head</c> for <paramref name="rows"/> rows: the head of Forward and of Step alike.</summary>
    private void EmitHeadProduct(string x, string z, string rows)
    {
        long c = _plan.OutputSize, hd = _plan.HeadInputWidth;
        _w.Line($"{Kernels}Bias.Broadcast({z}, rows: {rows}, n: {N(c)}, ldc: {N(c)}, {Whole("p", _plan.HeadBias)});");
        _w.Line($"{Kernels}Gemm.NT(m: {rows}, n: {N(c)}, k: {N(hd)}, {x}, lda: {N(hd)}, {Whole("p", _plan.HeadWeight)}, ldb: {N(hd)}, {z}, ldc: {N(c)}, accumulate: true);");
    }

    /// <summary>Copies a stack's state after its last step (per direction) into a state-layout span.</summary>
    private void EmitSaveState(StackPlan stack)
    {
        _w.Line($"/// <summary>h (and c) of every {stack.Describe}layer after the last step each direction takes, in the layout of InitialState.</summary>");
        using (_w.Block($"private void RnnSaveState{stack.Name}({Span} destination)"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            if (stack.PacksLanes)
            {
                _w.Line("// Each lane's state after its last real step, in the caller's lane order; an unused lane keeps its initial state.");
                EmitStateAfter("Steps - 1", "destination");
            }
            else
            {
                EmitSaveStateAfterLastStep(stack);
            }
        }
        _w.Line();
    }

    /// <summary>Padded layout: every lane's state after step T − 1 (forward) or 0 (reverse).</summary>
    private void EmitSaveStateAfterLastStep(StackPlan stack)
    {
        foreach (LayerPlan layer in stack.Layers)
        {
            foreach (DirectionPlan dir in layer.Direction)
            {
                long last = dir.Reverse ? 0 : stack.Steps - 1;
                long hw = layer.StateWidth, col = dir.Reverse ? hw : 0;
                string hLast = Slice("a", Plus(C(layer.Outputs), StepOffset(last, layer.OutWidth, col)), (_plan.B - 1) * layer.OutWidth + hw);
                _w.Line($"{Kernels}Matrix.CopyRows({hLast}, ldSource: {N(layer.OutWidth)}, {Whole("destination", dir.H0)}, ldTarget: {N(hw)}, rows: {N(_plan.B)}, cols: {N(hw)});");
                if (dir.Cell is { } cell)
                    _w.Line($"{Slice("a", Plus(C(cell), StepOffset(last, layer.Hidden)), _plan.B * layer.Hidden)}.CopyTo({Whole("destination", dir.C0!)});");
            }
        }
    }
}
