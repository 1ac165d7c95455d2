using System.Collections.Generic;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters.Cells;

/// <summary>The LSTM (PyTorch's gate order i, f, g, o): <c>global::RnnGen.Cells.LstmCell</c> does the pointwise math.</summary>
internal sealed class LstmCellEmitter : CellEmitter
{
    public static readonly LstmCellEmitter Instance = new();

    public override IReadOnlyList<string> ForwardEquations { get; } = new[]
    {
        "[i f g o] = x·W_ihᵀ + b_ih + h_(t-1)·W_hhᵀ + b_hh",
        "i, f, o = σ(·);  g = tanh(·)",
        "c_t = f⊙c_(t-1) + i⊙g;  h_t = o⊙tanh(c_t)",
    };

    public override IReadOnlyList<string> BackwardEquations { get; } = new[]
    {
        "τ = tanh(c_t);  do = dh_t⊙τ⊙o(1−o);  dc += dh_t⊙o⊙(1−τ²)   (dc: dL/dc_t, carried from step t + 1)",
        "di = dc⊙g⊙i(1−i);  df = dc⊙c_(t-1)⊙f(1−f);  dg = dc⊙i⊙(1−g²);  then dc ← dc⊙f, which is dL/dc_(t-1)",
        "(i f g o) are overwritten in place by (di df dg do);  dh_(t-1) += [di df dg do]·W_hh",
    };

    public override bool BackwardReadsOutputs => false;

    public override void EmitForwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        e.W.Line($"var gates = {Whole("a", dir.Gates!)}; // [{layer.Stack.RowsName}, 4·{layer.Hidden}]");
        e.W.Line($"var c = {Whole("a", dir.Cell!)}; // c_t, [{layer.Stack.RowsName}, {layer.Hidden}]");
        if (readsInitial) e.W.Line($"var c0 = {e.InitialC(layer, dir)}; // c before step 0");
    }

    public override void EmitBackwardLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        EmitForwardLocals(e, layer, dir, readsInitial);
        e.W.Line($"var dc = {Slice("s", C(e.Plan.CellGradient!), e.B * layer.Hidden)}; // dL/dc, carried from step t + 1 to step t");
    }

    public override void EmitForwardStep(ModelEmitter e, LayerPlan layer, StepSpans s)
    {
        e.W.Line(e.RecurrentProduct(layer, s, s.Gates, layer.GateWidth, accumulate: true));
        e.W.Line($"{CellKernels}LstmCell.Forward({s.Gates}, {s.CPrev}, {s.Cell}, {s.H}, ldh: {N(s.Ld)}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
    }

    public override void EmitBackwardStart(ModelEmitter e, LayerPlan layer, DirectionPlan dir)
    {
        string dc = Slice("s", C(e.Plan.CellGradient!), e.B * layer.Hidden);
        if (layer.Stack.Role == StackRole.Encoder)
        {
            string dcDecoder = Slice("s", $"{C(e.Plan.Last.InitialStateGradient!)} + {C(dir.C0!)}", e.B * layer.Hidden);
            e.W.Line("// dL/dc after the last step is what the decoder's first step sent back.");
            // Packed rows: dc's row i is sorted lane i's, first touched at that lane's last real step.
            e.W.Line(layer.Stack.PacksLanes ? $"_rnnLanes.SortLanes({dcDecoder}, width: {N(layer.Hidden)}, {dc});" : $"{dcDecoder}.CopyTo({dc});");
        }
        else
        {
            e.W.Line($"// dL/dc after the last step{dir.Describe} is zero.");
            e.W.Line($"{dc}.Clear();");
        }
    }

    public override void EmitBackwardStep(ModelEmitter e, LayerPlan layer, DirectionPlan dir, BackwardStepSpans s)
    {
        e.W.Line($"{CellKernels}LstmCell.Backward({s.Gates}, {s.CPrev}, {s.Cell}, {s.Dh}, lddh: {N(layer.OutWidth)}, {s.Dc}, batch: {s.Rows}, hidden: {N(layer.Hidden)});");
        if (s.DhPrevious is not null)
            e.W.Line(e.RecurrentGradientProduct(layer, s.Rows, s.Gates, layer.GateWidth, s.DhPrevious, s.LdPrevious, s.Accumulate, s.Mask));
        if (s.StartsHere && s.InitialStateGradient is { } dState)
            e.W.Line($"dc.CopyTo({Slice("s", $"{C(dState)} + {C(dir.C0!)}", e.B * layer.Hidden)}); // dL/dc0");
    }

    public override void EmitSingleStepLocals(ModelEmitter e, LayerPlan layer, DirectionPlan dir) =>
        e.W.Line($"var c = state.Slice({C(dir.C0!)} + lane * {N(layer.Hidden)}, {N(layer.Hidden)}); // this lane's c, updated in place");
}
