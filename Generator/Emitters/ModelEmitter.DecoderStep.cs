using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

internal sealed partial class ModelEmitter
{
    /// <summary>
    /// The decoder one step at a time over states the caller owns (<c>IDecoderStepModel</c>), for one-to-many and
    /// encoder–decoder models: <c>Encode</c> once, <c>StartDecoder</c> and <c>StartInput</c> per source lane, then
    /// <c>DecoderStep</c> over any rows, each row a source lane's hypothesis. A chunk of at most Batch rows runs through
    /// the decoder's step-0 activations with the same kernels, in the same order, as free-running decoding
    /// (<see cref="EmitDecode"/>); only h_(t-1) and c_(t-1) come from the caller's rows. Each stage is a method of its own
    /// (load, one per layer, head, store), so a stage can go between the top layer and the head.
    /// </summary>
    private void EmitDecoderStep()
    {
        if (!_plan.IsDecoding) return;
        StackPlan decoder = _plan.Last;
        bool tokenDecoder = decoder.Input.Kind != StackInputKind.Vector;
        string stepType = tokenDecoder ? "int" : _e;
        string stepSpan = $"global::System.ReadOnlySpan<{stepType}>";
        // Input feeding: a row's state also holds h̃ of its last step, which its next step reads.
        AttentionPlan? fed = _plan.Attention is { Feeds: true } feeding ? feeding : null;
        long rowState = _plan.StateLength / _plan.B + (fed?.D ?? 0);
        long decoderInputs = tokenDecoder ? decoder.Input.Ids : decoder.Input.Width;
        string inputShape = TokenInput ? "[Steps, Batch]" : "[Steps, Batch, InputSize]";
        string workers = WorkersScope;

        _w.Line(fed is null
            ? "/// <summary>Values of one row's decoder state: every decoder layer's h, then every LSTM layer's c (a row of <see cref=\"InitialState\"/>'s layout).</summary>"
            : "/// <summary>Values of one row's decoder state: every decoder layer's h, then every LSTM layer's c, then h̃ of the row's last step (input feeding; 0 at the start).</summary>");
        _w.Line($"public const int DecoderStateSize = {N(rowState)};");
        _w.Line(tokenDecoder
            ? $"/// <summary>Token ids the decoder reads lie in [0, DecoderInputSize){(_plan.IsEncoderDecoder ? ": the classes, then StartToken" : "")}.</summary>"
            : "/// <summary>Values of one decoder input (the previous step's output).</summary>");
        _w.Line($"public const int DecoderInputSize = {N(decoderInputs)};");
        _w.Line("/// <summary>Values of one decoder input in a span: " + (tokenDecoder ? "1 (a token id)." : "DecoderInputSize.") + "</summary>");
        _w.Line($"public const int DecoderInputWidth = {(tokenDecoder ? "1" : "DecoderInputSize")};");
        _w.Line();
        _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnEncodedState = new(StateSize); // each lane's decoder start state, laid out as InitialState");
        _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnStepPrevious = new(StateSize); // h_(t-1) and c_(t-1) of a chunk of decoder-step rows, laid out as InitialState");
        if (_plan.IsOneToMany)
        {
            _w.Line(TokenInput
                ? "private readonly int[] _rnnEncodedTokens = new int[Batch]; // each lane's encoded input token, the decoder's first input"
                : $"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnEncodedInputs = new(Batch * InputSize); // each lane's encoded input, the decoder's first input");
        }
        if (_plan.Attention is { } encodedAttention)
        {
            _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnEncodedMemory = new({N(encodedAttention.Memory.Length)}); // the encoded ē the decoder steps attend over, [Steps, Batch, E]");
            if (encodedAttention.Keys is { } keys)
                _w.Line($"private readonly global::RnnGen.Memory.AlignedBuffer<{_e}> _rnnEncodedKeys = new({N(keys.Length)}); // the encoded keys k_s = ē_s·W_kᵀ, [Steps, Batch, D]");
            _w.Line("private readonly int[] _rnnEncodedLengths = new int[Batch]; // each encoded lane's source length");
        }
        _w.Line("private bool _rnnEncoded; // Encode has run: the decoder-step API has start states");
        _w.Line();

        // Encode.
        _w.Line("/// <summary>");
        _w.Line(_plan.IsEncoderDecoder
            ? "/// Runs the encoder once over the inputs and keeps each lane's final state, which <see cref=\"StartDecoder\"/> hands out."
            : "/// Keeps each lane's input (the decoder's first input, <see cref=\"StartInput\"/>) and its row of <see cref=\"InitialState\"/> (<see cref=\"StartDecoder\"/>).");
        _w.Line("/// The last pass's activations are no longer available to Loss and Backward.");
        _w.Line("/// </summary>");
        _w.Line($"/// <exception cref=\"global::System.ArgumentException\">Wrong length{(TokenInput ? " or a token id out of range" : " or a non-finite value")}; nothing changes.</exception>");
        using (GuardedMethod($"public void Encode({InputType} {InputParameter})"))
        {
            EmitInputCheck(inputShape);
            _w.Line(workers);
            if (_plan.First.PacksLanes) _w.Line("_rnnLanes.SetFull();");
            _w.Line($"RnnLoadInputs({InputParameter});");
            _w.Line("RnnEncode();");
        }
        _w.Line();
        if (_plan.First.PacksLanes)
        {
            _w.Line("/// <summary>Encodes sources of <paramref name=\"sourceLengths\"/>[b] in [0, Steps] steps of lane b: its decoder starts from the encoder's state after its last real step.</summary>");
            _w.Line($"/// <exception cref=\"global::System.ArgumentException\">Wrong lengths{(TokenInput ? ", a token id out of range" : ", a non-finite value")} at a real step; nothing changes.</exception>");
            using (GuardedMethod($"public void Encode({InputType} {InputParameter}, global::System.ReadOnlySpan<int> sourceLengths)"))
            {
                _w.Line($"{Inputs}ArgumentChecks.Lengths(sourceLengths, Steps, Batch, nameof(sourceLengths));");
                EmitInputCheck(inputShape, "sourceLengths");
                _w.Line(workers);
                _w.Line("_rnnLanes.Set(sourceLengths);");
                _w.Line($"RnnLoadInputs({InputParameter});");
                _w.Line("RnnEncode();");
            }
            _w.Line();
        }
        using (_w.Block("private void RnnEncode()"))
        {
            EmitDecodeDropsNothing();
            if (_plan.IsEncoderDecoder)
            {
                StackPlan encoder = _plan.First;
                _w.Line("// The encoder reads the whole input at once, as in Forward; its final state starts every lane's decoder.");
                EmitEmbeddingGather(encoder, "0", encoder.Rows);
                foreach (LayerPlan layer in encoder.Layers) _w.Line($"RnnForward{layer.Id}();");
                if (_plan.BridgesState || _plan.Attention is not null)
                {
                    EmitEncoderToDecoder();
                    _w.Line($"{StateBuffer(decoder)}.CopyTo(_rnnEncodedState.Span);");
                }
                else
                {
                    _w.Line($"RnnSaveState{encoder.Name}(_rnnEncodedState.Span);");
                }
                if (_plan.Attention is { } att)
                {
                    _w.Line("// What the attention of later decoder steps reads, kept apart from the activations (a pass in between may replace them).");
                    _w.Line($"{Whole("_rnnActivations.Span", att.Memory)}.CopyTo(_rnnEncodedMemory.Span);");
                    if (att.Keys is { } keys) _w.Line($"{Whole("_rnnActivations.Span", keys)}.CopyTo(_rnnEncodedKeys.Span);");
                    _w.Line("_rnnLanes.Lengths.CopyTo(_rnnEncodedLengths);");
                }
            }
            else
            {
                _w.Line("_rnnInitialState.Span.CopyTo(_rnnEncodedState.Span);");
                _w.Line(TokenInput
                    ? $"global::System.MemoryExtensions.AsSpan({decoder.Input.TokenField}, 0, Batch).CopyTo(_rnnEncodedTokens);"
                    : $"{Slice("_rnnActivations.Span", C(decoder.Input.X!), _plan.B * _spec.Input.Size)}.CopyTo(_rnnEncodedInputs.Span);");
            }
            _w.Line("_rnnEncoded = true;");
            _w.Line("_rnnPhase = 0; // the encoder's activations are this call's, the decoder's the last pass's: no Loss or Backward until the next pass");
            EmitLogitsStale();
        }
        _w.Line();

        // StartDecoder and StartInput.
        List<(Region Slot, long Width)> slots = StateSlots(decoder);
        _w.Line("/// <summary>Writes the state the decoder of source lane <paramref name=\"lane\"/> starts from (DecoderStateSize values) into <paramref name=\"state\"/>.</summary>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Nothing has been encoded yet.</exception>");
        using (GuardedMethod($"public void StartDecoder(int lane, {Span} state)"))
        {
            EmitEncodedCheck();
            _w.Line("if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, \"The lane must lie in [0, Batch).\");");
            _w.Line($"{Inputs}ArgumentChecks.Length(state.Length, DecoderStateSize, \"[DecoderStateSize]\", nameof(state));");
            foreach ((Region slot, long width) in slots)
                _w.Line($"_rnnEncodedState.Span.Slice({C(slot)} + lane * {N(width)}, {N(width)}).CopyTo(state.Slice({N(slot.Offset / _plan.B)}, {N(width)})); // {slot.Comment}");
            if (fed is not null) _w.Line($"state.Slice({N(_plan.StateLength / _plan.B)}, {N(fed.D)}).Clear(); // h̃_(-1) = 0");
        }
        _w.Line();
        _w.Line("/// <summary>Writes the decoder's first input for source lane <paramref name=\"lane\"/> (DecoderInputWidth values) into <paramref name=\"input\"/>: " +
            (_plan.IsOneToMany ? "the lane's encoded input." : tokenDecoder ? "StartToken." : "zeros (x_0 = 0).") + "</summary>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Nothing has been encoded yet.</exception>");
        using (GuardedMethod($"public void StartInput(int lane, global::System.Span<{stepType}> input)"))
        {
            EmitEncodedCheck();
            _w.Line("if ((uint)lane >= Batch) throw new global::System.ArgumentOutOfRangeException(nameof(lane), lane, \"The lane must lie in [0, Batch).\");");
            _w.Line($"{Inputs}ArgumentChecks.Length(input.Length, DecoderInputWidth, \"[DecoderInputWidth]\", nameof(input));");
            _w.Line(_plan.IsOneToMany
                ? TokenInput ? "input[0] = _rnnEncodedTokens[lane];" : "_rnnEncodedInputs.Span.Slice(lane * InputSize, InputSize).CopyTo(input);"
                : tokenDecoder ? "input[0] = StartToken;" : "input.Clear();");
        }
        _w.Line();

        // DecoderStep.
        _w.Line("/// <summary>");
        _w.Line("/// One decoder step for lanes.Length rows: row r continues source lane lanes[r], reads <paramref name=\"inputs\"/> from r·DecoderInputWidth,");
        _w.Line("/// advances <paramref name=\"states\"/> from r·DecoderStateSize in place and writes its output (after the head's activation) into");
        _w.Line("/// <paramref name=\"outputs\"/> from r·OutputSize. Rows may come in any order and repeat a lane; they run in chunks of at most Batch");
        _w.Line("/// rows through the decoder's step-0 activations, so the last pass's Output is overwritten and Loss and Backward need a new pass.");
        _w.Line("/// </summary>");
        _w.Line($"/// <exception cref=\"global::System.ArgumentException\">A span of the wrong length, a lane outside [0, Batch){(tokenDecoder ? ", a token id outside [0, DecoderInputSize)" : ", a non-finite input")}; nothing changes.</exception>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">Nothing has been encoded yet.</exception>");
        using (GuardedMethod($"public void DecoderStep(global::System.ReadOnlySpan<int> lanes, {stepSpan} inputs, {Span} states, {Span} outputs)"))
        {
            EmitEncodedCheck();
            _w.Line("int rows = lanes.Length;");
            _w.Line("for (int r = 0; r < rows; r++)");
            _w.Line("    if ((uint)lanes[r] >= Batch) throw new global::System.ArgumentException($\"Lane {lanes[r]} at row {r} is outside [0, {Batch}).\", nameof(lanes));");
            _w.Line(tokenDecoder
                ? $"{Inputs}ArgumentChecks.Ids(inputs, rows, DecoderInputSize, \"[rows]\", \"Token id\", nameof(inputs));"
                : $"{Inputs}ArgumentChecks.Finite(inputs, rows * DecoderInputSize, \"[rows, DecoderInputSize]\", nameof(inputs));");
            _w.Line($"{Inputs}ArgumentChecks.Length(states.Length, rows * DecoderStateSize, \"[rows, DecoderStateSize]\", nameof(states));");
            _w.Line($"{Inputs}ArgumentChecks.Length(outputs.Length, rows * OutputSize, \"[rows, OutputSize]\", nameof(outputs));");
            _w.Line(workers);
            EmitDecodeDropsNothing();
            _w.Line("_rnnPhase = 0; // the decoder's step-0 activations are this step's workspace");
            EmitLogitsStale();
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var s = _rnnScratch.Span;");
            _w.Line("// b_ih + b_hh, folded once per call (the parameters may have changed since the last one).");
            foreach (LayerPlan layer in decoder.Layers)
                foreach (DirectionPlan dir in layer.Direction)
                    CellEmitter.For(layer).EmitBiasSum(_w, dir, "p", "s", C(dir.BiasSum));
            if (decoder.Layers[0].ReadsOneHot)
            {
                _w.Line("// W_ih transposed once per call: each row's one-hot projection is a row of W_ihᵀ.");
                EmitOneHotTranspose(decoder.Layers[0], decoder.Layers[0].Direction[0]);
            }
            using (_w.Block("for (int first = 0; first < rows; first += Batch)"))
            {
                _w.Line("int n = global::System.Math.Min(Batch, rows - first);");
                if (_plan.B > 1)
                {
                    _w.Line("// A product of one row takes the kernels' single-row path, which sums in another order than decoding's Batch rows:");
                    _w.Line("// a lone row is computed twice over, as two rows, so every row's result is decoding's, bit for bit.");
                    _w.Line("int computed = n == 1 ? 2 : n;");
                }
                else
                {
                    _w.Line("int computed = n; // Batch 1: decoding's products are single rows too");
                }
                _w.Line("RnnDecoderStepLoad(inputs.Slice(first * DecoderInputWidth, n * DecoderInputWidth), states.Slice(first * DecoderStateSize, n * DecoderStateSize), n, computed);");
                foreach (LayerPlan layer in decoder.Layers) _w.Line($"RnnDecoderStep{layer.Id}(computed);");
                if (_plan.Attention is not null) _w.Line("RnnDecoderStepAttention(lanes.Slice(first, n), n, computed);");
                _w.Line("RnnDecoderStepHead(computed);");
                _w.Line("RnnDecoderStepStore(states.Slice(first * DecoderStateSize, n * DecoderStateSize), outputs.Slice(first * OutputSize, n * OutputSize), n);");
            }
        }
        _w.Line();

        _w.Line("/// <summary>A chunk's inputs into the decoder's step-0 input and its h_(t-1), c_(t-1) into <c>_rnnStepPrevious</c> (rows of InitialState's layout);");
        _w.Line("/// <c>computed</c> rows past <c>rows</c> repeat the chunk's first row.</summary>");
        using (_w.Block($"private void RnnDecoderStepLoad({stepSpan} inputs, {ReadOnlySpan} states, int rows, int computed)"))
        {
            _w.Line("var previous = _rnnStepPrevious.Span;");
            using (_w.Block("for (int r = 0; r < computed; r++)"))
            {
                _w.Line("int from = r < rows ? r : 0;");
                _w.Line(tokenDecoder
                    ? $"{decoder.Input.TokenField}[r] = inputs[from];"
                    : $"inputs.Slice(from * DecoderInputSize, DecoderInputSize).CopyTo(_rnnActivations.Span.Slice({C(decoder.Input.X!)} + r * DecoderInputSize, DecoderInputSize));");
                _w.Line("var row = states.Slice(from * DecoderStateSize, DecoderStateSize);");
                foreach ((Region slot, long width) in slots)
                    _w.Line($"row.Slice({N(slot.Offset / _plan.B)}, {N(width)}).CopyTo(previous.Slice({C(slot)} + r * {N(width)}, {N(width)}));");
                if (fed is not null)
                    _w.Line($"row.Slice({N(_plan.StateLength / _plan.B)}, {N(fed.D)}).CopyTo(_rnnScratch.Span.Slice({C(fed.StepFeed!)} + r * {N(fed.D)}, {N(fed.D)})); // h̃_(t-1)");
            }
        }
        _w.Line();

        foreach (LayerPlan layer in decoder.Layers) EmitDecoderStepLayer(layer);

        EmitDecoderStepAttention();

        _w.Line("/// <summary>The head over a chunk's rows, reading the top layer's h of step 0.</summary>");
        using (_w.Block("private void RnnDecoderStepHead(int rows)"))
            _w.Line("RnnForwardHead(first: 0, count: 1); // all Batch rows of step 0; rows past the chunk's are not read");
        _w.Line();

        _w.Line("/// <summary>A chunk's new h_t, c_t back into the caller's rows, and its outputs.</summary>");
        using (_w.Block($"private void RnnDecoderStepStore({Span} states, {Span} outputs, int rows)"))
        {
            _w.Line("var a = _rnnActivations.Span;");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                _w.Line("var row = states.Slice(r * DecoderStateSize, DecoderStateSize);");
                foreach (LayerPlan layer in decoder.Layers)
                {
                    DirectionPlan dir = layer.Direction[0];
                    long hw = layer.StateWidth, hd = layer.Hidden;
                    _w.Line($"a.Slice({C(layer.Outputs)} + r * {N(hw)}, {N(hw)}).CopyTo(row.Slice({N(dir.H0.Offset / _plan.B)}, {N(hw)})); // h_t of {layer.Title.ToLowerInvariant()}");
                    if (dir.C0 is { } c0)
                        _w.Line($"a.Slice({C(dir.Cell!)} + r * {N(hd)}, {N(hd)}).CopyTo(row.Slice({N(c0.Offset / _plan.B)}, {N(hd)})); // c_t of {layer.Title.ToLowerInvariant()}");
                }
                if (fed is not null)
                    _w.Line($"a.Slice({C(fed.Attentional)} + r * {N(fed.D)}, {N(fed.D)}).CopyTo(row.Slice({N(_plan.StateLength / _plan.B)}, {N(fed.D)})); // h̃_t, what the row's next step reads");
            }
            _w.Line("Output.Slice(0, rows * OutputSize).CopyTo(outputs);");
        }
        _w.Line();

        string model = $"global::RnnGen.IDecoderStepModel<{_e}, {stepType}>";
        _w.Line($"int {model}.DecoderStateSize => DecoderStateSize;");
        _w.Line($"int {model}.DecoderInputSize => DecoderInputSize;");
        _w.Line($"int {model}.DecoderInputWidth => DecoderInputWidth;");
        _w.Line();
    }

    /// <summary>The decoder step's buffers beyond the encoded state (which counts as state), for <c>Footprint</c>'s scratch.</summary>
    private string DecoderStepScratchBytes => "_rnnStepPrevious.Bytes" + (!_plan.IsOneToMany ? "" : TokenInput ? " + _rnnEncodedTokens.Length * sizeof(int)" : " + _rnnEncodedInputs.Bytes")
        + (_plan.Attention is { } attention ? " + _rnnEncodedMemory.Bytes + _rnnEncodedLengths.Length * sizeof(int)" + (attention.Keys is not null ? " + _rnnEncodedKeys.Bytes" : "") : "");

    /// <summary>
    /// The attention of a chunk of decoder-step rows: each row's h_t attends over the encoded ē of its own source lane,
    /// with the per-lane products of free-running decoding (one query row at a time), into the step-0 rows of the
    /// attentional state the head reads.
    /// </summary>
    private void EmitDecoderStepAttention()
    {
        if (_plan.Attention is not { } att) return;
        long e = att.E, d = att.D;
        LayerPlan top = _plan.Top;
        _w.Line("/// <summary>The attention of a chunk's rows over the encoded outputs of each row's source lane (rows past <c>rows</c> repeat the first row's lane).</summary>");
        using (_w.Block("private void RnnDecoderStepAttention(global::System.ReadOnlySpan<int> lanes, int rows, int computed)"))
        {
            _w.Line($"//   {att.ScoreEquation};  a_t = softmax(e_t) over the lane's source;  c_t = Σ_s a_ts·ē_s;  h̃_t = tanh(W_c·[c_t ; h_t])");
            _w.Line("var p = _rnnParameters.Span;");
            _w.Line("var a = _rnnActivations.Span;");
            _w.Line($"var h = a.Slice({C(top.Outputs)}, computed * {N(d)}); // h_t of the decoder's top layer, one row per step row");
            _w.Line("var memory = _rnnEncodedMemory.Span; // ē of every encoded lane, [Steps, Batch, E]");
            _w.Line($"var weights = a.Slice({C(att.Weights)}, computed * Steps);");
            _w.Line($"var context = a.Slice({C(att.Context)}, computed * {N(e)});");
            _w.Line($"var state = a.Slice({C(att.Attentional)}, computed * {N(d)});");
            string query = "h";
            long qWidth = d;
            if (att.Kind == AttentionKind.General)
            {
                _w.Line($"var q = a.Slice({C(att.Query!)}, computed * {N(e)}); // q_t = h_t·W_a");
                EmitAttentionQuery(att, "computed");
                (query, qWidth) = ("q", e);
            }
            else if (att.Kind == AttentionKind.Additive)
            {
                _w.Line($"var q = a.Slice({C(att.Query!)}, computed * {N(d)}); // q_t = h_t·W_qᵀ + b_q");
                EmitAttentionQuery(att, "computed");
                query = "q";
            }
            _w.Line("context.Clear();");
            using (_w.Block("for (int r = 0; r < computed; r++)"))
            {
                _w.Line("int lane = lanes[r < rows ? r : 0], n = _rnnEncodedLengths[lane];");
                _w.Line("var row = weights.Slice(r * Steps, Steps);");
                if (att.Kind == AttentionKind.Additive)
                    _w.Line($"{AttentionKernels}AdditiveScore.Row(q.Slice(r * {N(d)}, {N(d)}), _rnnEncodedKeys.Span.Slice(lane * {N(d)}), ldKeys: Batch * {N(d)}, {Whole("p", att.V!)}, row, n, width: {N(d)});");
                else
                {
                    _w.Line("row.Clear();");
                    _w.Line($"if (n > 0) {Kernels}Gemm.NT(m: 1, n: n, k: {N(e)}, {query}.Slice(r * {N(qWidth)}, {N(qWidth)}), lda: {N(qWidth)}, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, row, ldc: Steps, accumulate: false);");
                }
                _w.Line($"{AttentionKernels}MaskedSoftmax.Forward(row, rows: 1, Steps, global::System.MemoryExtensions.AsSpan(_rnnEncodedLengths, lane, 1));");
                _w.Line($"if (n > 0) {Kernels}Gemm.NN(m: 1, n: {N(e)}, k: n, row, lda: Steps, memory.Slice(lane * {N(e)}), ldb: Batch * {N(e)}, context.Slice(r * {N(e)}, {N(e)}), ldc: {N(e)}, accumulate: true);");
            }
            EmitAttentionalState(att, "computed");
        }
        _w.Line();
    }

    /// <summary>The slots of a stack's state (each layer's h, then each LSTM layer's c) in layout order, with their widths per lane.</summary>
    private List<(Region Slot, long Width)> StateSlots(StackPlan stack)
    {
        var slots = new List<(Region, long)>();
        foreach (LayerPlan layer in stack.Layers)
        {
            DirectionPlan dir = layer.Direction[0];
            slots.Add((dir.H0, layer.StateWidth));
            if (dir.C0 is { } c0) slots.Add((c0, layer.Hidden));
        }
        return slots.OrderBy(s => s.Item1.Offset).ToList();
    }

    private void EmitEncodedCheck() =>
        _w.Line("if (!_rnnEncoded) throw new global::System.InvalidOperationException(\"The decoder-step API needs encoded inputs first: call Encode.\");");

    /// <summary>
    /// One decoder layer over a chunk of <c>rows</c> decoder-step rows: <see cref="EmitDecodeLayerStep"/> at step 0, with
    /// h_(t-1) and c_(t-1) the chunk's rows of <c>_rnnStepPrevious</c> instead of the initial state.
    /// </summary>
    private void EmitDecoderStepLayer(LayerPlan layer)
    {
        StackPlan stack = layer.Stack;
        CellEmitter cell = CellEmitter.For(layer);
        DirectionPlan dir = layer.Direction[0];
        long hd = layer.Hidden, hw = layer.StateWidth, gw = layer.GateWidth;
        _w.Line($"/// <summary>{layer.Title} at one decoder step for a chunk of rows (at most Batch).</summary>");
        using (_w.Block($"private void RnnDecoderStep{layer.Id}(int rows)"))
        {
            EmitForwardLocals(layer, dir, readsInitial: false, packed: false, dropping: false);
            _w.Line("var s = _rnnScratch.Span;");
            (Region region, long ldTarget, long _) = cell.ProjectionTarget(layer, dir);
            string target = $"a.Slice({C(region)}, (rows - 1) * {N(ldTarget)} + {N(gw)})";
            string bias = Whole("s", dir.BiasSum);
            _w.Line("// x·W_ihᵀ + biases for the chunk's rows.");
            if (layer.ReadsOneHot)
            {
                _w.Line($"{Inputs}OneHot.ProjectRows({Slice("s", C(_plan.OneHotWeights!), stack.Input.Ids * gw)}, n: {N(gw)}, global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, 0, rows), {bias}, {target}, ldc: {N(ldTarget)});");
            }
            else
            {
                if (layer.Index == 0 && stack.Input.EmbeddingTensor is { } emb)
                {
                    long e = stack.Input.Width;
                    _w.Line($"// x = {emb.Name}[token].");
                    _w.Line($"{Inputs}Embedding.Gather({Whole("_rnnParameters.Span", emb)}, width: {N(e)}, global::System.MemoryExtensions.AsSpan({stack.Input.TokenField}, 0, rows), _rnnActivations.Span.Slice({C(stack.Input.X!)}, rows * {N(e)}));");
                }
                (Region xRegion, long ldx) = layer.Below is { } below ? (below.Outputs, below.OutWidth) : (stack.Input.X!, layer.InWidth);
                string x = $"a.Slice({C(xRegion)}, rows * {N(ldx)})";
                _w.Line($"{Kernels}Bias.Broadcast({target}, rows: rows, n: {N(gw)}, ldc: {N(ldTarget)}, {bias});");
                _w.Line($"{Kernels}Gemm.NT(m: rows, n: {N(gw)}, k: {N(layer.InWidth)}, {x}, lda: {N(ldx)}, {Whole("p", dir.WeightIh)}, ldb: {N(layer.InWidth)}, {target}, ldc: {N(ldTarget)}, accumulate: true);");
            }
            if (layer.Index == 0 && _plan.Attention is { Feeds: true } att)
            {
                _w.Line("// Input feeding: the gates also take the rows' h̃_(t-1)·W_fᵀ.");
                _w.Line($"{Kernels}Gemm.NT(m: rows, n: {N(gw)}, k: {N(att.D)}, s.Slice({C(att.StepFeed!)}, rows * {N(att.D)}), lda: {N(att.D)}, {Whole("p", att.FeedWeight!)}, ldb: {N(att.D)}, {target}, ldc: {N(ldTarget)}, accumulate: true);");
            }
            _w.Line("// The recurrence from the rows' own h_(t-1) (and c_(t-1)).");
            _w.Line($"var hPrev = _rnnStepPrevious.Span.Slice({C(dir.H0)}, rows * {N(hw)});");
            if (dir.C0 is { } c0) _w.Line($"var cPrev = _rnnStepPrevious.Span.Slice({C(c0)}, rows * {N(hd)});");
            cell.EmitForwardStep(this, layer, new StepSpans(
                Rows: "rows", HPrev: "hPrev", LdPrev: hw, CPrev: "cPrev",
                Gates: $"gates.Slice(0, rows * {N(gw)})",
                Cell: $"c.Slice(0, rows * {N(hd)})",
                RecurrentN: $"hn.Slice(0, rows * {N(hd)})",
                H: $"h.Slice(0, rows * {N(hw)})", Ld: hw,
                Packed: false) { Unprojected = layer.IsProjected ? $"mt.Slice(0, rows * {N(hd)})" : null, ReducedMatrix = ReducedMatrixOf(dir) });
        }
        _w.Line();
    }
}
