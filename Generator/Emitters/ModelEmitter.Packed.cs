using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

/// <summary>
/// The recurrence of models that run lanes of different lengths (<see cref="ModelPlan.PacksLanes"/>). Activations are
/// packed sequences: lanes sorted by length, longest first, and step t holding only the <c>lanes[t]</c> lanes still
/// running, from packed row <c>start[t]</c> (<c>global::RnnGen.Inputs.PackedLanes</c> computes both once per pass).
/// Because the lanes are sorted, the lanes running at step t are a prefix of those running at step t − 1, so every step
/// is one product and one pointwise pass over contiguous rows, and padded steps cost nothing.
/// </summary>
internal sealed partial class ModelEmitter
{
    /// <summary><paramref name="rows"/> rows of a packed <c>[.., ld]</c> span from row <paramref name="firstRow"/>, columns <c>[column, column + width)</c>.</summary>
    internal static string PackedRows(string span, string firstRow, string rows, long ld, long column, long width)
    {
        string offset = Plus(Times(firstRow, ld), N(column));
        string length = width == ld ? Times(rows, ld) : $"{Times(rows, ld)} - {N(ld - width)}";
        return $"{span}.Slice({offset}, {length})";
    }

    /// <summary><c>x * stride</c> as C#, parenthesized where <paramref name="x"/> is a sum.</summary>
    private static string Times(string x, long stride)
    {
        if (stride == 1) return x;
        if (x == "0") return "0";
        return (IsSum(x) ? $"({x})" : x) + " * " + N(stride);
    }

    /// <summary>Whether <paramref name="x"/> has a + or − outside brackets (<c>start[first + 1]</c> is one term).</summary>
    private static bool IsSum(string x)
    {
        int depth = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == '[' || x[i] == '(') depth++;
            else if (x[i] == ']' || x[i] == ')') depth--;
            else if (depth == 0 && i > 0 && x[i - 1] == ' ' && (x[i] == '+' || x[i] == '-')) return true;
        }
        return false;
    }

    /// <summary>The packed-row locals every block of a model with lengths starts with.</summary>
    private void EmitPackedLocals()
    {
        _w.Line("var lanes = _rnnLanes.Rows; // lanes[t]: lanes still running at step t (sorted longest first, so the first lanes[t] lanes)");
        _w.Line("var start = _rnnLanes.Start; // start[t]: the packed row where step t begins");
    }

    /// <summary>A block of forward steps over packed rows.</summary>
    private void EmitPackedForwardBlock(LayerPlan layer, DirectionPlan dir, StepBlock block)
    {
        CellEmitter cell = CellEmitter.For(layer);
        // hw: the width of h (P when projected); hd: the width of c and of each gate block.
        long hd = layer.Hidden, hw = layer.StateWidth, ld = layer.OutWidth, gw = layer.GateWidth, col = dir.Reverse ? hw : 0;
        bool packed = _plan.PacksRecurrentWeights;
        EmitBlockHeader(block, backward: false, layer.Title + dir.Describe);
        using (_w.Block($"private void {BlockName("Forward", layer, dir, block, backward: false)}({(block.Shared ? "int first" : "")})"))
        {
            bool readsInitial = dir.Reverse || block.Steps.Any(t => PreviousStep(layer, dir, t) is null);
            EmitForwardLocals(layer, dir, readsInitial, packed);
            EmitPackedLocals();
            _w.Line(dir.Reverse && block.Steps.Any(t => PreviousStep(layer, dir, t) is not null) ? "int n, carried;" : "int n;");
            foreach (StepIndex t in block.Steps)
            {
                StepIndex? prev = PreviousStep(layer, dir, t);
                StepSpans Part(string firstRow, string rows, bool fromInitial, string prevRow) => new(
                    Rows: rows,
                    HPrev: fromInitial ? PackedRows("h0", firstRow, rows, hw, 0, hw) : PackedRows("h", prevRow, rows, ld, col, hw),
                    LdPrev: fromInitial ? hw : ld,
                    CPrev: fromInitial ? PackedRows("c0", firstRow, rows, hd, 0, hd) : PackedRows("c", prevRow, rows, hd, 0, hd),
                    Gates: PackedRows("gates", Plus($"start[{t}]", firstRow), rows, gw, 0, gw),
                    Cell: PackedRows("c", Plus($"start[{t}]", firstRow), rows, hd, 0, hd),
                    RecurrentN: PackedRows("hn", Plus($"start[{t}]", firstRow), rows, hd, 0, hd),
                    H: PackedRows("h", Plus($"start[{t}]", firstRow), rows, ld, col, hw), Ld: ld,
                    Packed: packed)
                {
                    ReducedMatrix = ReducedMatrixOf(dir),
                    ProductInput = !layer.DropsRecurrent ? null
                        : fromInitial ? PackedRows("hr0", firstRow, rows, hw, 0, hw) : PackedRows("hr", prevRow, rows, ld, col, hw),
                    Unprojected = layer.IsProjected ? PackedRows("mt", Plus($"start[{t}]", firstRow), rows, hd, 0, hd) : null,
                };
                EmitPackedStep(dir, t, prev, forwardEnds: true, "lanes running past t continue from step t + 1, a lane whose last step is t starts from h0",
                    (firstRow, rows, fromInitial, prevRow) =>
                    {
                        cell.EmitForwardStep(this, layer, Part(firstRow, rows, fromInitial, prevRow));
                        string here = Plus($"start[{t}]", firstRow);
                        EmitRecurrentInputAfterStep(layer, PackedRows("h", here, rows, ld, col, hw), PackedRows("hr", here, rows, ld, col, hw), PackedRows("m", firstRow, rows, hw, 0, hw), rows);
                    });
            }
        }
        _w.Line();
    }

    /// <summary>A block of backward steps over packed rows.</summary>
    private void EmitPackedBackwardBlock(LayerPlan layer, DirectionPlan dir, StepBlock block)
    {
        CellEmitter cell = CellEmitter.For(layer);
        long hd = layer.Hidden, hw = layer.StateWidth, ld = layer.OutWidth, gw = layer.GateWidth, col = dir.Reverse ? hw : 0;
        List<StepIndex> steps = Enumerable.Reverse(block.Steps).ToList();
        bool readsInitial = dir.Reverse || steps.Any(t => PreviousStep(layer, dir, t) is null);
        bool packed = _plan.PacksRecurrentWeights;
        EmitBlockHeader(block, backward: true, $"Backward through {layer.Stack.Describe}layer {layer.Index}{dir.Describe}");
        using (_w.Block($"private void {BlockName("Backward", layer, dir, block, backward: true)}({(block.Shared ? "int first" : "")})"))
        {
            if (!packed || cell.BackwardReadsParameters) _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            if (!packed) _w.Line($"var wHh = {Whole("p", dir.WeightHh)};");
            _w.Line($"var h = {Whole("a", layer.Outputs)}; // h_t in packed rows, [Σ lengths, {layer.OutWidth}]");
            _w.Line($"var dh = {Whole("s", layer.HiddenGradient)}; // dL/dh_t in packed rows, [Σ lengths, {layer.OutWidth}]");
            if (readsInitial) _w.Line($"var h0 = {InitialH(layer, dir)}; // h before the first step (lanes sorted)");
            cell.EmitBackwardLocals(this, layer, dir, readsInitial);
            if (layer.DropsRecurrent) _w.Line($"var m = {Whole("a", dir.RecurrentMask!)}; // recurrent dropout mask, [Batch, {hw}]");
            EmitPackedLocals();
            _w.Line(dir.Reverse && block.Steps.Any(t => PreviousStep(layer, dir, t) is not null) ? "int n, carried;" : "int n;");
            foreach (string equation in cell.BackwardEquations) _w.Line("// " + equation);
            foreach (StepIndex t in steps)
            {
                StepIndex? prev = PreviousStep(layer, dir, t);
                BackwardStepSpans Part(string firstRow, string rows, bool fromInitial, string prevRow) => new(
                    Rows: rows,
                    Gates: PackedRows("gates", Plus($"start[{t}]", firstRow), rows, gw, 0, gw),
                    Cell: PackedRows("c", Plus($"start[{t}]", firstRow), rows, hd, 0, hd),
                    CPrev: fromInitial ? PackedRows("c0", firstRow, rows, hd, 0, hd) : PackedRows("c", prevRow, rows, hd, 0, hd),
                    H: PackedRows("h", Plus($"start[{t}]", firstRow), rows, ld, col, hw),
                    HPrev: fromInitial ? PackedRows("h0", firstRow, rows, hw, 0, hw) : PackedRows("h", prevRow, rows, ld, col, hw),
                    LdPrev: fromInitial ? hw : ld,
                    RecurrentN: PackedRows("hn", Plus($"start[{t}]", firstRow), rows, hd, 0, hd),
                    Dc: PackedRows("dc", firstRow, rows, hd, 0, hd),
                    Dh: PackedRows("dh", Plus($"start[{t}]", firstRow), rows, ld, col, hw),
                    DhPrevious: fromInitial ? null : PackedRows("dh", prevRow, rows, ld, col, hw),
                    LdPrevious: ld, Accumulate: true, StartsHere: fromInitial, InitialStateGradient: null)
                {
                    Mask = layer.DropsRecurrent ? PackedRows("m", firstRow, rows, hw, 0, hw) : null,
                    Dm = layer.IsProjected ? PackedRows("dm", firstRow, rows, hd, 0, hd) : null,
                };
                EmitPackedStep(dir, t, prev, forwardEnds: false, "lanes running past t send dL/dh to step t + 1; for a lane whose last step is t, h0 took it",
                    (firstRow, rows, fromInitial, prevRow) => cell.EmitBackwardStep(this, layer, dir, Part(firstRow, rows, fromInitial, prevRow)));
            }
        }
        _w.Line();
    }

    /// <summary>
    /// One step t of a packed block, forward or backward, as calls of <paramref name="part"/> (first row, row count, whether
    /// it reads the initial state, the packed start of the step it reads): the forward direction is one part over the
    /// <c>lanes[t]</c> running lanes (forward pass: the block ends once none runs, since later steps have none either);
    /// the reverse direction is two, the lanes that run past t (<c>carried</c>, reading step t + 1) and the lanes whose
    /// last real step is t (reading h0).
    /// </summary>
    private void EmitPackedStep(DirectionPlan dir, StepIndex t, StepIndex? prev, bool forwardEnds, string reverseComment, System.Action<string, string, bool, string> part)
    {
        if (!dir.Reverse)
        {
            _w.Line($"// t = {t}");
            _w.Line($"n = lanes[{t}];");
            string prevRow = prev is { } p ? $"start[{p}]" : "";
            if (forwardEnds)
            {
                _w.Line("if (n == 0) return; // every lane has ended, and later steps have no lanes either");
                part("0", "n", prev is null, prevRow);
            }
            else
            {
                using (_w.Block("if (n > 0)")) part("0", "n", prev is null, prevRow);
            }
            return;
        }
        _w.Line($"// t = {t}: {reverseComment}");
        if (prev is { } next)
        {
            _w.Line($"n = lanes[{t}]; carried = lanes[{next}];");
            using (_w.Block("if (carried > 0)")) part("0", "carried", false, $"start[{next}]");
            using (_w.Block("if (n > carried)")) part("carried", "n - carried", true, "");
        }
        else
        {
            _w.Line($"n = lanes[{t}];");
            using (_w.Block("if (n > 0)")) part("0", "n", true, "");
        }
    }

    /// <summary>
    /// dW_hh over packed rows: <c>Σ_t dgates_tᵀ·h_(t-1)</c> as two products, the rows of the first step a direction takes
    /// with h0, and every other row with h_(t-1) copied next to it (in packed rows, the lanes running at step t are a
    /// prefix of those at t − 1, so h_(t-1) does not lie one step away as in the padded layout).
    /// </summary>
    private void EmitPackedRecurrentWeightGradient(LayerPlan layer, DirectionPlan dir, string dG, Region dg, long ldg, long col)
    {
        long hd = layer.StateWidth, gw = layer.GateWidth, ld = layer.OutWidth, last = layer.Stack.Steps - 1; // hd: the width of h
        string dWhh = Whole("g", dir.WeightHh), h0 = RecurrentInitialH(layer, dir);
        Region previous = _plan.PreviousRows!;
        string firstRows = dir.Reverse ? $"_rnnLanes.Rows[{N(last)}]" : "_rnnLanes.Rows[0]";
        string firstStart = dir.Reverse ? $"_rnnLanes.Start[{N(last)}]" : "0";
        _w.Line($"//   dW_hh: the gates of the first step{dir.Describe} pair with h0, those of every other step with h_(t-1), copied next to them.");
        using SourceWriter.BlockScope scope = _w.Block();
        _w.Line($"int firstRows = {firstRows}; // rows of step {(dir.Reverse ? N(last) : "0")}, which read h0");
        using (_w.Block("if (firstRows > 0)"))
            _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: firstRows, {dG}.Slice({Plus(Plus(C(dg), Times(firstStart, ldg)), N(col))}, {Times("firstRows", ldg)}{(gw == ldg ? "" : $" - {N(ldg - gw)}")}), lda: {N(ldg)}, {h0}, ldb: {N(hd)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
        if (last == 0) return;
        _w.Line($"_rnnLanes.PreviousRows({Slice("a", RecurrentSource(layer), layer.Outputs.Length)}, ld: {N(ld)}, column: {N(dir.Reverse ? hd : 0)}, width: {N(hd)}, reverse: {Bool(dir.Reverse)}, {h0}, {Whole("s", previous)});");
        // Forward: every row from step 1 on; reverse: every row before step T−1.
        string from = dir.Reverse ? "0" : "firstRows", count = "rows - firstRows";
        using (_w.Block("if (rows > firstRows)"))
            _w.Line($"{Kernels}Gemm.TN(m: {N(gw)}, n: {N(hd)}, k: {count}, {dG}.Slice({Plus(Plus(C(dg), Times(from, ldg)), N(col))}, {Times($"({count})", ldg)}{(gw == ldg ? "" : $" - {N(ldg - gw)}")}), lda: {N(ldg)}, " +
                $"s.Slice({Plus(C(previous), Times(from, hd))}, {Times($"({count})", hd)}), ldb: {N(hd)}, {dWhh}, ldc: {N(hd)}, accumulate: true);");
    }
}
