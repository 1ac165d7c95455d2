using RnnGen.Generator.Emitters.Heads;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    // ------------------------------------------------------------------------------------------------ logits and custom losses

    /// <summary>Logits need a buffer of their own in the caller's layout: recomputed (softmax), or unpacked from packed rows.</summary>
    private bool HasLogitsBuffer => _head.LogitsSource == LogitsSource.Recompute || (_head.LogitsSource == LogitsSource.Region && _plan.PacksLanes);

    private void EmitLogitsFields()
    {
        if (!HasLogitsBuffer) return;
        _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnLogits = new(OutputSteps * Batch * OutputSize); // Logits in the caller's layout, filled on first read");
        _w.Line(_head.LogitsSource == LogitsSource.Recompute
            ? "// Logits of the last forward pass: 0 not filled yet, 1 filled, 2 gone (TrainStep changed the parameters after its forward pass)."
            : "// Logits of the last forward pass: 0 not unpacked yet, 1 unpacked.");
        _w.Line("private int _rnnLogitsState;");
    }

    /// <summary>A forward pass makes the logits buffer stale (it is filled again on the next read).</summary>
    private void EmitLogitsStale()
    {
        if (HasLogitsBuffer) _w.Line("_rnnLogitsState = 0;");
    }

    /// <summary>TrainStep's update: the recomputed logits would no longer be the forward pass's.</summary>
    private void EmitLogitsGone()
    {
        if (_head.LogitsSource == LogitsSource.Recompute) _w.Line("_rnnLogitsState = 2; // z would be recomputed with the updated W_head");
    }

    private void EmitCustomLossMembers()
    {
        EmitLossOptionsProperty();
        EmitOptionsLoss();
        EmitLogitsProperty();
        EmitBackwardFromGradientPublic("BackwardFromOutput", "outputGradient", throughActivation: true);
        EmitBackwardFromGradientPublic("BackwardFromLogits", "logitGradient", throughActivation: false);
    }

    private void EmitLogitsProperty()
    {
        string shape = "[OutputSteps, Batch, OutputSize]";
        _w.Line("/// <summary>");
        _w.Line($"/// The head's logits z = h·W_headᵀ + b_head of the last forward pass, before the activation, {shape} in the caller's lane order");
        _w.Line("/// like <see cref=\"Output\"/>" + (_plan.PacksLanes ? " (0 where a lane has no step)" : "") + ". " + _head.LogitsSource switch
        {
            LogitsSource.Output => "No activation: the same values as Output.",
            LogitsSource.Region => "Kept by the forward pass for the stable loss" + (_plan.PacksLanes ? "; put in the caller's layout on the first read after a pass." : "."),
            _ => "The softmax replaces z in place, so z is recomputed from the head's input on the first read after a pass (one product over the output rows).",
        });
        _w.Line("/// </summary>");
        if (_head.LogitsSource == LogitsSource.Recompute)
            _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">TrainStep has updated the parameters since its forward pass: call Forward again.</exception>");
        switch (_head.LogitsSource)
        {
            case LogitsSource.Output:
                _w.Line($"public {ReadOnlySpan} Logits => Output;");
                _w.Line();
                return;
            case LogitsSource.Region when !_plan.PacksLanes:
                _w.Line($"public {ReadOnlySpan} Logits => {Slice("_rnnActivations.Span", C(_plan.Logits!), _plan.RowsOut * _plan.OutputSize)};");
                _w.Line();
                return;
        }
        _w.Line($"public {ReadOnlySpan} Logits");
        using (_w.Block())
        {
            _w.Line("get");
            using (_w.Block())
            {
                _w.Line("RnnEnter();");
                using (_w.Block("try"))
                {
                    if (_head.LogitsSource == LogitsSource.Recompute)
                        _w.Line("if (_rnnLogitsState == 2) throw new global::System.InvalidOperationException(\"TrainStep updated the parameters after its forward pass, so the logits of that pass cannot be recomputed: call Forward again, or read Logits before the update (Forward, Loss, Backward).\");");
                    _w.Line("if (_rnnLogitsState == 0 && _rnnPhase != 0) RnnFillLogits();");
                    _w.Line("return _rnnLogits.Span;");
                }
                using (_w.Block("finally"))
                    _w.Line("global::System.Threading.Volatile.Write(ref _rnnBusy, 0);");
            }
        }
        _w.Line();

        _w.Line("/// <summary>Fills <c>_rnnLogits</c> from the last forward pass.</summary>");
        using (_w.Block("private void RnnFillLogits()"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            string rows = _plan.IsManyToOne ? "_rnnLanes.Used" : _plan.PacksLanes ? "_rnnLanes.TotalRows" : N(_plan.RowsOut);
            if (_head.LogitsSource == LogitsSource.Region)
            {
                _w.Line("// The sigmoid head's z, kept in packed rows, in the caller's layout.");
                _w.Line($"_rnnLanes.UnpackRows({Slice("a", C(_plan.Logits!), _plan.RowsOut * _plan.OutputSize)}, width: OutputSize, _rnnLogits.Span);");
            }
            else
            {
                _w.Line(WorkersScope);
                _w.Line("var p = _rnnParameters.Span;");
                _w.Line($"int rows = {rows};{(_plan.PacksLanes ? " // the output rows, packed" : "")}");
                _w.Line($"var x = {HeadInputFrom("a", "0", "rows")};");
                _w.Line(_plan.PacksLanes
                    ? $"var z = {Slice("_rnnScratch.Span", C(_plan.OutputGradient), _plan.RowsOut * _plan.OutputSize)}.Slice(0, rows * OutputSize); // the Dz scratch, free between passes"
                    : "var z = _rnnLogits.Span;");
                _w.Line("// z = h·W_headᵀ + b_head, as the forward pass computed it before the softmax replaced it.");
                EmitHeadProduct("x", "z", "rows");
                if (_plan.PacksLanes) _w.Line("_rnnLanes.UnpackRows(z, width: OutputSize, _rnnLogits.Span);");
            }
            _w.Line("_rnnLogitsState = 1;");
        }
        _w.Line();
    }

    private void EmitBackwardFromGradientPublic(string name, string parameter, bool throughActivation)
    {
        string shape = "[OutputSteps, Batch, OutputSize]";
        string real = _plan.PacksLanes ? "_rnnLanes.Lengths" : "_rnnTargetLanes.Lengths";
        _w.Line("/// <summary>");
        if (throughActivation)
        {
            _w.Line($"/// Backpropagation through time from the gradient of a loss of your own with respect to <see cref=\"Output\"/>, {shape}: it goes");
            _w.Line($"/// through the head's activation ({Escape(_head.ActivationEquation)}) to dL/dz, then back as <c>Backward(targets)</c> does, adding");
            _w.Line("/// d(your loss)/d(Parameters) into <see cref=\"Gradients\"/>. For a loss written on the logits (stabler), use <see cref=\"BackwardFromLogits\"/>.");
        }
        else
        {
            _w.Line($"/// Backpropagation through time from the gradient of a loss of your own with respect to the logits z (<see cref=\"Logits\"/>), {shape}:");
            _w.Line("/// adds d(your loss)/d(Parameters) into <see cref=\"Gradients\"/>. Use it for losses computed stably from z (log-softmax, softplus).");
        }
        _w.Line("/// Read only at real steps (with lengths) and from LossStartStep on; other entries are ignored. Nothing is scaled: the gradient is the");
        _w.Line("/// gradient of the loss you minimize (divide by the lanes or tokens yourself for a mean).");
        _w.Line("/// </summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">Wrong length or a non-finite value at a real step; nothing changes.</exception>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No forward pass since the last backward pass.</exception>");
        using (GuardedMethod($"public void {name}({ReadOnlySpan} {parameter})"))
        {
            _w.Line("if (_rnnPhase != 1) throw new global::System.InvalidOperationException(_rnnPhase == 0");
            _w.Line($"    ? \"{name} needs a forward pass first: call Forward.\"");
            _w.Line($"    : \"Backward already consumed the activations of the last forward pass: call Forward again.\");");
            EmitReducedWeightsTrainingCheck(afterForward: true);
            _w.Line($"{Inputs}ArgumentChecks.Finite({parameter}, OutputSteps * Batch * OutputSize, \"{shape}\", nameof({parameter}), {real}, width: OutputSize, firstStep: _rnnLossStartStep);");
            _w.Line(WorkersScope);
            _w.Line(_head.LogitsSource == LogitsSource.Output
                ? $"RnnBackwardFromGradient({parameter});"
                : $"RnnBackwardFromGradient({parameter}, throughActivation: {Bool(throughActivation)});");
        }
        _w.Line();
    }

    // ------------------------------------------------------------------------------------------------ loss options

    private string HeadKindName => "global::RnnGen.HeadKind." + _spec.Output.Kind;

    private void EmitLossOptionsField() =>
        _w.Line($"private readonly global::RnnGen.LossOptions<{_e}> _rnnLossOptions = new({HeadKindName}, OutputSize, Batch);");

    private void EmitLossOptionsProperty()
    {
        _w.Line("/// <summary>");
        _w.Line("/// Options of the built-in loss, applied by Loss, Backward and TrainStep: reduction, per-lane sample weights" +
            (_head.LogitsSource == LogitsSource.Recompute ? ", class weights, label smoothing." : _head.LogitsSource == LogitsSource.Region ? ", positive weights." : "."));
        _w.Line("/// At their defaults the loss is the built-in one, bit for bit.");
        _w.Line("/// </summary>");
        _w.Line($"public global::RnnGen.LossOptions<{_e}> LossOptions => _rnnLossOptions;");
        _w.Line();
    }

    /// <summary>
    /// The loss under non-default <c>LossOptions</c> (computed in the runtime from the logits, outputs and targets of the
    /// real rows), and with <c>backward</c> its dz into the Dz scratch followed by the rest of backward.
    /// </summary>
    private void EmitOptionsLoss()
    {
        long c = _plan.OutputSize;
        _w.Line("/// <summary>The loss under LossOptions that are not the defaults; with <paramref name=\"backward\"/>, dz from it and the rest of backward.</summary>");
        using (_w.Block($"private {_e} RnnOptionsLoss({TargetType} targets, bool backward)"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            string layout, lanes, used;
            if (_plan.PacksLanes)
            {
                _w.Line(_plan.IsManyToOne ? "int rows = _rnnLanes.Used; // one output row per lane in use" : "int rows = _rnnLanes.TotalRows;");
                _w.Line("targets = RnnPackTargets(targets, rows);");
                layout = _plan.IsManyToOne ? "ManyToOne" : "Packed";
                lanes = "_rnnLanes";
                used = "_rnnLanes.Used";
            }
            else
            {
                _w.Line($"int rows = {N(_plan.RowsOut)};");
                layout = "Padded";
                lanes = "_rnnTargetLanes";
                used = "_rnnTargetLanes.Used";
            }
            _w.Line($"var output = a.Slice({C(_plan.OutputValues)}, rows * OutputSize);");
            switch (_head.LogitsSource)
            {
                case LogitsSource.Recompute:
                    _w.Line("// z = h·W_headᵀ + b_head again (the softmax replaced it), in the logits buffer; Logits refills it in the caller's layout when read.");
                    _w.Line("var p = _rnnParameters.Span;");
                    _w.Line($"var x = {HeadInputFrom("a", "0", "rows")};");
                    _w.Line("var z = _rnnLogits.Span.Slice(0, rows * OutputSize);");
                    EmitHeadProduct("x", "z", "rows");
                    _w.Line("_rnnLogitsState = 0;");
                    break;
                case LogitsSource.Region:
                    _w.Line($"var z = a.Slice({C(_plan.Logits!)}, rows * OutputSize);");
                    break;
                default:
                    _w.Line("var z = output; // no activation");
                    break;
            }
            _w.Line($"var dz = {Slice("_rnnScratch.Span", C(_plan.OutputGradient), _plan.RowsOut * c)}.Slice(0, rows * OutputSize);");
            _w.Line("// Rows that do not count (before LossStartStep, padded) keep dz = 0.");
            _w.Line("if (backward) dz.Clear();");
            string targets = ClassTargets ? "targets, default" : "default, targets";
            _w.Line($"{_e} loss = _rnnLossOptions.Evaluate({lanes}, global::RnnGen.LossRows.{layout}, _rnnLossStartStep, z, output, {targets}, n: OutputSize, lanesInUse: {used}, backward ? dz : default);");
            _w.Line(_plan.PacksLanes ? "if (backward) RnnBackwardFromDz(rows);" : "if (backward) RnnBackwardFromDz();");
            _w.Line("return loss;");
        }
        _w.Line();
    }
}

