using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Emitters.Cells;
using RnnGen.Generator.Emitters.Heads;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emitters.Code;

namespace RnnGen.Generator.Emitters;

/// <summary>
/// Writes the generated half of a model class from its <see cref="ModelPlan"/>: sizes as constants, offsets in a
/// nested <c>RnnLayout</c> class, the public API, and the forward and backward passes unrolled over the steps as calls
/// into the runtime's kernels (GEMM, fused cells, losses). What depends on the cell or the head is written by its
/// <see cref="CellEmitter"/> or <see cref="HeadEmitter"/>. Each block carries a comment with the equation it computes.
/// Private members are named <c>Rnn…</c> / <c>_rnn…</c> so they do not collide with the user's own members.
/// </summary>
internal sealed partial class ModelEmitter
{
    internal static readonly string Version = typeof(RnnGenerator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private readonly ModelPlan _plan;
    private readonly ModelSpec _spec;
    private readonly HeadEmitter _head;
    private readonly SourceWriter _w = new();
    private readonly string _e;

    private ModelEmitter(ModelPlan plan)
    {
        _plan = plan;
        _spec = plan.Spec;
        _head = HeadEmitter.For(_spec.Output);
        _e = _plan.Element;
    }

    /// <summary>The source of <c>{Namespace}.{Class}.g.cs</c>.</summary>
    public static string Emit(ModelPlan plan)
    {
        var emitter = new ModelEmitter(plan);
        emitter.EmitFile();
        return emitter._w.ToSourceText();
    }

    /// <summary>The writer, for the cell and head emitters.</summary>
    internal SourceWriter W => _w;

    /// <summary>The plan being written.</summary>
    internal ModelPlan Plan => _plan;

    /// <summary>Lanes per step, B.</summary>
    internal long B => _plan.B;

    private string Span => "global::System.Span<" + _e + ">";
    private string ReadOnlySpan => "global::System.ReadOnlySpan<" + _e + ">";
    private string Interface(string name) => "global::RnnGen." + name + "<" + _e + ">";
    private bool TokenInput => _spec.Input.Kind == InputKind.Token;
    private bool ClassTargets => _head.ClassTargets;
    private string InputParameter => TokenInput ? "tokens" : "inputs";
    private string InputType => TokenInput ? "global::System.ReadOnlySpan<int>" : ReadOnlySpan;
    private string TargetType => ClassTargets ? "global::System.ReadOnlySpan<int>" : ReadOnlySpan;

    /// <summary>Output rows from row 0 that the loss covers, as C#: a constant, or (packed rows) the local <c>rows</c>.</summary>
    internal string OutputRows => "rows";

    /// <summary>The loss's scale, as C#: 1/Batch, or (with lengths) the local <c>inverse</c>, 1/(lanes in use).</summary>
    internal string InverseLanes => "inverse";

    /// <summary>What the loss is averaged over, in words.</summary>
    internal string LanesName => _plan.PacksLanes ? "lanes in use" : "Batch (with target lengths: the lanes in use)";

    /// <summary>The head's output rows the loss reads: <c>Output</c>, or (packed rows) the local <c>output</c>.</summary>
    internal string OutputSpan => _plan.PacksLanes ? "output" : "Output";

    /// <summary>What lengths change in the loss, for its documentation.</summary>
    private string LossWithLengths => _plan.PacksLanes
        ? " With lengths: summed over real steps, averaged over the lanes in use (length above 0)."
        : _plan.IsDecoding ? " With target lengths: summed over real target steps, averaged over the lanes in use." : "";

    /// <summary>Decoding models whose fed-back outputs are token ids (sampling and <c>Generated</c> apply).</summary>
    private bool GeneratesTokens => _plan.IsDecoding && ClassTargets;

    /// <summary>Offset of step <paramref name="t"/> in a <c>[steps, Batch, width]</c> region, plus a column offset.</summary>
    internal string StepOffset(StepIndex t, long width, long column = 0)
    {
        string step = t.Times(_plan.B * width);
        if (column == 0) return step;
        return step == "0" ? N(column) : $"{step} + {N(column)}";
    }

    /// <summary>The <c>Batch</c> rows of step t of a region whose rows are <paramref name="ld"/> wide, from column <paramref name="column"/>.</summary>
    internal string StepRows(string span, StepIndex t, long ld, long column, long width) =>
        Slice(span, StepOffset(t, ld, column), (_plan.B - 1) * ld + width);

    /// <summary><paramref name="rows"/> matrix rows of a region, starting at step t and column <paramref name="column"/>.</summary>
    internal string RegionRows(string span, Region region, StepIndex t, long ld, long column, long rows, long width) =>
        Slice(span, Plus(C(region), StepOffset(t, ld, column)), (rows - 1) * ld + width);

    /// <summary>
    /// <paramref name="rows"/> matrix rows of a region from its first row and column <paramref name="column"/>: a constant
    /// count, or (packed rows) a C# expression.
    /// </summary>
    internal string RegionRows(string span, Region region, long ld, long column, string rows, long width) =>
        long.TryParse(rows, out long count)
            ? RegionRows(span, region, 0, ld, column, count, width)
            : $"{span}.Slice({Plus(C(region), N(column))}, {Times(rows, ld)}{(width == ld ? "" : $" - {N(ld - width)}")})";

    /// <summary>The buffer that holds a stack's initial state: the model's InitialState, or (decoder) a copy of the encoder's final state.</summary>
    private static string StateBuffer(StackPlan stack) =>
        stack.InitialState is { } region ? $"_rnnActivations.Span.Slice({C(region)}, StateSize)" : "_rnnInitialState.Span";

    /// <summary>h before a direction's first step.</summary>
    internal string InitialH(LayerPlan layer, DirectionPlan dir) => InitialStatePart(layer.Stack, dir.H0);

    /// <summary>c before a direction's first step (LSTM).</summary>
    internal string InitialC(LayerPlan layer, DirectionPlan dir) => InitialStatePart(layer.Stack, dir.C0!);

    /// <summary>One slot of a stack's initial state, in one slice.</summary>
    private static string InitialStatePart(StackPlan stack, Region slot) => stack.InitialState is { } region
        ? Slice("_rnnActivations.Span", $"{C(region)} + {C(slot)}", slot.Length)
        : Slice("_rnnInitialState.Span", C(slot), slot.Length);

    /// <summary>
    /// <c>c (+)= h_(t-1)·W_hhᵀ</c> for the rows of one step: with the packed W_hh (<c>_rnnPacked</c>), or reading
    /// <c>wHh</c> as stored (batch 1, free-running decoding, single steps).
    /// </summary>
    /// <remarks>Under recurrent dropout the product reads <see cref="StepSpans.ProductInput"/>, h_(t-1)⊙m while training.</remarks>
    internal string RecurrentProduct(LayerPlan layer, StepSpans s, string c, long ldc, bool accumulate)
    {
        string hPrev = s.ProductInput ?? s.HPrev;
        if (s.Packed) return $"{Kernels}Gemm.NT(m: {s.Rows}, {hPrev}, lda: {N(s.LdPrev)}, _rnnPacked, {c}, ldc: {N(ldc)}, accumulate: {Bool(accumulate)});";
        return s.ReducedMatrix is { } matrix
            ? $"RnnUnpackedRecurrentProduct(matrix: {matrix}, m: {s.Rows}, n: {N(layer.GateWidth)}, k: {N(layer.StateWidth)}, {hPrev}, lda: {N(s.LdPrev)}, wHh, {c}, ldc: {N(ldc)}, accumulate: {Bool(accumulate)});"
            : $"{Kernels}Gemm.NT(m: {s.Rows}, n: {N(layer.GateWidth)}, k: {N(layer.StateWidth)}, {hPrev}, lda: {N(s.LdPrev)}, wHh, ldb: {N(layer.StateWidth)}, {c}, ldc: {N(ldc)}, accumulate: {Bool(accumulate)});";
    }

    /// <summary>Every direction's W_hh in the order of <c>_rnnReduced</c>'s matrices (float models; none for double).</summary>
    private IEnumerable<DirectionPlan> ReducedDirections => _plan.IsDouble ? [] : _plan.AllLayers.SelectMany(l => l.Direction);

    /// <summary>The index of <paramref name="dir"/>'s W_hh in <c>_rnnReduced</c>, or null for a double model.</summary>
    internal int? ReducedMatrixOf(DirectionPlan dir) => _plan.IsDouble ? null : ReducedDirections.ToList().IndexOf(dir);

    /// <summary>The constructors' line that creates <c>_rnnReduced</c> over the parameters' handle (float models).</summary>
    private void EmitReducedWeightsInit()
    {
        if (_plan.IsDouble) return;
        var matrices = ReducedDirections.Select(d => $"({C(d.WeightHh)}, {N(d.WeightHh.Shape[0])}, {N(d.WeightHh.Shape[1])})");
        _w.Line($"_rnnReduced = new(_rnnSharedParameters, new (int, int, int)[] {{ {string.Join(", ", matrices)} }}); // (offset, rows, columns) of each W_hh");
    }

    /// <summary><c>WeightFormat</c> and the unpacked recurrent product that honours it (float models).</summary>
    private void EmitReducedWeightsMembers()
    {
        if (_plan.IsDouble) return;
        _w.Line("/// <summary>");
        _w.Line("/// How the products that read W_hh as stored (Step, passes at batch 1, free-running decoding, decoder steps) read it: as floats (the");
        _w.Line("/// default), or from a copy in bfloat16 or int8 with per-row scales, read a row of h at a time, which streams half or a quarter of the");
        _w.Line("/// bytes per row. The copy is made on the first such product after Parameters changed; products against the packed W_hh (batches of");
        _w.Line("/// two or more) read floats. Training (Backward, TrainStep) needs <see cref=\"global::RnnGen.WeightFormat.Single\"/>.");
        _w.Line("/// </summary>");
        _w.Line("public global::RnnGen.WeightFormat WeightFormat { get => _rnnReduced.Format; set => _rnnReduced.Format = value; }");
        _w.Line();
        _w.Line("/// <summary><c>c (+)= h·W_hhᵀ</c> for rows read one at a time: from the float W_hh, or from its copy in <see cref=\"WeightFormat\"/> (<paramref name=\"matrix\"/>: its index there).</summary>");
        using (_w.Block($"private void RnnUnpackedRecurrentProduct(int matrix, int m, int n, int k, {ReadOnlySpan} h, int lda, {ReadOnlySpan} wHh, {Span} c, int ldc, bool accumulate)"))
        {
            _w.Line("if (_rnnReduced.Active) _rnnReduced.NT(matrix, m, h, lda, c, ldc, accumulate);");
            _w.Line($"else {Kernels}Gemm.NT(m, n, k, h, lda, wHh, ldb: k, c, ldc, accumulate);");
        }
        _w.Line();
    }

    /// <summary>The line that refuses to train on a pass that read reduced weights, or while a reduced format is set.</summary>
    internal void EmitReducedWeightsTrainingCheck(bool afterForward)
    {
        if (_plan.IsDouble) return;
        string condition = afterForward ? "_rnnReducedPass || _rnnReduced.Active" : "_rnnReduced.Active";
        _w.Line($"if ({condition}) throw new global::System.InvalidOperationException($\"Training needs float weights: WeightFormat is {{WeightFormat}}{(afterForward ? " or was during the last forward pass" : "")}. Set WeightFormat = WeightFormat.Single{(afterForward ? " and run Forward again" : "")}.\");");
    }

    /// <summary>The forward cores' record of whether the pass read reduced weights.</summary>
    internal void EmitReducedPassRecord()
    {
        if (!_plan.IsDouble) _w.Line("_rnnReducedPass = _rnnReduced.Active;");
    }

    /// <summary>The reduced-precision weights: the field, <c>WeightFormat</c>, and the product that reads them (float models).</summary>
    private void EmitReducedWeightsField()
    {
        if (_plan.IsDouble) return;
        _w.Line("// W_hh of every layer and direction in WeightFormat, for the products that read W_hh as stored; made on first use after a change of the parameters.");
        _w.Line("private readonly global::RnnGen.Kernels.ReducedWeights _rnnReduced;");
        _w.Line("// Whether the last forward pass read reduced weights (its gradient would not be the float model's).");
        _w.Line("private bool _rnnReducedPass;");
    }

    /// <summary>
    /// <c>dh_(t-1) (+)= dgates·W_hh</c> for the rows of one step (dgates: <paramref name="a"/>, [Batch, G·H]). Under
    /// recurrent dropout (<paramref name="mask"/>: the rows of m) the product went through h_(t-1)⊙m, so while training its
    /// gradient is masked too: <c>dh_(t-1) (+)= (dgates·W_hh)⊙m</c>.
    /// </summary>
    internal string RecurrentGradientProduct(LayerPlan layer, string rows, string a, long lda, string c, long ldc, bool accumulate, string? mask = null)
    {
        string Product(string target, long ld, bool add) => _plan.PacksRecurrentWeights && !_recurrenceUnpacked
            ? $"{Kernels}Gemm.NN(m: {rows}, {a}, lda: {N(lda)}, _rnnPacked, {target}, ldc: {N(ld)}, accumulate: {Bool(add)});"
            : $"{Kernels}Gemm.NN(m: {rows}, n: {N(layer.StateWidth)}, k: {N(layer.GateWidth)}, {a}, lda: {N(lda)}, wHh, ldb: {N(layer.StateWidth)}, {target}, ldc: {N(ld)}, accumulate: {Bool(add)});";
        if (mask is null) return Product(c, ldc, accumulate);
        long h = layer.StateWidth;
        string product = Slice("_rnnScratch.Span", C(_plan.RecurrentDropoutProduct!), _plan.B * h);
        return $"if (_rnnDropping) // the product read h_(t-1)⊙m\n{{\n    {Product(product, h, false)}\n" +
            $"    {Kernels}Dropout.AddApplied({product}, ldx: {N(h)}, {mask}, ldm: {N(h)}, {c}, ldy: {N(ldc)}, rows: {rows}, columns: {N(h)}, accumulate: {Bool(accumulate)});\n}}\n" +
            $"else\n    {Product(c, ldc, accumulate)}";
    }

    /// <summary>", projected to P" for a projected LSTM in the generated comments, else nothing.</summary>
    internal static string Projected(LayerPlan layer) => layer.IsProjected ? $", projected to {layer.Projection}" : "";

    // ------------------------------------------------------------------------------------------------ file

    private void EmitFile()
    {
        _w.Line("// <auto-generated/>");
        _w.Line("// Generated by RnnGen from the attributes on " + _spec.ClassName + ". Do not edit: change the attributes instead.");
        _w.Line("#nullable enable");
        _w.Line();
        // A block namespace (not file-scoped) compiles at every language version the generator's Roslyn supports.
        var scopes = new List<SourceWriter.BlockScope>();
        if (_spec.Namespace.Length > 0)
            scopes.Add(_w.Block("namespace " + string.Join(".", _spec.Namespace.Split('.').Select(Identifier))));
        foreach (ContainingTypeSpec outer in _spec.ContainingTypes)
            scopes.Add(_w.Block($"partial {outer.Keyword} {Identifier(outer.Name)}"));
        EmitClass();
        for (int i = scopes.Count - 1; i >= 0; i--) scopes[i].Dispose();
    }

    private void EmitClass()
    {
        EmitClassDocumentation();
        _w.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"RnnGen\", \"{Version}\")]");
        var interfaces = new List<string>
        {
            Interface("IRnnModel"),
            Interface(TokenInput ? "ITokenInputModel" : "IVectorInputModel"),
            Interface(ClassTargets ? "IClassTargetModel" : "IValueTargetModel"),
            $"global::RnnGen.{(_plan.IsDecoding ? "IGeneratingModel" : "ISupervisedModel")}<{_e}, {(TokenInput ? "int" : _e)}, {(ClassTargets ? "int" : _e)}>",
            "global::System.IDisposable",
        };
        if (_plan.CanStep) interfaces.Insert(4, Interface(TokenInput ? "ITokenStepModel" : "IVectorStepModel"));
        if (GeneratesTokens) interfaces.Insert(4, $"global::RnnGen.ITokenGeneratingModel<{_e}, {(TokenInput ? "int" : _e)}>");
        if (_plan.IsEncoderDecoder) interfaces.Insert(4, $"global::RnnGen.IEncoderDecoderModel<{_e}, {(TokenInput ? "int" : _e)}, {(ClassTargets ? "int" : _e)}>");
        if (_plan.PacksLanes) interfaces.Insert(4, $"global::RnnGen.IVariableLengthModel<{_e}, {(TokenInput ? "int" : _e)}, {(ClassTargets ? "int" : _e)}>");
        if (!_plan.IsDouble) interfaces.Insert(interfaces.Count - 1, "global::RnnGen.IReducedWeightsModel");
        _w.Line($"partial {_spec.TypeKeyword} {Identifier(_spec.ClassName)} : {string.Join(", ", interfaces)}");
        using (_w.Block())
        {
            EmitConstants();
            EmitLayout();
            EmitArchitecture();
            EmitTensorTable();
            EmitFieldsAndConstructor();
            EmitProperties();
            EmitTensorLookup();
            EmitPublicPasses();
            EmitCustomLossMembers();
            EmitForward();
            EmitStateBridge();
            EmitAttention();
            EmitFedDecoder();
            EmitDrawDropoutMasks();
            EmitDecode();
            EmitLoss();
            EmitBackward();
            EmitStep();
            EmitDecoderStep();
            EmitExplicitInterface();
        }
    }

    private void EmitClassDocumentation()
    {
        _w.Line("/// <summary>");
        _w.Line("/// " + Escape(Describe()));
        _w.Line("/// </summary>");
        _w.Line("/// <remarks>");
        _w.Line("/// <para>What this model computes, per step t (PyTorch's conventions, so weights move both ways):</para>");
        _w.Line("/// <code>");
        foreach (string line in Equations()) _w.Line("/// " + Escape(line));
        _w.Line("/// </code>");
        _w.Line("/// <para>Loss: " + Escape(_head.LossDescription) + LossWithLengths + "</para>");
        _w.Line("/// <para>Thread safety: an instance holds one pass at a time, so a call made while another runs (from another thread) throws <see cref=\"global::System.InvalidOperationException\"/>; separate instances are independent and may train on separate threads.</para>");
        _w.Line("/// </remarks>");
    }

    private string Describe()
    {
        string input = _spec.Input.Kind == InputKind.Vector ? $"vector input ({_spec.Input.Size})"
            : _spec.Input.Embedding > 0 ? $"token input ({_spec.Input.Size} ids, embedding {_spec.Input.Embedding})"
            : $"token input ({_spec.Input.Size} ids, one-hot)";
        string layers = string.Join(" → ", _plan.Layers.Select(l => l.CellName + "(" + l.Hidden + Projected(l) + (l.Directions == 2 ? ", bidirectional" : "") + ")"));
        string output = _head.Describe(_spec.Output.Size);
        string shape = _spec.Topology switch
        {
            Topology.ManyToOne => $"{_spec.Steps} steps, many-to-one",
            Topology.OneToMany => $"one input, {_plan.OutputSteps} output steps, one-to-many",
            Topology.EncoderDecoder => $"encoder over {_spec.Steps} steps, decoder over {_plan.OutputSteps}",
            _ => $"{_spec.Steps} steps, many-to-many",
        };
        string decoderLayers = string.Join(" → ", _plan.Last.Layers.Select(l => l.CellName + "(" + l.Hidden + Projected(l) + ")"));
        string attention = _plan.Attention is { } att ? $" → {att.KindName} attention" : "";
        string body = _plan.IsEncoderDecoder ? $"encoder [{layers}] → decoder [{decoderLayers}]{attention}" : layers;
        return $"RnnGen model: {input} → {body} → {output}; {shape}, batch {_spec.Batch}, {_e}, {N(_plan.ParameterCount)} parameters.";
    }

    private IEnumerable<string> Equations()
    {
        foreach (StackPlan stack in _plan.Stacks)
        {
            if (stack.Role != StackRole.Model) yield return stack.Name.ToLowerInvariant() + ":";
            string indent = stack.Role != StackRole.Model ? "  " : "";
            InputPlan input = stack.Input;
            string x = input.Kind switch
            {
                StackInputKind.OneHot => "x_t = onehot(token_t)   (x_t·W_ihᵀ is a column of W_ih: gathered, no product)",
                StackInputKind.Embedding => "x_t = embedding.weight[token_t]",
                _ => "x_t = inputs[t]",
            };
            yield return indent + x;
            if (input.IsFeedback)
            {
                yield return indent + (stack.Role == StackRole.Decoder
                    ? (ClassTargets ? $"token_0 = {_spec.Output.Size} (the start token); " : "x_0 = 0; ") + "then the previous output: the target in training (teacher forcing), the prediction at inference"
                    : "step 0 reads the input; step t > 0 the previous output: the target in training (teacher forcing), the prediction at inference");
            }
            foreach (LayerPlan layer in stack.Layers)
            {
                yield return $"{indent}layer {layer.Index} ({layer.CellName}, H = {layer.Hidden}{(layer.IsProjected ? $", P = {layer.Projection}" : "")}{(layer.Directions == 2 ? ", bidirectional: a reverse direction reads t = T−1 … 0; h_t = [forward ; reverse]" : "")}):";
                foreach (string equation in CellEmitter.For(layer).ForwardEquations) yield return indent + "  " + equation;
            }
            if (stack.Role == StackRole.Encoder)
                yield return _plan.BridgesState
                    ? "  (the final h and c of each layer start the same layer of the decoder; a bidirectional layer's as [forward ; reverse], so that decoder layer is twice as wide)"
                    : "  (the final h and c of each layer start the same layer of the decoder)";
        }
        if (_plan.Attention is { } att)
        {
            yield return $"attention ({att.KindName}) of the decoder's top h_t over the encoder's top outputs ē_s (s < the lane's source length):";
            yield return "  " + att.ScoreEquation;
            yield return "  a_t = softmax(e_t);  c_t = Σ_s a_ts·ē_s;  h̃_t = tanh(W_c·[c_t ; h_t])";
            yield return "z_t = h̃_t·W_headᵀ + b_head";
            yield return _head.ActivationEquation;
            yield break;
        }
        yield return _plan.IsManyToOne ? "z = h_(T-1)·W_headᵀ + b_head  (last step only" + (_plan.HeadInputRows is null ? ")" : "; the reverse direction's h_0)")
            : "z_t = h_t·W_headᵀ + b_head  (top layer)";
        yield return _head.ActivationEquation;
    }

    // ------------------------------------------------------------------------------------------------ constants and layout

    private void EmitConstants()
    {
        _w.Line(_plan.IsOneToMany ? "/// <summary>Input steps: one-to-many reads a single input.</summary>" : "/// <summary>Input time steps T, unrolled into the code below.</summary>");
        _w.Line($"public const int Steps = {_spec.Steps};");
        _w.Line("/// <summary>Sequences per batch B.</summary>");
        _w.Line($"public const int Batch = {_spec.Batch};");
        _w.Line(TokenInput ? "/// <summary>Vocabulary: token ids lie in [0, InputSize).</summary>" : "/// <summary>Values per input vector.</summary>");
        _w.Line($"public const int InputSize = {_spec.Input.Size};");
        _w.Line(_spec.Topology switch
        {
            Topology.ManyToOne => "/// <summary>Output steps: 1 (many-to-one: the last input step).</summary>",
            Topology.ManyToMany => "/// <summary>Output steps: one per input step.</summary>",
            _ => "/// <summary>Output steps, each fed back as the next step's input.</summary>",
        });
        _w.Line($"public const int OutputSteps = {N(_plan.OutputSteps)};");
        _w.Line(ClassTargets ? "/// <summary>Classes of the softmax head.</summary>" : "/// <summary>Values per output step.</summary>");
        _w.Line($"public const int OutputSize = {_spec.Output.Size};");
        _w.Line("/// <summary>Number of parameters (length of <see cref=\"Parameters\"/>).</summary>");
        _w.Line($"public const int ParameterCount = {N(_plan.ParameterCount)};");
        _w.Line("/// <summary>Values in <see cref=\"InitialState\"/> and <see cref=\"FinalState\"/>.</summary>");
        _w.Line($"public const int StateSize = {N(_plan.StateLength)};");
        if (_plan.IsEncoderDecoder && ClassTargets)
        {
            _w.Line("/// <summary>The id the decoder reads at its first step (one past the last class).</summary>");
            _w.Line($"public const int StartToken = {_spec.Output.Size};");
        }
        if (_spec.EndToken >= 0)
        {
            _w.Line("/// <summary>The class that ends a generated sequence: a lane that chooses it stops (see <see cref=\"GeneratedLengths\"/>).</summary>");
            _w.Line($"public const int EndToken = {_spec.EndToken};");
        }
        _w.Line();
        _w.Line($"private const {_e} RnnInverseBatch = 1{(_plan.IsDouble ? "d" : "f")} / Batch;");
        _w.Line();
    }

    private void EmitLayout()
    {
        _w.Line("/// <summary>Where each tensor, activation and scratch area starts in the model's flat buffers.</summary>");
        using (_w.Block("private static class RnnLayout"))
        {
            _w.Line("// Parameters: PyTorch's state_dict tensors, in order.");
            foreach (TensorPlan t in _plan.Tensors)
                _w.Line($"public const int {t.Const} = {N(t.Offset)}; // {t.Name} [{string.Join(", ", t.Shape.Select(N))}]");
            _w.Line();
            _w.Line("// Activations that backward reads, written by the last forward pass.");
            foreach (Region r in _plan.ActivationRegions)
                _w.Line($"public const int {r.Const} = {N(r.Offset)}; // {r.Comment}");
            _w.Line($"public const int ActivationLength = {N(_plan.ActivationLength)};");
            _w.Line();
            _w.Line("// Scratch.");
            foreach (Region r in _plan.ScratchRegions)
                _w.Line($"public const int {r.Const} = {N(r.Offset)}; // {r.Comment}");
            _w.Line($"public const int ScratchLength = {N(_plan.ScratchLength)};");
            _w.Line("// What the two gradient areas hold as backward goes down the layers (each is read by one layer while the next writes the other).");
            foreach (Region r in _plan.GradientAliases)
                _w.Line($"public const int {r.Const} = {r.AliasOf}; // {r.Comment}");
            _w.Line();
            _w.Line("// Recurrent state (InitialState, FinalState" + (_plan.IsEncoderDecoder ? ", the decoder's initial state" : "") + "): every h, then every c.");
            foreach (StackPlan stack in _plan.Stacks)
            {
                foreach (LayerPlan layer in stack.Layers)
                    foreach (DirectionPlan dir in layer.Direction)
                        _w.Line($"public const int {dir.H0.Const} = {N(dir.H0.Offset)}; // h of {stack.Describe}layer {layer.Index}{dir.Describe}, [Batch, {layer.StateWidth}]");
                foreach (LayerPlan layer in stack.Layers)
                    foreach (DirectionPlan dir in layer.Direction)
                        if (dir.C0 is { } c0)
                            _w.Line($"public const int {c0.Const} = {N(c0.Offset)}; // c of {stack.Describe}layer {layer.Index}{dir.Describe}, [Batch, {layer.Hidden}]");
            }
        }
        _w.Line();
    }

    private void EmitArchitecture()
    {
        string full = (_spec.Namespace.Length > 0 ? _spec.Namespace + "." : "") + string.Concat(_spec.ContainingTypes.Select(t => t.Name + ".")) + _spec.ClassName;
        string layers = string.Join(", ", _spec.Layers.Select(l =>
            $"new(global::RnnGen.CellType.{l.Cell}, {l.Hidden}, global::RnnGen.Nonlinearity.{l.Nonlinearity}, {(l.Bidirectional ? "true" : "false")}){LayerSettings(l)}"));
        _w.Line("/// <summary>The declaration this class was generated from, as data.</summary>");
        _w.Line("public static global::RnnGen.ModelArchitecture Architecture { get; } = new(");
        _w.Line($"    \"{full}\", global::RnnGen.Topology.{_spec.Topology}, Steps, Batch, OutputSteps,");
        _w.Line($"    TokenInput: {(TokenInput ? "true" : "false")}, InputSize, Embedding: {_spec.Input.Embedding},");
        _w.Line($"    new global::RnnGen.LayerArchitecture[] {{ {layers} }},");
        var settings = new List<string>();
        if (_spec.Input.Dropout > 0) settings.Add("InputDropout = " + ModelPlan.Probability(_spec.Input.Dropout));
        if (_spec.EndToken >= 0) settings.Add($"EndToken = {_spec.EndToken}");
        if (_spec.Attention is { } attention) settings.Add("Attention = global::RnnGen.AttentionKind." + attention);
        if (_spec.AttentionInputFeeding) settings.Add("AttentionInputFeeding = true");
        _w.Line($"    global::RnnGen.HeadKind.{_spec.Output.Kind}, OutputSize, global::RnnGen.Precision.{_spec.Precision}){(settings.Count > 0 ? " { " + string.Join(", ", settings) + " }" : "")};");
        _w.Line();
    }

    /// <summary>A layer's settings beyond the constructor's (leak, dropout, projection), as an object initializer; nothing when it has none.</summary>
    private static string LayerSettings(LayerSpec l)
    {
        var settings = new List<string>();
        if (l.LearnedLeak) settings.Add("LearnedLeak = true");
        else if (l.IsLeaky) settings.Add("Leak = " + Cells.LeakyRnnCellEmitter.Literal(l.Leak, isDouble: true));
        if (l.Dropout > 0) settings.Add("Dropout = " + ModelPlan.Probability(l.Dropout));
        if (l.RecurrentDropout > 0) settings.Add("RecurrentDropout = " + ModelPlan.Probability(l.RecurrentDropout));
        if (l.Projection > 0) settings.Add("Projection = " + l.Projection);
        return settings.Count == 0 ? "" : " { " + string.Join(", ", settings) + " }";
    }

    private void EmitTensorTable()
    {
        _w.Line("/// <summary>The parameter tensors with PyTorch's names and shapes, in the order of <see cref=\"Parameters\"/>.</summary>");
        _w.Line("public static global::System.Collections.Generic.IReadOnlyList<global::RnnGen.TensorInfo> Tensors { get; } = new global::RnnGen.TensorInfo[]");
        using (_w.Block(closing: ";"))
        {
            foreach (TensorPlan t in _plan.Tensors)
                _w.Line($"new(\"{t.Name}\", new[] {{ {string.Join(", ", t.Shape.Select(N))} }}, {C(t)}),");
        }
        _w.Line();
    }

    private void EmitFieldsAndConstructor()
    {
        string buffer = $"global::RnnGen.Memory.AlignedBuffer<{_e}>";
        _w.Line($"private readonly {buffer} _rnnParameters; // this model's own, or shared with other models of the same network");
        _w.Line($"private readonly global::RnnGen.SharedParameters<{_e}> _rnnSharedParameters;");
        _w.Line($"private readonly {buffer} _rnnGradients = new(ParameterCount);");
        _w.Line($"private readonly {buffer} _rnnActivations = new(RnnLayout.ActivationLength);");
        _w.Line($"private readonly {buffer} _rnnScratch = new(RnnLayout.ScratchLength);");
        _w.Line($"private readonly {buffer} _rnnInitialState = new(StateSize);");
        _w.Line($"private readonly {buffer} _rnnFinalState = new(StateSize);");
        foreach (StackPlan stack in _plan.Stacks)
        {
            if (stack.Input.TokenField is { } field && stack.Input.Kind != StackInputKind.Vector)
                _w.Line($"private readonly int[] {field} = new int[{N(stack.Rows)}]; // token ids of the {(stack.Role == StackRole.Model ? "model" : stack.Name.ToLowerInvariant())}'s steps, [{stack.StepsName}, Batch]");
        }
        if (GeneratesTokens)
        {
            _w.Line("private readonly int[] _rnnGenerated = new int[OutputSteps * Batch];");
            _w.Line("private readonly int[] _rnnGeneratedLengths = new int[Batch];");
        }
        if (_plan.IsDecoding)
        {
            _w.Line("// Each lane's target length in the last teacher-forced pass (OutputSteps for every lane unless given): the loss counts real target steps only.");
            _w.Line("private readonly global::RnnGen.Inputs.PackedLanes _rnnTargetLanes = new(OutputSteps, Batch);");
        }
        if (_plan.First.PacksLanes)
        {
            _w.Line(_plan.IsEncoderDecoder
                ? "// Each lane's source length and the encoder's packed layout of the last pass (lanes sorted longest first, real steps only)."
                : "// Each lane's length and the packed layout of the last pass (lanes sorted longest first, real steps only).");
            _w.Line("private readonly global::RnnGen.Inputs.PackedLanes _rnnLanes = new(Steps, Batch);");
            if (!TokenInput) _w.Line($"private readonly {buffer} _rnnInputGradient = new(Steps * Batch * InputSize); // InputGradient in the caller's layout");
        }
        if (_plan.PacksLanes)
        {
            _w.Line($"private readonly {buffer} _rnnOutput = new(OutputSteps * Batch * OutputSize); // Output in the caller's layout, 0 where a lane has no step");
            if (ClassTargets) _w.Line("private readonly int[] _rnnTargets = new int[OutputSteps * Batch]; // targets in packed rows");
        }
        // One packed W_hh serves every layer and both passes in turn: forward (n = G·H, k = H), backward (n = H, k = G·H).
        var shapes = _plan.Stacks.SelectMany(st => st.Layers)
            .SelectMany(l => new[] { $"({N(l.GateWidth)}, {N(l.StateWidth)})", $"({N(l.StateWidth)}, {N(l.GateWidth)})" }).Distinct();
        if (_plan.PacksRecurrentWeights)
        {
            _w.Line("// W_hh packed for the micro-kernels once per pass (forward: h·W_hhᵀ; backward: dgates·W_hh), shared by all layers in turn.");
            _w.Line($"private readonly global::RnnGen.Kernels.PackedMatrix<{_e}> _rnnPacked = new(new (int, int)[] {{ {string.Join(", ", shapes)} }});");
        }
        _w.Line("// Worker threads for large matrix products; null: one thread (the default).");
        _w.Line("private global::RnnGen.Kernels.GemmWorkers? _rnnWorkers;");
        _w.Line("// 0: no forward pass yet; 1: activations of the last forward are intact; 2: backward has consumed them.");
        _w.Line("private int _rnnPhase;");
        _w.Line("private int _rnnLossStartStep;");
        EmitDropoutFields();
        _w.Line("private bool _rnnDisposed;");
        _w.Line("// 1 while a public call runs: an instance holds one pass at a time, so a second caller is refused, not interleaved.");
        _w.Line("private int _rnnBusy;");
        EmitLogitsFields();
        EmitLossOptionsField();
        EmitReducedWeightsField();
        _w.Line();

        _w.Line("/// <summary>Allocates every buffer once and initializes the parameters as PyTorch does, from <paramref name=\"seed\"/>.</summary>");
        using (_w.Block($"public {Identifier(_spec.ClassName)}(ulong seed = 0)"))
        {
            _w.Line("_rnnParameters = new(ParameterCount);");
            _w.Line("_rnnSharedParameters = new(_rnnParameters, Architecture);");
            EmitReducedWeightsInit();
            _w.Line("var random = new global::RnnGen.Randomness.Xoshiro256StarStar(seed);");
            _w.Line("var p = _rnnParameters.Span;");
            // PyTorch's initialization, tensor by tensor in state_dict order (the order the random numbers are drawn in):
            // nn.Embedding N(0, 1); nn.LSTM/GRU/RNN weights and biases U(−1/√H, 1/√H); nn.Linear U(−1/√in, 1/√in).
            foreach (TensorPlan t in _plan.Tensors)
            {
                _w.Line(t.Init switch
                {
                    TensorInit.Normal => $"global::RnnGen.Randomness.ParameterInit.Normal({Whole("p", t)}, random); // {t.Name}: N(0, 1)",
                    TensorInit.Zero => $"{Whole("p", t)}.Clear(); // {t.Name}: 0, so the leak σ(a) starts at 0.5",
                    _ => $"global::RnnGen.Randomness.ParameterInit.Uniform({Whole("p", t)}, 1.0 / global::System.Math.Sqrt({N(t.FanIn)}), random); // {t.Name}: U(−1/√k, 1/√k), k = {N(t.FanIn)}",
                });
            }
            _w.Line("_rnnDropoutRandom = new(random.NextUInt64()); // after the parameters, which it leaves as PyTorch's");
        }
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// Creates a model that computes with <paramref name=\"parameters\"/>, those of another model of the same network declared with other");
        _w.Line("/// Steps or Batch (for buckets of lengths, another batch size, or replicas); it keeps its own activations, gradients and state.");
        _w.Line("/// </summary>");
        _w.Line("/// <exception cref=\"global::System.ArgumentException\">The other model's network is not this one's.</exception>");
        using (_w.Block($"public {Identifier(_spec.ClassName)}(global::RnnGen.SharedParameters<{_e}> parameters)"))
        {
            _w.Line("global::System.ArgumentNullException.ThrowIfNull(parameters);");
            _w.Line("_rnnParameters = parameters.Attach(Architecture, nameof(parameters));");
            _w.Line("_rnnSharedParameters = parameters;");
            EmitReducedWeightsInit();
            _w.Line("_rnnDropoutRandom = new(0);");
        }
        _w.Line();
    }

    private void EmitProperties()
    {
        _w.Line("/// <summary>All parameters in one flat buffer, laid out as <see cref=\"Tensors\"/> says (asking for them counts as a write: <see cref=\"global::RnnGen.SharedParameters{T}.MarkWritten\"/>).</summary>");
        _w.Line($"public {Span} Parameters {{ get {{ _rnnSharedParameters.MarkWritten(); return _rnnParameters.Span; }} }}");
        _w.Line();
        EmitReducedWeightsMembers();
        _w.Line("/// <summary>These parameters as a handle that models of the same network with other Steps or Batch can be created over.</summary>");
        _w.Line($"public global::RnnGen.SharedParameters<{_e}> SharedParameters => _rnnSharedParameters;");
        _w.Line();
        _w.Line("/// <summary>d(Loss)/d(Parameters), same layout; <c>Backward</c> adds into it.</summary>");
        _w.Line($"public {Span} Gradients => _rnnGradients.Span;");
        _w.Line();
        _w.Line("/// <summary>Output of the last forward pass after the head's activation, [OutputSteps, Batch, OutputSize].</summary>");
        _w.Line(_plan.PacksLanes
            ? $"public {ReadOnlySpan} Output => _rnnOutput.Span;"
            : $"public {ReadOnlySpan} Output => _rnnActivations.Span.Slice({C(_plan.OutputValues)}, OutputSteps * Batch * OutputSize);");
        _w.Line();
        if (_plan.IsDecoding)
        {
            _w.Line("/// <summary>Each lane's target length in the last pass (OutputSteps for every lane unless a pass was given target lengths).</summary>");
            _w.Line("public global::System.ReadOnlySpan<int> TargetLengths => _rnnTargetLanes.Lengths;");
            _w.Line();
        }
        if (_plan.PacksLanes)
        {
            _w.Line("/// <summary>Each lane's length in the last forward pass (<see cref=\"Steps\"/> for every lane after a pass without lengths; 0: an unused lane).</summary>");
            _w.Line("public global::System.ReadOnlySpan<int> Lengths => _rnnLanes.Lengths;");
            _w.Line();
        }
        if (GeneratesTokens)
        {
            _w.Line("/// <summary>The token chosen at each output step by the last <c>Forward(input)</c> or <c>Generate</c>, [OutputSteps, Batch].</summary>");
            _w.Line("public global::System.ReadOnlySpan<int> Generated => _rnnGenerated;");
            _w.Line();
            _w.Line(_spec.EndToken >= 0
                ? "/// <summary>Each lane's generated length in the last <c>Forward(input)</c> or <c>Generate</c>: the steps up to and including its first <see cref=\"EndToken\"/>, or OutputSteps; later entries of <see cref=\"Generated\"/> repeat the end token.</summary>"
                : "/// <summary>Each lane's generated length in the last <c>Forward(input)</c> or <c>Generate</c>: OutputSteps (declare <c>EndToken</c> for lanes that stop).</summary>");
            _w.Line("public global::System.ReadOnlySpan<int> GeneratedLengths => _rnnGeneratedLengths;");
            _w.Line();
        }
        _w.Line(_plan.IsEncoderDecoder
            ? "/// <summary>The encoder's initial state: h₀ of every layer, then c₀ of every LSTM layer, each [Batch, H]; zeros unless set.</summary>"
            : "/// <summary>h₀ of every layer, then c₀ of every LSTM layer, each [Batch, H]; zeros unless set.</summary>");
        _w.Line($"public {Span} InitialState => _rnnInitialState.Span;");
        _w.Line();
        _w.Line(_plan.IsEncoderDecoder
            ? _plan.BridgesState
                ? "/// <summary>The decoder's state after its last step: every decoder layer's h, then every LSTM layer's c, each [Batch, that layer's width] (a layer over a bidirectional encoder layer is twice as wide).</summary>"
                : "/// <summary>The decoder's state after its last step, laid out as <see cref=\"InitialState\"/>.</summary>"
            : "/// <summary>The state after the last step of the last forward pass, laid out as <see cref=\"InitialState\"/>.</summary>");
        _w.Line($"public {ReadOnlySpan} FinalState => _rnnFinalState.Span;");
        _w.Line();
        EmitDropoutProperties();
        _w.Line("/// <summary>When true, each forward pass starts from the previous <see cref=\"FinalState\"/> (state is carried, not differentiated).</summary>");
        _w.Line("public bool CarryState { get; set; }");
        _w.Line();
        _w.Line("/// <summary>");
        _w.Line("/// Threads for large matrix products (default 1). Products above about a million multiply-adds are split into disjoint");
        _w.Line("/// blocks, so results are bit-identical to one thread; worth it only when the threads have cores to themselves.");
        _w.Line("/// </summary>");
        _w.Line("public int Threads");
        using (_w.Block())
        {
            _w.Line("get => _rnnWorkers?.Threads ?? 1;");
            _w.Line("set");
            using (_w.Block())
            {
                _w.Line("if (value < 1 || value > global::RnnGen.Kernels.GemmWorkers.MaxThreads) throw new global::System.ArgumentOutOfRangeException(nameof(value), value, $\"Threads must lie in [1, {(global::RnnGen.Kernels.GemmWorkers.MaxThreads)}].\");");
                _w.Line("RnnEnter(); // a pass may be using the workers this replaces");
                using (_w.Block("try"))
                {
                    _w.Line("if (value == Threads) return;");
                    _w.Line("_rnnWorkers?.Dispose();");
                    _w.Line("_rnnWorkers = value == 1 ? null : new global::RnnGen.Kernels.GemmWorkers(value);");
                }
                using (_w.Block("finally"))
                    _w.Line("global::System.Threading.Volatile.Write(ref _rnnBusy, 0);");
            }
        }
        _w.Line();
        _w.Line("/// <summary>First output step that Loss and Backward count (truncated BPTT counts only the last k1 outputs of a window); targets before it are not read.</summary>");
        _w.Line("public int LossStartStep");
        using (_w.Block())
        {
            _w.Line("get => _rnnLossStartStep;");
            _w.Line("set => _rnnLossStartStep = (uint)value < OutputSteps ? value : throw new global::System.ArgumentOutOfRangeException(nameof(value), value, \"LossStartStep must lie in [0, OutputSteps).\");");
        }
        _w.Line();
        EmitCopyStateAfterStep();
        _w.Line("/// <summary>Bytes this instance holds: parameters, gradients, activations kept for backward, scratch and recurrent state (optimizer state is the optimizer's).</summary>");
        var activations = new List<string> { "_rnnActivations.Bytes" };
        activations.AddRange(_plan.Stacks.Where(s => s.Input.TokenField is not null && s.Input.Kind != StackInputKind.Vector).Select(s => $"{s.Input.TokenField}.Length * sizeof(int)"));
        var scratch = new List<string> { "_rnnScratch.Bytes" };
        if (_plan.PacksRecurrentWeights) scratch.Add("_rnnPacked.Bytes");
        if (!_plan.IsDouble) scratch.Add("_rnnReduced.Bytes");
        if (HasLogitsBuffer) scratch.Add("_rnnLogits.Bytes");
        if (_plan.PacksLanes)
        {
            // The caller-layout copies of packed rows: Output, the packed targets, InputGradient.
            activations.Add("_rnnOutput.Bytes");
            if (ClassTargets) scratch.Add("_rnnTargets.Length * sizeof(int)");
        }
        if (_plan.First.PacksLanes && !TokenInput) scratch.Add("_rnnInputGradient.Bytes");
        if (_plan.IsDecoding) scratch.Add(DecoderStepScratchBytes);
        _w.Line($"public global::RnnGen.Memory.MemoryFootprint Footprint => new(_rnnParameters.Bytes, _rnnGradients.Bytes, {string.Join(" + ", activations)}, {string.Join(" + ", scratch)}, " +
            $"_rnnInitialState.Bytes + _rnnFinalState.Bytes{(_plan.CanStep ? " + _rnnStepState.Bytes" : "")}{(_plan.IsDecoding ? " + _rnnEncodedState.Bytes" : "")});");
        _w.Line();
        if (!TokenInput)
        {
            _w.Line("/// <summary>When true, <c>Backward</c> also computes <see cref=\"InputGradient\"/> (one extra matrix product).</summary>");
            _w.Line("public bool ComputeInputGradient { get; set; }");
            _w.Line();
            _w.Line("/// <summary>d(Loss)/d(inputs), [Steps, Batch, InputSize], from the last <c>Backward</c> run with <see cref=\"ComputeInputGradient\"/> set.</summary>");
            _w.Line(_plan.First.PacksLanes
                ? $"public {ReadOnlySpan} InputGradient => _rnnInputGradient.Span;"
                : $"public {ReadOnlySpan} InputGradient => _rnnScratch.Span.Slice({C(_plan.First.Layers[0].InputGradient!)}, Steps * Batch * InputSize);");
            _w.Line();
        }
    }

    private void EmitCopyStateAfterStep()
    {
        _w.Line("/// <summary>Copies h (and c) after input step <paramref name=\"step\"/> of the last forward pass, in the layout of <see cref=\"InitialState\"/>: where a window starting at step + 1 continues from.</summary>");
        using (GuardedMethod($"public void CopyStateAfterStep(int step, {Span} destination)"))
            EmitCopyStateAfterStepBody();
        _w.Line();
    }

    private void EmitCopyStateAfterStepBody()
    {
        if (_plan.Layers.Any(l => l.Directions == 2) || _plan.IsEncoderDecoder)
        {
            _w.Line(_plan.IsEncoderDecoder
                ? "throw new global::System.NotSupportedException(\"An encoder–decoder model has no single state after a step.\");"
                : "throw new global::System.NotSupportedException(\"A bidirectional model has no state after a step: its reverse direction reads the whole window.\");");
            return;
        }
        _w.Line($"if ((uint)step >= {N(_plan.First.Steps)}) throw new global::System.ArgumentOutOfRangeException(nameof(step), step, \"The step must lie in [0, {N(_plan.First.Steps)}).\");");
        _w.Line($"{Inputs}ArgumentChecks.Length(destination.Length, StateSize, \"[StateSize]\", nameof(destination));");
        _w.Line("if (_rnnPhase == 0) throw new global::System.InvalidOperationException(\"No forward pass yet: call Forward.\");");
        _w.Line("var a = _rnnActivations.Span;");
        if (_plan.PacksLanes)
        {
            _w.Line("// Each lane's state after min(step, its last real step); an unused lane keeps its initial state.");
            EmitStateAfter("step", "destination");
            return;
        }
        foreach (LayerPlan layer in _plan.Layers)
        {
            DirectionPlan dir = layer.Direction[0];
            long stride = _plan.B * layer.StateWidth, cellStride = _plan.B * layer.Hidden;
            _w.Line($"a.Slice({C(layer.Outputs)} + step * {N(stride)}, {N(stride)}).CopyTo(destination.Slice({C(dir.H0)}, {N(stride)}));");
            if (dir.Cell is { } cell)
                _w.Line($"a.Slice({C(cell)} + step * {N(cellStride)}, {N(cellStride)}).CopyTo(destination.Slice({C(dir.C0!)}, {N(cellStride)}));");
        }
    }

    /// <summary>Packed rows → each lane's state after <paramref name="step"/> (in the caller's lane order), every layer and direction.</summary>
    private void EmitStateAfter(string step, string destination)
    {
        foreach (LayerPlan layer in _plan.Layers)
        {
            foreach (DirectionPlan dir in layer.Direction)
            {
                string reverse = Bool(dir.Reverse);
                _w.Line($"_rnnLanes.StateAfter({step}, {Whole("a", layer.Outputs)}, ld: {N(layer.OutWidth)}, column: {N(dir.Reverse ? layer.StateWidth : 0)}, width: {N(layer.StateWidth)}, reverse: {reverse}, " +
                    $"{Whole("_rnnInitialState.Span", dir.H0)}, {Whole(destination, dir.H0)});");
                if (dir.Cell is { } cell)
                    _w.Line($"_rnnLanes.StateAfter({step}, {Whole("a", cell)}, ld: {N(layer.Hidden)}, column: 0, width: {N(layer.Hidden)}, reverse: {reverse}, " +
                        $"{Whole("_rnnInitialState.Span", dir.C0!)}, {Whole(destination, dir.C0!)});");
            }
        }
    }

    private void EmitTensorLookup()
    {
        _w.Line("/// <summary>One tensor of <see cref=\"Parameters\"/> by its PyTorch name, e.g. <c>\"" + _plan.Tensors[0].Name + "\"</c>.</summary>");
        _w.Line($"public {Span} Parameter(string name) {{ var (offset, length) = RnnFindTensor(name); _rnnSharedParameters.MarkWritten(); return _rnnParameters.Span.Slice(offset, length); }}");
        _w.Line();
        _w.Line("/// <summary>The tensor of <see cref=\"Gradients\"/> that matches <see cref=\"Parameter(string)\"/>.</summary>");
        _w.Line($"public {Span} Gradient(string name) {{ var (offset, length) = RnnFindTensor(name); return _rnnGradients.Span.Slice(offset, length); }}");
        _w.Line();
        _w.Line("private static (int Offset, int Length) RnnFindTensor(string name) => name switch");
        using (_w.Block(closing: ";"))
        {
            foreach (TensorPlan t in _plan.Tensors)
                _w.Line($"\"{t.Name}\" => ({C(t)}, {N(t.Length)}),");
            string names = string.Join(", ", _plan.Tensors.Select(t => t.Name));
            _w.Line($"_ => throw new global::System.ArgumentException($\"No tensor named '{{name}}'; this model has: {names}.\", nameof(name)),");
        }
        _w.Line();
        _w.Line("/// <summary>Sets every gradient to zero.</summary>");
        using (GuardedMethod("public void ZeroGradients()"))
            _w.Line("_rnnGradients.Span.Clear();");
        _w.Line();
        _w.Line("/// <summary>Stops the worker threads, if any, and marks the model disposed; later passes throw <see cref=\"global::System.ObjectDisposedException\"/>.</summary>");
        if (_spec.IsSealed)
        {
            using (_w.Block("public void Dispose()"))
                EmitDisposeBody();
            _w.Line();
            return;
        }
        // The dispose pattern of an unsealed type (CA1063), so a derived class can release its own resources too.
        using (_w.Block("public void Dispose()"))
        {
            _w.Line("Dispose(disposing: true);");
            _w.Line("global::System.GC.SuppressFinalize(this);");
        }
        _w.Line();
        _w.Line("/// <summary>Releases the worker threads when <paramref name=\"disposing\"/>; an override calls this too.</summary>");
        using (_w.Block("protected virtual void Dispose(bool disposing)"))
        {
            _w.Line("if (!disposing) return;");
            EmitDisposeBody();
        }
        _w.Line();
    }

    private void EmitDisposeBody()
    {
        _w.Line("if (_rnnDisposed) return;");
        _w.Line("// Disposing stops the workers a running call may be using: refuse rather than break that call.");
        _w.Line("if (global::System.Threading.Interlocked.Exchange(ref _rnnBusy, 1) != 0)");
        _w.Line("    throw new global::System.InvalidOperationException(\"Dispose was called while another call runs on this model; dispose it after that call returns.\");");
        _w.Line("_rnnDisposed = true;");
        _w.Line("_rnnWorkers?.Dispose();");
        _w.Line("_rnnWorkers = null;");
    }

    // ------------------------------------------------------------------------------------------------ public passes

    /// <summary>The line that lets a public pass's large products use the model's worker threads (none by default).</summary>
    internal const string WorkersScope = "using global::RnnGen.Kernels.GemmWorkers.Scope rnnWorkers = global::RnnGen.Kernels.GemmWorkers.Use(_rnnWorkers);";

    private void EmitPublicPasses()
    {
        string inputShape = TokenInput ? "[Steps, Batch]" : "[Steps, Batch, InputSize]";
        string targetShape = ClassTargets ? "[OutputSteps, Batch]" : "[OutputSteps, Batch, OutputSize]";
        string workers = WorkersScope;

        if (_plan.IsDecoding)
        {
            _w.Line("/// <summary>");
            _w.Line("/// Inference: " + (_plan.IsEncoderDecoder ? "encodes the input, then decodes" : "reads the input, then generates") + " OutputSteps steps, each fed the previous step's" +
                (ClassTargets ? " most likely token (greedy; see <c>Generate</c> to sample)." : " output."));
            _w.Line("/// </summary>");
        }
        else
        {
            _w.Line(TokenInput
                ? "/// <summary>Runs the forward pass over token ids, time-major [Steps, Batch], each in [0, InputSize).</summary>"
                : "/// <summary>Runs the forward pass over input vectors, time-major [Steps, Batch, InputSize].</summary>");
        }
        _w.Line($"/// <exception cref=\"global::System.ArgumentException\">Wrong length{(TokenInput ? " or a token id out of range" : "")}; nothing changes.</exception>");
        using (GuardedMethod($"public void Forward({InputType} {InputParameter})"))
        {
            EmitInputCheck(inputShape);
            _w.Line(workers);
            if (_plan.First.PacksLanes) _w.Line("_rnnLanes.SetFull();");
            if (_plan.IsDecoding) _w.Line("_rnnTargetLanes.SetFull();");
            _w.Line($"RnnLoadInputs({InputParameter});");
            _w.Line(_plan.IsDecoding ? (GeneratesTokens ? "RnnDecode(temperature: 0, random: null, topK: 0, topP: 1);" : "RnnDecode();") : "RnnForwardCore();");
        }
        _w.Line();

        if (_plan.PacksLanes)
        {
            _w.Line("/// <summary>");
            _w.Line($"/// Runs the forward pass over lanes of different lengths: <paramref name=\"lengths\"/>[b] in [0, Steps] real steps of lane b (0: an unused lane),");
            _w.Line($"/// the {InputParameter} padded to {inputShape}. Steps past a lane's length do not exist: its state stops there, its padded inputs are");
            _w.Line("/// never read and its Output there is 0. Loss and Backward then use these lengths.");
            _w.Line("/// </summary>");
            _w.Line($"/// <exception cref=\"global::System.ArgumentException\">Wrong lengths{(TokenInput ? ", a token id out of range" : ", a non-finite value")} at a real step; nothing changes.</exception>");
            using (GuardedMethod($"public void Forward({InputType} {InputParameter}, global::System.ReadOnlySpan<int> lengths)"))
            {
                _w.Line($"{Inputs}ArgumentChecks.Lengths(lengths, Steps, Batch, nameof(lengths));");
                EmitInputCheck(inputShape, "lengths");
                _w.Line(workers);
                _w.Line("_rnnLanes.Set(lengths);");
                _w.Line($"RnnLoadInputs({InputParameter});");
                _w.Line("RnnForwardCore();");
            }
            _w.Line();
        }

        if (_plan.IsDecoding)
        {
            bool sources = _plan.First.PacksLanes; // an encoder takes source lengths
            _w.Line("/// <summary>Training-time forward pass with teacher forcing: step t > 0 reads the target of step t − 1, not the prediction.</summary>");
            using (GuardedMethod($"public void Forward({InputType} {InputParameter}, {TargetType} targets)"))
                EmitTeacherForcedForward(inputShape, targetShape, workers, null, null);
            _w.Line();
            _w.Line("/// <summary>");
            _w.Line("/// Teacher forcing over targets of different lengths: <paramref name=\"targetLengths\"/>[b] in [0, OutputSteps] real target steps of lane b");
            _w.Line("/// (0: an unused lane). Loss and Backward then count real target steps only, averaged over the lanes in use; targets past a");
            _w.Line("/// lane's length are neither read nor validated.");
            _w.Line("/// </summary>");
            using (GuardedMethod($"public void Forward({InputType} {InputParameter}, {TargetType} targets, global::System.ReadOnlySpan<int> targetLengths)"))
                EmitTeacherForcedForward(inputShape, targetShape, workers, null, "targetLengths");
            _w.Line();
            if (sources)
            {
                _w.Line("/// <summary>");
                _w.Line("/// Teacher forcing over sources and targets of different lengths: the encoder reads <paramref name=\"sourceLengths\"/>[b] in [0, Steps]");
                _w.Line("/// steps of lane b (its state stops at the lane's last real step, which starts the decoder; padded inputs are never read), and the loss");
                _w.Line("/// counts <paramref name=\"targetLengths\"/>[b] target steps. A lane is unused where both are 0.");
                _w.Line("/// </summary>");
                using (GuardedMethod($"public void Forward({InputType} {InputParameter}, {TargetType} targets, global::System.ReadOnlySpan<int> sourceLengths, global::System.ReadOnlySpan<int> targetLengths)"))
                    EmitTeacherForcedForward(inputShape, targetShape, workers, "sourceLengths", "targetLengths");
                _w.Line();
                _w.Line("/// <summary>Each lane's source length in the last pass (Steps for every lane unless a pass was given source lengths).</summary>");
                _w.Line("public global::System.ReadOnlySpan<int> SourceLengths => _rnnLanes.Lengths;");
                _w.Line();
                if (_plan.Attention is { } attention)
                {
                    _w.Line("/// <summary>");
                    _w.Line("/// The attention weights of the last forward pass (teacher-forced or free-running), [OutputSteps, Batch, Steps]: a[t, b, s] is how much");
                    _w.Line("/// output step t of lane b looked at source step s; each row sums to 1 over the lane's source length and is 0 past it.");
                    _w.Line("/// A <c>DecoderStep</c> uses the rows of step 0 as its workspace, so after one they hold that step's rows' weights.");
                    _w.Line("/// </summary>");
                    _w.Line($"public {ReadOnlySpan} AttentionWeights => {Slice("_rnnActivations.Span", C(attention.Weights), attention.Weights.Length)};");
                    _w.Line();
                }
            }
            if (GeneratesTokens)
            {
                foreach (bool withSources in sources ? new[] { false, true } : new[] { false })
                {
                    foreach (bool filters in new[] { false, true })
                    {
                        _w.Line("/// <summary>");
                        _w.Line("/// Like <c>Forward(input)</c>, but each step's token is drawn from softmax(z/temperature) with <paramref name=\"random\"/>");
                        _w.Line("/// (temperature 0: the most likely token)" + (withSources ? ", the encoder reading <paramref name=\"sourceLengths\"/>[b] steps of lane b" : "") + ". The tokens are in <see cref=\"Generated\"/>.");
                        if (filters)
                        {
                            _w.Line("/// Each draw is restricted to the <paramref name=\"topK\"/> most likely tokens (0: all), then to the smallest set of those whose");
                            _w.Line("/// tempered probability sums to at least <paramref name=\"topP\"/> (1: all), as <c>Sampling.Sample</c> with top-k and top-p.");
                        }
                        _w.Line("/// </summary>");
                        string lengths = withSources ? "global::System.ReadOnlySpan<int> sourceLengths, " : "";
                        string extra = filters ? $", int topK, {_e} topP" : "";
                        using (GuardedMethod($"public void Generate({InputType} {InputParameter}, {lengths}{_e} temperature, global::RnnGen.Randomness.Xoshiro256StarStar random{extra})"))
                        {
                            if (withSources) _w.Line($"{Inputs}ArgumentChecks.Lengths(sourceLengths, Steps, Batch, nameof(sourceLengths));");
                            EmitInputCheck(inputShape, withSources ? "sourceLengths" : null);
                            _w.Line("global::System.ArgumentNullException.ThrowIfNull(random);");
                            _w.Line($"if (!(temperature >= 0) || !{_e}.IsFinite(temperature)) throw new global::System.ArgumentOutOfRangeException(nameof(temperature), temperature, \"The temperature must be finite and at least 0.\");");
                            if (filters)
                            {
                                _w.Line("if (topK < 0) throw new global::System.ArgumentOutOfRangeException(nameof(topK), topK, \"topK must be 0 (no limit) or positive.\");");
                                _w.Line("if (!(topP > 0 && topP <= 1)) throw new global::System.ArgumentOutOfRangeException(nameof(topP), topP, \"topP must lie in (0, 1] (1: no nucleus filter).\");");
                            }
                            _w.Line(workers);
                            EmitSetLanes(withSources ? "sourceLengths" : null, null);
                            _w.Line($"RnnLoadInputs({InputParameter});");
                            _w.Line(filters ? "RnnDecode(temperature, random, topK, topP);" : "RnnDecode(temperature, random, topK: 0, topP: 1);");
                        }
                        _w.Line();
                    }
                }
            }
        }

        _w.Line($"/// <summary>{Escape(_head.LossDescription)}{LossWithLengths} Targets: {targetShape}.</summary>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No forward pass yet.</exception>");
        using (GuardedMethod($"public {_e} Loss({TargetType} targets)"))
        {
            _w.Line("if (_rnnPhase == 0) throw new global::System.InvalidOperationException(\"Loss needs a forward pass first: call Forward.\");");
            EmitTargetCheck(targetShape, honorLossStart: true, _plan.PacksLanes ? "_rnnLanes.Lengths" : "_rnnTargetLanes.Lengths");
            _w.Line("return RnnLossCore(targets);");
        }
        _w.Line();

        _w.Line("/// <summary>Backpropagation through time: adds d(Loss)/d(Parameters) of the last forward pass into <see cref=\"Gradients\"/>.</summary>");
        _w.Line("/// <remarks>Backward reuses the stored gate activations for their gradients, so it runs once per forward pass." +
            (_plan.IsDecoding ? " Inputs fed back from earlier steps count as given (no gradient flows through them)." : "") + "</remarks>");
        _w.Line("/// <exception cref=\"global::System.InvalidOperationException\">No forward pass since the last backward pass.</exception>");
        using (GuardedMethod($"public void Backward({TargetType} targets)"))
        {
            _w.Line("if (_rnnPhase != 1) throw new global::System.InvalidOperationException(_rnnPhase == 0");
            _w.Line("    ? \"Backward needs a forward pass first: call Forward.\"");
            _w.Line("    : \"Backward already consumed the activations of the last forward pass: call Forward again.\");");
            EmitReducedWeightsTrainingCheck(afterForward: true);
            EmitTargetCheck(targetShape, honorLossStart: true, _plan.PacksLanes ? "_rnnLanes.Lengths" : "_rnnTargetLanes.Lengths");
            _w.Line(workers);
            _w.Line("RnnBackwardCore(targets);");
        }
        _w.Line();

        EmitTrainStep(inputShape, targetShape, workers, null, null);
        if (!_plan.IsDecoding) EmitTrainStep(inputShape, targetShape, workers, "lengths", null);
        else
        {
            EmitTrainStep(inputShape, targetShape, workers, null, "targetLengths");
            if (_plan.First.PacksLanes) EmitTrainStep(inputShape, targetShape, workers, "sourceLengths", "targetLengths");
        }

        EmitEnter();
        EmitLoadInputs();
    }

    /// <summary>The body of a teacher-forced Forward: checks, the lanes, the inputs and the teacher, then the pass.</summary>
    private void EmitTeacherForcedForward(string inputShape, string targetShape, string workers, string? sourceLengths, string? targetLengths)
    {
        if (sourceLengths is not null) _w.Line($"{Inputs}ArgumentChecks.Lengths({sourceLengths}, Steps, Batch, nameof({sourceLengths}));");
        if (targetLengths is not null) _w.Line($"{Inputs}ArgumentChecks.Lengths({targetLengths}, OutputSteps, Batch, nameof({targetLengths}));");
        EmitInputCheck(inputShape, sourceLengths);
        EmitTargetCheck(targetShape, honorLossStart: false, targetLengths);
        _w.Line(workers);
        EmitSetLanes(sourceLengths, targetLengths);
        _w.Line($"RnnLoadInputs({InputParameter});");
        _w.Line("RnnLoadTeacher(targets);");
        _w.Line("RnnForwardCore();");
    }

    /// <summary>A decoding pass's lanes: the encoder's source lengths and the decoder's target lengths, each given or full.</summary>
    private void EmitSetLanes(string? sourceLengths, string? targetLengths)
    {
        if (_plan.First.PacksLanes) _w.Line(sourceLengths is null ? "_rnnLanes.SetFull();" : $"_rnnLanes.Set({sourceLengths});");
        _w.Line(targetLengths is null ? "_rnnTargetLanes.SetFull();" : $"_rnnTargetLanes.Set({targetLengths});");
    }

    /// <summary>
    /// TrainStep over full lanes, or with each lane's length (<paramref name="sourceLengths"/>: many-to-many and
    /// many-to-one <c>lengths</c>, or an encoder's <c>sourceLengths</c>) and a generating model's target lengths.
    /// </summary>
    private void EmitTrainStep(string inputShape, string targetShape, string workers, string? sourceLengths, string? targetLengths)
    {
        _w.Line("/// <summary>");
        _w.Line("/// One training step: zero the gradients, forward" + (_plan.IsDecoding ? " (teacher forcing)" : sourceLengths is not null ? " over lanes of the given lengths" : "") + ", loss, backward, clip the gradients to <paramref name=\"clipNorm\"/> by global norm");
        _w.Line("/// (0: no clipping), then <paramref name=\"optimizer\"/> updates the parameters. Returns the loss before the update.");
        _w.Line("/// </summary>");
        _w.Line("/// <exception cref=\"global::RnnGen.TrainingDivergedException\">The loss or the gradient norm is not finite; the parameters are left unchanged.</exception>");
        string lengths = string.Concat(new[] { sourceLengths, targetLengths }.Where(l => l is not null).Select(l => $"global::System.ReadOnlySpan<int> {l}, "));
        using (GuardedMethod($"public {_e} TrainStep({InputType} {InputParameter}, {TargetType} targets, {lengths}global::RnnGen.IOptimizer<{_e}> optimizer, {_e} clipNorm = 0)"))
        {
            if (sourceLengths is not null) _w.Line($"{Inputs}ArgumentChecks.Lengths({sourceLengths}, Steps, Batch, nameof({sourceLengths}));");
            if (targetLengths is not null) _w.Line($"{Inputs}ArgumentChecks.Lengths({targetLengths}, OutputSteps, Batch, nameof({targetLengths}));");
            EmitInputCheck(inputShape, sourceLengths);
            EmitTargetCheck(targetShape, honorLossStart: !_plan.IsDecoding, _plan.IsDecoding ? targetLengths : sourceLengths);
            _w.Line("global::System.ArgumentNullException.ThrowIfNull(optimizer);");
            EmitReducedWeightsTrainingCheck(afterForward: false);
            _w.Line("if (!(clipNorm >= 0)) throw new global::System.ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, \"The clipping norm must be 0 (off) or positive.\");");
            _w.Line(workers);
            if (_plan.IsDecoding) EmitSetLanes(sourceLengths, targetLengths);
            else _w.Line(sourceLengths is null ? "_rnnLanes.SetFull();" : $"_rnnLanes.Set({sourceLengths});");
            _w.Line($"RnnLoadInputs({InputParameter});");
            if (_plan.IsDecoding) _w.Line("RnnLoadTeacher(targets);");
            _w.Line("RnnForwardCore();");
            _w.Line($"{_e} loss = RnnLossCore(targets);");
            _w.Line("_rnnGradients.Span.Clear();");
            _w.Line("RnnBackwardCore(targets);");
            _w.Line($"{_e} norm = clipNorm > 0");
            _w.Line("    ? global::RnnGen.GradientClipping.ClipByGlobalNorm(_rnnGradients.Span, clipNorm)");
            _w.Line("    : global::RnnGen.GradientClipping.GlobalNorm<" + _e + ">(_rnnGradients.Span);");
            _w.Line($"if (!{_e}.IsFinite(loss) || !{_e}.IsFinite(norm)) throw new global::RnnGen.TrainingDivergedException(double.CreateTruncating(loss), double.CreateTruncating(norm));");
            EmitLogitsGone();
            _w.Line("optimizer.Step(_rnnParameters.Span, _rnnGradients.Span);");
            _w.Line("_rnnSharedParameters.MarkWritten();");
            _w.Line("// The update itself can overflow (a learning rate far too large): the parameters must still be finite.");
            _w.Line($"global::RnnGen.TrainingDivergedException.ThrowIfParametersNotFinite<{_e}>(_rnnParameters.Span, Tensors, double.CreateTruncating(loss), double.CreateTruncating(norm));");
            _w.Line("return loss;");
        }
        _w.Line();
    }

    /// <summary>
    /// A public pass: the method, claimed by <c>RnnEnter</c> on entry and released in a <c>finally</c> however it ends.
    /// Disposing the result closes the body, writes the <c>finally</c> and closes the method.
    /// </summary>
    private GuardScope GuardedMethod(string signature)
    {
        SourceWriter.BlockScope method = _w.Block(signature);
        _w.Line("RnnEnter();");
        return new GuardScope(_w, method, _w.Block("try"));
    }

    private readonly struct GuardScope(SourceWriter w, SourceWriter.BlockScope method, SourceWriter.BlockScope body) : System.IDisposable
    {
        public void Dispose()
        {
            body.Dispose();
            using (w.Block("finally"))
                w.Line("global::System.Threading.Volatile.Write(ref _rnnBusy, 0);");
            method.Dispose();
        }
    }

    /// <summary>The guard every public pass starts with (and releases in its <c>finally</c>).</summary>
    private void EmitEnter()
    {
        _w.Line("/// <summary>Claims the instance for one call: refuses a disposed model, and a second call while one runs (from another thread).</summary>");
        using (_w.Block("private void RnnEnter()"))
        {
            _w.Line("global::System.ObjectDisposedException.ThrowIf(_rnnDisposed, this);");
            _w.Line("if (global::System.Threading.Interlocked.Exchange(ref _rnnBusy, 1) != 0)");
            _w.Line("    throw new global::System.InvalidOperationException(\"This model is already running a call, from another thread: an instance holds one pass at a time. Use one instance per thread (copy Parameters between them), or wait for the other call to return.\");");
        }
        _w.Line();
    }

    private void EmitLoadInputs()
    {
        StackPlan first = _plan.First;
        using (_w.Block($"private void RnnLoadInputs({InputType} {InputParameter})"))
        {
            _w.Line("// CarryState: this pass starts where the last one ended (the state is carried, not differentiated).");
            _w.Line(_plan.BridgesState
                ? "if (CarryState && _rnnPhase != 0) RnnSplitState(_rnnFinalState.Span, _rnnInitialState.Span); // the decoder's [forward ; reverse] rows back into the encoder's directions"
                : "if (CarryState && _rnnPhase != 0) _rnnFinalState.Span.CopyTo(_rnnInitialState.Span);");
            // One-to-many: the input fills step 0; later steps are filled by teacher forcing or by decoding.
            if (first.PacksLanes)
            {
                _w.Line("// Inputs in packed rows: lanes sorted longest first, real steps only (padded inputs are never read).");
                _w.Line(TokenInput
                    ? $"_rnnLanes.PackIds({InputParameter}, {first.Input.TokenField});"
                    : $"_rnnLanes.PackRows({InputParameter}, width: InputSize, {Whole("_rnnActivations.Span", first.Input.X!)});");
                _w.Line("// h0 (and c0) with the lanes in the same order.");
                foreach (LayerPlan layer in first.Layers)
                    foreach (DirectionPlan dir in layer.Direction)
                        foreach ((Region slot, long width) in dir.C0 is { } c0 ? new[] { (dir.H0, layer.StateWidth), (c0, layer.Hidden) } : new[] { (dir.H0, layer.StateWidth) })
                            _w.Line($"_rnnLanes.SortLanes({Whole("_rnnInitialState.Span", slot)}, width: {N(width)}, {InitialStatePart(first, slot)});");
            }
            else if (TokenInput)
                _w.Line($"{InputParameter}.CopyTo({first.Input.TokenField});");
            else
                _w.Line($"{InputParameter}.CopyTo({Whole("_rnnActivations.Span", first.Input.X!)});");
        }
        _w.Line();

        if (!_plan.IsDecoding) return;
        StackPlan decoder = _plan.Last;
        long rows = _plan.B, ot = _plan.OutputSteps;
        _w.Line("/// <summary>Teacher forcing: step t > 0 of the " + (_plan.IsEncoderDecoder ? "decoder" : "recurrence") + " reads the target of step t − 1.</summary>");
        using (_w.Block($"private void RnnLoadTeacher({TargetType} targets)"))
        {
            if (_plan.IsEncoderDecoder) EmitDecoderStart(decoder);
            if (decoder.Input.Kind == StackInputKind.Vector)
            {
                long width = _spec.Output.Size;
                _w.Line($"targets.Slice(0, {N((ot - 1) * rows * width)}).CopyTo({Slice("_rnnActivations.Span", $"{C(decoder.Input.X!)} + {N(rows * width)}", (ot - 1) * rows * width)});");
                _w.Line("// Targets past a lane's length are not validated: the inputs made of them become 0, so nothing they hold reaches the activations.");
                _w.Line($"if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast({Whole("_rnnActivations.Span", decoder.Input.X!)}, width: {N(width)}, shift: 1, value: 0);");
            }
            else
            {
                _w.Line($"targets.Slice(0, {N((ot - 1) * rows)}).CopyTo(global::System.MemoryExtensions.AsSpan({decoder.Input.TokenField}, start: Batch));");
                _w.Line("// Targets past a lane's length are not validated: the inputs made of them become token 0, a valid id that reaches no loss.");
                _w.Line($"if (!_rnnTargetLanes.Full) _rnnTargetLanes.FillPast(global::System.MemoryExtensions.AsSpan({decoder.Input.TokenField}), width: 1, shift: 1, value: 0);");
            }
        }
        _w.Line();
    }

    /// <summary>The decoder's first input: the start token, or a zero vector (x_0 = 0).</summary>
    private void EmitDecoderStart(StackPlan decoder)
    {
        if (decoder.Input.Kind == StackInputKind.Vector)
            _w.Line($"{Slice("_rnnActivations.Span", C(decoder.Input.X!), _plan.B * decoder.Input.Width)}.Clear(); // x_0 = 0");
        else
            _w.Line($"global::System.Array.Fill({decoder.Input.TokenField}, StartToken, 0, Batch); // token_0 = the start token");
    }

    /// <summary>W_ihᵀ of a one-hot input layer, transposed once per pass: each token's projection is then one contiguous row.</summary>
    private void EmitOneHotTranspose(LayerPlan layer, DirectionPlan dir)
    {
        long ids = layer.Stack.Input.Ids;
        _w.Line($"{Kernels}Matrix.Transpose({Whole("p", dir.WeightIh)}, rows: {N(layer.GateWidth)}, cols: {N(ids)}, {Slice("s", C(_plan.OneHotWeights!), ids * layer.GateWidth)});");
    }

    /// <summary>The inputs' check: every value, or (given <paramref name="lengths"/>, a C# expression) the real steps only.</summary>
    private void EmitInputCheck(string shape, string? lengths = null)
    {
        string real = lengths is null ? "" : TokenInput ? $", {lengths}" : $", {lengths}, width: InputSize";
        if (TokenInput)
            _w.Line($"{Inputs}ArgumentChecks.Ids({InputParameter}, Steps * Batch, InputSize, \"{shape}\", \"Token id\", nameof({InputParameter}){real});");
        else
            _w.Line($"{Inputs}ArgumentChecks.Finite({InputParameter}, Steps * Batch * InputSize, \"{shape}\", nameof({InputParameter}){real});");
    }

    /// <summary>The targets' check: every target (from LossStartStep), or (given <paramref name="lengths"/>) those of real steps only.</summary>
    private void EmitTargetCheck(string shape, bool honorLossStart, string? lengths = null) =>
        _head.EmitTargetCheck(_w, shape, lengths is not null
            ? $", {lengths}{(ClassTargets ? "" : ", width: OutputSize")}{(honorLossStart ? ", firstStep: _rnnLossStartStep" : "")}"
            : honorLossStart ? ", _rnnLossStartStep * Batch" + (ClassTargets ? "" : " * OutputSize") : "");

    private void EmitExplicitInterface()
    {
        string model = Interface("IRnnModel");
        _w.Line($"int {model}.Steps => Steps;");
        _w.Line($"int {model}.Batch => Batch;");
        _w.Line($"int {model}.InputSize => InputSize;");
        _w.Line($"int {model}.OutputSteps => OutputSteps;");
        _w.Line($"int {model}.OutputSize => OutputSize;");
        _w.Line($"int {model}.ParameterCount => ParameterCount;");
        _w.Line($"global::System.Collections.Generic.IReadOnlyList<global::RnnGen.TensorInfo> {model}.Tensors => Tensors;");
        _w.Line($"global::RnnGen.ModelArchitecture {model}.Architecture => Architecture;");
    }
}
