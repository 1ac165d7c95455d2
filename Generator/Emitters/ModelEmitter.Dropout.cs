using System.Linq;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

/// <summary>
/// Dropout while training (<c>Training</c>, the default): inverted dropout of the input and of each layer's output on its
/// way up (Zaremba et al. 2014: every non-recurrent connection), and variational dropout of h_(t-1) in the recurrent
/// product (Gal &amp; Ghahramani 2016: one mask per lane for the whole pass). Masks hold 0 or 1/(1 − p) and are drawn from
/// the model's <c>DropoutRandom</c> at the start of each training pass; backward multiplies each gradient by the mask
/// its value went through. <c>_rnnDropping</c> says whether the last forward pass dropped: never in free-running decoding
/// nor in <c>Step</c>, which read h as it is. A model that declares no dropout gets none of this code.
/// </summary>
internal sealed partial class ModelEmitter
{
    /// <summary>
    /// Where the layer above (or the head) reads <paramref name="layer"/>'s output: h⊙mask while training when the layer
    /// drops its output, else h. An offset expression; both regions share one layout.
    /// </summary>
    internal static string SeenAbove(LayerPlan layer) => layer.DropsOutput
        ? $"(_rnnDropping ? {C(layer.Dropped!)} : {C(layer.Outputs)})"
        : C(layer.Outputs);

    /// <summary>Where dW_hh reads h_(t-1): h⊙m while training under recurrent dropout, else h. An offset expression.</summary>
    private static string RecurrentSource(LayerPlan layer) => layer.DropsRecurrent
        ? $"(_rnnDropping ? {C(layer.RecurrentInput!)} : {C(layer.Outputs)})"
        : C(layer.Outputs);

    /// <summary>h0 as the recurrent product and dW_hh read it: h0⊙m while training under recurrent dropout.</summary>
    private string RecurrentInitialH(LayerPlan layer, DirectionPlan dir) => layer.DropsRecurrent
        ? $"(_rnnDropping ? {Whole("_rnnActivations.Span", dir.RecurrentInitial!)} : {InitialH(layer, dir)})"
        : InitialH(layer, dir);

    /// <summary>Rows of a stack's per-step buffers a pass fills: Σ lengths (packed rows) or every row.</summary>
    private static string FilledRows(StackPlan stack) => stack.PacksLanes ? "_rnnLanes.TotalRows" : N(stack.Rows);

    /// <summary>The start of a training pass: whether it drops, and its masks.</summary>
    private void EmitDropoutStart()
    {
        if (!_plan.HasDropout) return;
        _w.Line("// Dropout while training (Training); each pass draws new masks, the same for forward and backward.");
        _w.Line("_rnnDropping = _rnnTraining;");
        _w.Line("if (_rnnDropping) RnnDrawDropoutMasks();");
    }

    /// <summary>Free-running decoding evaluates: nothing is dropped.</summary>
    private void EmitDecodeDropsNothing()
    {
        if (_plan.HasDropout) _w.Line("_rnnDropping = false; // decoding evaluates: nothing is dropped");
    }

    /// <summary>The method that draws a pass's masks: each value 0 with probability p, else 1/(1 − p).</summary>
    private void EmitDrawDropoutMasks()
    {
        if (!_plan.HasDropout) return;
        _w.Line("/// <summary>Draws this pass's dropout masks from <see cref=\"DropoutRandom\"/>: each value 0 with probability p, else 1/(1 − p).</summary>");
        using (_w.Block("private void RnnDrawDropoutMasks()"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            foreach (StackPlan stack in _plan.Stacks)
            {
                string rows = FilledRows(stack);
                if (stack.Input.DropoutMask is { } inputMask)
                    _w.Line($"{Kernels}Dropout.DrawMask(a.Slice({C(inputMask)}, {Times(rows, stack.Input.Width)}), {ModelPlan.Probability(stack.Input.Dropout)}, _rnnDropoutRandom); // x of the {(stack.Role == StackRole.Model ? "model" : stack.Describe.Trim())}");
                foreach (LayerPlan layer in stack.Layers)
                {
                    if (layer.DropoutMask is { } mask)
                        _w.Line($"{Kernels}Dropout.DrawMask(a.Slice({C(mask)}, {Times(rows, layer.OutWidth)}), {ModelPlan.Probability(layer.Spec.Dropout)}, _rnnDropoutRandom); // output of {stack.Describe}layer {layer.Index}");
                    if (!layer.DropsRecurrent) continue;
                    foreach (DirectionPlan dir in layer.Direction)
                        _w.Line($"{Kernels}Dropout.DrawMask({Whole("a", dir.RecurrentMask!)}, {ModelPlan.Probability(layer.Spec.RecurrentDropout)}, _rnnDropoutRandom); // h_(t-1) of {stack.Describe}layer {layer.Index}{dir.Describe}, one row per lane");
                }
            }
        }
        _w.Line();
    }

    /// <summary>x⊙mask in place, once the stack's inputs are loaded (and embedded).</summary>
    private void EmitInputDropout(StackPlan stack)
    {
        if (stack.Input.DropoutMask is not { } mask) return;
        string rows = FilledRows(stack), x = Whole("_rnnActivations.Span", stack.Input.X!), m = Whole("_rnnActivations.Span", mask);
        long width = stack.Input.Width;
        _w.Line($"// Input dropout (p = {ModelPlan.Probability(stack.Input.Dropout)}): x ← x⊙mask while training.");
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({x}, ldx: {N(width)}, {m}, ldm: {N(width)}, {x}, ldy: {N(width)}, rows: {rows}, columns: {N(width)});");
    }

    /// <summary>At the start of a layer's forward pass: h0⊙m, the recurrent product's input at the first step of each direction.</summary>
    private void EmitRecurrentInitial(LayerPlan layer, DirectionPlan dir)
    {
        if (!layer.DropsRecurrent) return;
        long h = layer.StateWidth;
        _w.Line($"// Recurrent dropout{dir.Describe} (p = {ModelPlan.Probability(layer.Spec.RecurrentDropout)}): the product reads h_(t-1)⊙m while training, m one row per lane for the whole pass; first h0⊙m.");
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({InitialH(layer, dir)}, ldx: {N(h)}, {Whole("a", dir.RecurrentMask!)}, ldm: {N(h)}, {Whole("a", dir.RecurrentInitial!)}, ldy: {N(h)}, rows: {N(_plan.B)}, columns: {N(h)});");
    }

    /// <summary>The locals a block of steps reads under recurrent dropout: h⊙m of every step, h0⊙m and m.</summary>
    private void EmitRecurrentDropoutLocals(LayerPlan layer, DirectionPlan dir, bool readsInitial)
    {
        if (!layer.DropsRecurrent) return;
        _w.Line($"var hr = _rnnDropping ? {Whole("a", layer.RecurrentInput!)} : h; // what the recurrent product reads: h_t⊙m while training");
        if (readsInitial) _w.Line($"var hr0 = {RecurrentInitialH(layer, dir)};");
        _w.Line($"var m = {Whole("a", dir.RecurrentMask!)}; // recurrent dropout mask, [Batch, {layer.StateWidth}]");
    }

    /// <summary>After the cell wrote h_t for <paramref name="rows"/> lanes: h_t⊙m, what the next step's product reads while training.</summary>
    private void EmitRecurrentInputAfterStep(LayerPlan layer, string h, string hr, string mask, string rows)
    {
        if (!layer.DropsRecurrent) return;
        long ld = layer.OutWidth, hd = layer.StateWidth;
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({h}, ldx: {N(ld)}, {mask}, ldm: {N(hd)}, {hr}, ldy: {N(ld)}, rows: {rows}, columns: {N(hd)});");
    }

    /// <summary>At the end of a layer's forward pass: h⊙mask, what the layer above or the head reads while training.</summary>
    private void EmitOutputDropout(LayerPlan layer)
    {
        if (!layer.DropsOutput) return;
        string rows = FilledRows(layer.Stack);
        long ld = layer.OutWidth;
        _w.Line($"// Dropout of this layer's output (p = {ModelPlan.Probability(layer.Spec.Dropout)}): the {(layer.IsTop ? "head" : "layer above")} reads h⊙mask while training.");
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({Whole("a", layer.Outputs)}, ldx: {N(ld)}, {Whole("a", layer.DropoutMask!)}, ldm: {N(ld)}, {Whole("a", layer.Dropped!)}, ldy: {N(ld)}, rows: {rows}, columns: {N(ld)});");
    }

    /// <summary>At the start of a layer's backward pass: dL/dh = dL/d(h⊙mask)⊙mask.</summary>
    private void EmitOutputDropoutBackward(LayerPlan layer)
    {
        if (!layer.DropsOutput) return;
        string rows = FilledRows(layer.Stack), dh = Whole("s", layer.HiddenGradient);
        long ld = layer.OutWidth;
        _w.Line("// The layer above read h⊙mask: dL/dh = dL/d(h⊙mask)⊙mask.");
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({dh}, ldx: {N(ld)}, {Whole("a", layer.DropoutMask!)}, ldm: {N(ld)}, {dh}, ldy: {N(ld)}, rows: {rows}, columns: {N(ld)});");
    }

    /// <summary>dL/dx of the stack's input through its dropout: dL/dx = dL/d(x⊙mask)⊙mask.</summary>
    private void EmitInputDropoutBackward(StackPlan stack, string dx)
    {
        if (stack.Input.DropoutMask is not { } mask) return;
        long width = stack.Input.Width;
        _w.Line("// x was dropped: dL/dx = dL/d(x⊙mask)⊙mask.");
        _w.Line($"if (_rnnDropping) {Kernels}Dropout.Apply({dx}, ldx: {N(width)}, {Whole("a", mask)}, ldm: {N(width)}, {dx}, ldy: {N(width)}, rows: {FilledRows(stack)}, columns: {N(width)});");
    }

    /// <summary>The fields behind <c>Training</c> and <c>DropoutRandom</c>.</summary>
    private void EmitDropoutFields()
    {
        _w.Line("private bool _rnnTraining = true;");
        _w.Line("private global::RnnGen.Randomness.Xoshiro256StarStar _rnnDropoutRandom;");
        if (!_plan.HasDropout) return;
        _w.Line("// Whether the last forward pass dropped (Training, and not free-running decoding): backward follows it.");
        _w.Line("private bool _rnnDropping;");
    }

    /// <summary><c>Training</c> and <c>DropoutRandom</c>, on every model (the runtime's interface has them).</summary>
    private void EmitDropoutProperties()
    {
        string declared = _plan.HasDropout ? DropoutSummary() : "this model declares no dropout, so it changes nothing here";
        _w.Line("/// <summary>");
        _w.Line("/// Whether forward passes train (default true): dropout applies only while training (" + declared + ").");
        _w.Line("/// Set it to false to evaluate; <c>Step</c> and free-running decoding never drop.");
        _w.Line("/// </summary>");
        _w.Line("public bool Training { get => _rnnTraining; set => _rnnTraining = value; }");
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// The generator dropout masks are drawn from, a new mask per training pass: seeded from the constructor's seed (a model");
        _w.Line("/// over shared parameters starts from seed 0, so give each replica its own). Unused by a model without dropout.");
        _w.Line("/// </summary>");
        _w.Line("public global::RnnGen.Randomness.Xoshiro256StarStar DropoutRandom { get => _rnnDropoutRandom; set => _rnnDropoutRandom = value ?? throw new global::System.ArgumentNullException(nameof(value)); }");
        _w.Line();
    }

    /// <summary>What the model drops, in words, for the documentation of <c>Training</c>.</summary>
    private string DropoutSummary()
    {
        var parts = new System.Collections.Generic.List<string>();
        if (_plan.First.Input.DropsValues) parts.Add($"input p = {ModelPlan.Probability(_plan.First.Input.Dropout)}");
        foreach (LayerPlan layer in _plan.First.Layers)
        {
            if (layer.Spec.Dropout > 0) parts.Add($"layer {layer.Index} output p = {ModelPlan.Probability(layer.Spec.Dropout)}");
            if (layer.DropsRecurrent) parts.Add($"layer {layer.Index} h_(t-1) p = {ModelPlan.Probability(layer.Spec.RecurrentDropout)}");
        }
        return string.Join("; ", parts);
    }
}
