using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    /// <summary>
    /// Single-step inference: one input for one lane through every layer and the head, updating that lane's row of
    /// the stepping state. Each layer's step is the cell's forward step at one row, so it agrees with <c>Forward</c>
    /// step by step.
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
        using (GuardedMethod("public void ResetStepState()"))
            _w.Line("_rnnInitialState.Span.CopyTo(_rnnStepState.Span);");
        _w.Line();
        _w.Line("/// <summary>Restarts single-step inference of one lane from its row of <see cref=\"InitialState\"/>; the other lanes go on (one stream per lane).</summary>");
        using (GuardedMethod("public void ResetStepState(int lane)"))
        {
            _w.Line("if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, \"The lane must lie in [0, Batch).\");");
            foreach (LayerPlan layer in stack.Layers)
            {
                DirectionPlan dir = layer.Direction[0];
                foreach ((Region slot, long width) in dir.C0 is { } c0 ? new[] { (dir.H0, layer.StateWidth), (c0, layer.Hidden) } : new[] { (dir.H0, layer.StateWidth) })
                    _w.Line($"_rnnInitialState.Span.Slice({C(slot)} + lane * {N(width)}, {N(width)}).CopyTo(_rnnStepState.Span.Slice({C(slot)} + lane * {N(width)}, {N(width)}));");
            }
        }
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// Runs one step for one lane: " + (TokenInput ? "a token id" : "an input vector") + " through every layer and the head, advancing that lane's");
        _w.Line("/// row of <see cref=\"StepState\"/>. Returns the lane's output (after activation), valid until the next call for that lane.");
        _w.Line("/// </summary>");
        using (GuardedMethod($"public {ReadOnlySpan} Step({input}, int lane = 0)"))
        {
            if (TokenInput)
                _w.Line("if ((uint)token >= InputSize) throw new global::System.ArgumentOutOfRangeException(nameof(token), token, \"The token id must lie in [0, InputSize).\");");
            else
                _w.Line($"{Inputs}ArgumentChecks.Finite(input, InputSize, \"[InputSize]\", nameof(input));");
            _w.Line("if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, \"The lane must lie in [0, Batch).\");");
            _w.Line(WorkersScope);
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("var state = _rnnStepState.Span;");
            foreach (LayerPlan layer in stack.Layers) EmitSingleStepLayer(layer);
            long c = _plan.OutputSize, top = _plan.HeadInputWidth;
            _w.Line("// Head: z = h·W_headᵀ + b_head, then the output activation.");
            _w.Line($"var output = s.Slice({C(_plan.StepOutput!)} + lane * {N(c)}, {N(c)});");
            EmitHeadProduct(LaneState(_plan.Top), "output", "1");
            _head.EmitActivation(this, "output", "output", "1", _plan.StepLogSumExp is { } lse ? Whole("s", lse) : "default");
            _w.Line("return output;");
        }
        _w.Line();
    }

    /// <summary>The lane's row of a layer's h in the stepping state.</summary>
    private static string LaneState(LayerPlan layer) => $"state.Slice({C(layer.Direction[0].H0)} + lane * {N(layer.StateWidth)}, {N(layer.StateWidth)})";

    /// <summary>One layer of <see cref="EmitStep"/>, in a block of its own so every layer names its spans as the equations do.</summary>
    private void EmitSingleStepLayer(LayerPlan layer)
    {
        CellEmitter cell = CellEmitter.For(layer);
        DirectionPlan dir = layer.Direction[0];
        StackPlan stack = layer.Stack;
        long gw = layer.GateWidth;
        _w.Line($"// {layer.Title} ({layer.CellName}, {layer.Hidden} units{Projected(layer)}).");
        using (_w.Block())
        {
            _w.Line($"var h = {LaneState(layer)}; // this lane's h, updated in place");
            _w.Line($"var gates = {Slice("s", C(_plan.StepGates!), gw)};");
            _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
            cell.EmitSingleStepLocals(this, layer, dir);
            cell.EmitBiasSum(_w, dir, "p", "s", C(_plan.StepGates!));
            if (layer.ReadsOneHot)
            {
                _w.Line($"{Inputs}OneHot.AddColumn({Whole("p", dir.WeightIh)}, n: {N(gw)}, InputSize, token, gates);");
            }
            else
            {
                string x = layer.Below is { } below ? LaneState(below)
                    : stack.Input.EmbeddingTensor is { } emb ? Slice("p", $"{C(emb)} + token * {N(stack.Input.Width)}", stack.Input.Width)
                    : "input";
                _w.Line($"{Kernels}Gemm.NT(m: 1, n: {N(gw)}, k: {N(layer.InWidth)}, {x}, lda: {N(layer.InWidth)}, {Whole("p", dir.WeightIh)}, ldb: {N(layer.InWidth)}, gates, ldc: {N(gw)}, accumulate: true);");
            }
            cell.EmitForwardStep(this, layer, cell.SingleStep(layer) with { ReducedMatrix = ReducedMatrixOf(dir) });
            cell.EmitSingleStepEnd(this, layer);
        }
    }
}
