using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;

namespace RnnGen.Generator;

public sealed partial class RnnGenerator
{
    /// <summary>
    /// Turns the symbols of one <c>[RnnModel]</c> declaration into a <see cref="ModelSpec"/>, or into diagnostics that
    /// point at the attribute argument to change. Nothing here throws on user input: every problem becomes an RNNG
    /// diagnostic, and an unexpected exception becomes RNNG999 instead of crashing the compiler (CS8785).
    /// </summary>
    internal static class Parser
    {
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            try
            {
                var state = new State(context, cancellationToken);
                ModelPlan? plan = state.Run();
                return new ParseResult(state.Failed ? null : plan, state.Diagnostics.ToEquatableArray());
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                var info = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id,
                    LocationInfo.From(context.TargetNode.GetLocation()),
                    new[] { ex.GetType().Name + ": " + ex.Message }.ToEquatableArray());
                return new ParseResult(null, new[] { info }.ToEquatableArray());
            }
        }

        /// <summary>The names of an enum's members, as a diagnostic lists the valid ones.</summary>
        private static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetNames(typeof(TEnum)));

        private enum AttributeKind { None, Model, TokenInput, VectorInput, Rnn, Lstm, Gru, SoftmaxOutput, LinearOutput, SigmoidOutput, Attention }

        private static AttributeKind KindOf(INamedTypeSymbol? attributeClass)
        {
            if (attributeClass is null || attributeClass.ContainingNamespace is not { Name: "RnnGen" } ns || !ns.ContainingNamespace.IsGlobalNamespace)
                return AttributeKind.None;
            return attributeClass.Name switch
            {
                "RnnModelAttribute" => AttributeKind.Model,
                "TokenInputAttribute" => AttributeKind.TokenInput,
                "VectorInputAttribute" => AttributeKind.VectorInput,
                "RnnAttribute" => AttributeKind.Rnn,
                "LstmAttribute" => AttributeKind.Lstm,
                "GruAttribute" => AttributeKind.Gru,
                "SoftmaxOutputAttribute" => AttributeKind.SoftmaxOutput,
                "LinearOutputAttribute" => AttributeKind.LinearOutput,
                "SigmoidOutputAttribute" => AttributeKind.SigmoidOutput,
                "AttentionAttribute" => AttributeKind.Attention,
                _ => AttributeKind.None,
            };
        }

        private static string ShortName(AttributeKind kind) => kind switch
        {
            AttributeKind.Model => "RnnModel",
            AttributeKind.TokenInput => "TokenInput",
            AttributeKind.VectorInput => "VectorInput",
            AttributeKind.Rnn => "Rnn",
            AttributeKind.Lstm => "Lstm",
            AttributeKind.Gru => "Gru",
            AttributeKind.SoftmaxOutput => "SoftmaxOutput",
            AttributeKind.LinearOutput => "LinearOutput",
            AttributeKind.SigmoidOutput => "SigmoidOutput",
            AttributeKind.Attention => "Attention",
            _ => "?",
        };

        /// <summary>One parse: collects diagnostics as it goes; <see cref="Failed"/> once any error is reported.</summary>
        private sealed class State
        {
            private readonly GeneratorAttributeSyntaxContext _context;
            private readonly CancellationToken _ct;
            private readonly INamedTypeSymbol _symbol;
            private readonly TypeDeclarationSyntax _node;

            public State(GeneratorAttributeSyntaxContext context, CancellationToken ct)
            {
                _context = context;
                _ct = ct;
                _symbol = (INamedTypeSymbol)context.TargetSymbol;
                _node = (TypeDeclarationSyntax)context.TargetNode;
            }

            public List<DiagnosticInfo> Diagnostics { get; } = new();

            public bool Failed { get; private set; }

            private void Report(DiagnosticDescriptor descriptor, Location? location, params object[] args)
            {
                Failed = true;
                Diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location ?? _node.Identifier.GetLocation()),
                    args.Select(a => a?.ToString() ?? "").ToEquatableArray()));
            }

            public ModelPlan? Run()
            {
                // 'partial class { }': the compiler reports the missing name; code for a nameless class would only add errors.
                if (_node.Identifier.IsMissing || _symbol.Name.Length == 0) return null;

                // [RnnModel] on several partial declarations: the first one reports, the others stay silent.
                List<AttributeData> modelAttributes = _symbol.GetAttributes().Where(a => KindOf(a.AttributeClass) == AttributeKind.Model).ToList();
                AttributeData model = _context.Attributes[0];
                if (modelAttributes.Count > 1)
                {
                    if (!SameApplication(modelAttributes[0], model)) return null;
                    Report(DiagnosticDescriptors.DuplicateModelAttribute, AttributeLocation(modelAttributes[1]), _symbol.Name);
                    return null;
                }

                // Declaration problems do not stop the reading of the attributes, so every problem is reported in one build —
                // except on a struct or interface, where the compiler rejects the attributes themselves (CS0592).
                if (!CheckDeclaration() && _symbol.TypeKind != TypeKind.Class) return null;

                ModelSettings? settings = ReadModel(model);
                (InputSpec? input, List<LayerSpec> layers, OutputSpec? output) = ReadParts(model);
                if (Failed || settings is null || input is null || output is null || layers.Count == 0) return null;
                CheckGeneration(settings.Topology, input, layers, output);
                CheckEndToken(model, settings, output);
                CheckAttention(settings.Topology, layers);
                if (Failed) return null;

                var spec = new ModelSpec(
                    Namespace: NamespaceName(_symbol.ContainingNamespace),
                    ClassName: _symbol.Name,
                    TypeKeyword: _symbol.IsRecord ? "record" : "class",
                    IsSealed: _symbol.IsSealed,
                    ContainingTypes: ContainingTypes(),
                    Steps: settings.Steps,
                    Batch: settings.Batch,
                    Topology: settings.Topology,
                    OutputSteps: settings.Topology == Topology.ManyToOne ? 1 : settings.Topology == Topology.ManyToMany ? settings.Steps : settings.OutputSteps,
                    Precision: settings.Precision,
                    Input: input,
                    Layers: layers.ToEquatableArray(),
                    Output: output,
                    EndToken: settings.EndToken)
                {
                    Attention = _attention,
                    AttentionInputFeeding = _attention is not null && _inputFeeding,
                };

                // The plan is built once, here: the size check reads it and the emitter writes it.
                var plan = new ModelPlan(spec);
                CheckSize(plan, model);
                return Failed ? null : plan;
            }

            private AttributeData? _inputAttribute, _outputAttribute, _attentionAttribute;
            private AttentionKind? _attention;
            private bool _inputFeeding;
            private readonly List<AttributeData> _layerAttributes = new();

            /// <summary>
            /// One-to-many and encoder–decoder models generate step by step, each output becoming the next input: the
            /// output must be something the input layer can read, and no layer may look ahead (bidirectional).
            /// </summary>
            private void CheckGeneration(Topology topology, InputSpec input, List<LayerSpec> layers, OutputSpec output)
            {
                if (topology is not (Topology.OneToMany or Topology.EncoderDecoder)) return;
                if (topology == Topology.OneToMany && input.Dropout > 0 && _inputAttribute is not null)
                    Report(DiagnosticDescriptors.InputDropoutNotValid, ArgumentLocation(_inputAttribute, "Dropout", -1, null),
                        "of a one-to-many model: every step after the first reads the model's own output; drop a layer's output instead");
                // An encoder–decoder's encoder may read both ways; its decoder is causal (each bidirectional encoder layer
                // starts a unidirectional decoder layer twice as wide, as OpenNMT does).
                for (int i = 0; i < layers.Count && topology == Topology.OneToMany; i++)
                {
                    if (layers[i].Bidirectional)
                        Report(DiagnosticDescriptors.BidirectionalInGenerator, ArgumentLocation(_layerAttributes[i], "Bidirectional", -1, null), "Topology." + topology);
                }
                if (topology != Topology.OneToMany || _outputAttribute is null) return;
                string? problem = input.Kind switch
                {
                    InputKind.Token when output.Kind != HeadKind.Softmax =>
                        $"a [TokenInput] model must predict tokens: use [SoftmaxOutput({input.Size})]",
                    InputKind.Token when output.Size != input.Size =>
                        $"the predicted class is the next token, so SoftmaxOutput needs {input.Size} classes (the vocabulary), not {output.Size}",
                    InputKind.Vector when output.Kind == HeadKind.Softmax =>
                        $"a [VectorInput] model must predict vectors: use [LinearOutput({input.Size})] or [SigmoidOutput({input.Size})]",
                    InputKind.Vector when output.Size != input.Size =>
                        $"the output is the next input, so it needs {input.Size} values (the input size), not {output.Size}",
                    _ => null,
                };
                if (problem is not null)
                    Report(DiagnosticDescriptors.OutputCannotBeFedBack, ArgumentLocation(_outputAttribute, null, 0, null), problem);
            }

            /// <summary>Attention is the decoder's look back at the encoder: only an encoder–decoder has both (RNNG041).</summary>
            private void CheckAttention(Topology topology, List<LayerSpec> layers)
            {
                if (_attentionAttribute is null) return;
                if (topology != Topology.EncoderDecoder)
                {
                    Report(DiagnosticDescriptors.AttentionNeedsEncoderDecoder, AttributeLocation(_attentionAttribute), "Topology." + topology);
                    return;
                }
                // Input feeding runs the teacher-forced decoder one step at a time, and that schedule has no dropout.
                int dropping = layers.FindIndex(l => l.Dropout > 0 || l.RecurrentDropout > 0);
                if (_inputFeeding && dropping >= 0)
                    Report(DiagnosticDescriptors.InputFeedingWithDropout, ArgumentLocation(_attentionAttribute, "InputFeeding", -1, null), dropping);
            }

            /// <summary>An end token belongs to a model that generates classes, and must be one of them.</summary>
            private void CheckEndToken(AttributeData model, ModelSettings settings, OutputSpec output)
            {
                if (settings.EndToken == -1) return;
                string? problem = settings.Topology is not (Topology.OneToMany or Topology.EncoderDecoder)
                        ? $"applies to models that generate (Topology.OneToMany or Topology.EncoderDecoder), not Topology.{settings.Topology}; remove it"
                    : output.Kind != HeadKind.Softmax ? "needs a [SoftmaxOutput] head: the end token is a class the model chooses; remove it"
                    : settings.EndToken < 0 || settings.EndToken >= output.Size ? $"must be a class id in [0, {output.Size}), or -1 for none"
                    : null;
                if (problem is not null)
                    Report(DiagnosticDescriptors.EndTokenInvalid, ArgumentLocation(model, "EndToken", -1, null), settings.EndToken, problem);
            }

            private static bool SameApplication(AttributeData a, AttributeData b) =>
                a.ApplicationSyntaxReference is { } ra && b.ApplicationSyntaxReference is { } rb
                && ra.SyntaxTree == rb.SyntaxTree && ra.Span == rb.Span;

            // ---------------------------------------------------------------- declaration

            private bool CheckDeclaration()
            {
                if (_symbol.TypeKind != TypeKind.Class)
                {
                    string what = _symbol.TypeKind switch
                    {
                        TypeKind.Struct => _symbol.IsRecord ? "a record struct" : "a struct",
                        TypeKind.Interface => "an interface",
                        _ => "a " + _symbol.TypeKind.ToString().ToLowerInvariant(),
                    };
                    Report(DiagnosticDescriptors.ModelMustBeClass, _node.Identifier.GetLocation(), _symbol.Name, what);
                    return false;
                }
                if (_symbol.IsStatic)
                    Report(DiagnosticDescriptors.ModelMustNotBeStatic, _node.Identifier.GetLocation(), _symbol.Name);
                if (!_node.Modifiers.Any(SyntaxKind.PartialKeyword))
                    Report(DiagnosticDescriptors.ModelMustBePartial, _node.Identifier.GetLocation(), _symbol.Name);
                if (_symbol.Arity > 0)
                    Report(DiagnosticDescriptors.GenericModelNotSupported, _node.TypeParameterList?.GetLocation() ?? _node.Identifier.GetLocation(), _symbol.Name);
                CheckConstructionAndMembers();

                for (INamedTypeSymbol? outer = _symbol.ContainingType; outer is not null; outer = outer.ContainingType)
                {
                    _ct.ThrowIfCancellationRequested();
                    if (outer.IsFileLocal)
                        Report(DiagnosticDescriptors.FileLocalModel, OuterLocation(outer), _symbol.Name);
                    if (outer.Arity > 0)
                        Report(DiagnosticDescriptors.GenericModelNotSupported, OuterLocation(outer), _symbol.Name);
                    foreach (SyntaxReference reference in outer.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax(_ct) is TypeDeclarationSyntax decl && !decl.Modifiers.Any(SyntaxKind.PartialKeyword))
                        {
                            Report(DiagnosticDescriptors.ContainingTypeMustBePartial, decl.Identifier.GetLocation(), outer.Name, _symbol.Name);
                            break;
                        }
                    }
                }
                return !Failed;
            }

            /// <summary>Non-method members the generated half declares; a user member of the same name would collide (CS0102).</summary>
            private static readonly HashSet<string> GeneratedMemberNames = new(StringComparer.Ordinal)
            {
                "Steps", "Batch", "InputSize", "OutputSteps", "OutputSize", "ParameterCount", "StateSize", "StartToken", "RnnLayout",
                "Architecture", "Tensors", "Parameters", "Gradients", "Output", "Generated", "InitialState", "FinalState", "CarryState",
                "LossStartStep", "Footprint", "ComputeInputGradient", "InputGradient", "StepState", "Threads", "Lengths", "SharedParameters",
                "EndToken", "GeneratedLengths", "Logits", "LossOptions",
            };

            /// <summary>
            /// Methods and nested types the generated half declares (besides <see cref="GeneratedMemberNames"/>): the model
            /// class cannot take one of these names either (CS0542). Private members are <c>Rnn…</c>-prefixed; the ones
            /// whose names do not depend on the layers are listed, and the per-layer ones by prefix.
            /// </summary>
            private static readonly HashSet<string> GeneratedMethodNames = new(StringComparer.Ordinal)
            {
                "Forward", "Loss", "Backward", "TrainStep", "ZeroGradients", "Dispose", "Parameter", "Gradient", "CopyStateAfterStep",
                "Step", "ResetStepState", "Generate", "RnnLayout", "RnnInverseBatch", "RnnFindTensor", "RnnLoadInputs", "RnnLoadTeacher",
                "RnnForwardCore", "RnnForwardHead", "RnnLossCore", "RnnBackwardCore", "RnnDecode", "RnnSaveState", "RnnEnter", "RnnPackTargets",
                "BackwardFromOutput", "BackwardFromLogits", "RnnOptionsLoss", "RnnFillLogits",
            };

            private static readonly string[] GeneratedMethodPrefixes = { "RnnForward", "RnnBackward", "RnnDecode", "RnnSaveState", "_rnn" };

            /// <summary>
            /// What would make the generated constructor or members fail to compile: a primary constructor (the generated
            /// constructor cannot know its arguments), a file-local class (a generated file cannot extend it), a base class
            /// without an accessible parameterless constructor, a base class that is itself a model, and user members
            /// named like generated ones.
            /// </summary>
            private void CheckConstructionAndMembers()
            {
                string name = _symbol.Name;
                if (GeneratedMemberNames.Contains(name) || GeneratedMethodNames.Contains(name)
                    || GeneratedMethodPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                    Report(DiagnosticDescriptors.ClassNameTaken, _node.Identifier.GetLocation(), name);
                if (_symbol.IsFileLocal)
                    Report(DiagnosticDescriptors.FileLocalModel, _node.Modifiers.FirstOrDefault(m => m.IsKind(SyntaxKind.FileKeyword)).GetLocation(), _symbol.Name);
                foreach (SyntaxReference reference in _symbol.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(_ct) is TypeDeclarationSyntax { ParameterList: { } parameters })
                    {
                        Report(DiagnosticDescriptors.PrimaryConstructor, parameters.GetLocation(), _symbol.Name);
                        break;
                    }
                }
                INamedTypeSymbol? baseType = _symbol.BaseType;
                if (baseType is not null && baseType.SpecialType != SpecialType.System_Object && baseType.TypeKind == TypeKind.Class)
                {
                    Location? baseLocation = _node.BaseList?.Types.FirstOrDefault()?.GetLocation();
                    bool derivesFromModel = false;
                    for (INamedTypeSymbol? t = baseType; t is not null; t = t.BaseType)
                        derivesFromModel |= t.GetAttributes().Any(a => KindOf(a.AttributeClass) == AttributeKind.Model);
                    if (derivesFromModel)
                    {
                        Report(DiagnosticDescriptors.ModelDerivesFromModel, baseLocation, _symbol.Name, baseType.Name);
                    }
                    else if (!baseType.InstanceConstructors.Any(c =>
                        c.Parameters.All(p => p.HasExplicitDefaultValue || p.IsParams)
                        && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal
                            or Accessibility.Internal or Accessibility.ProtectedAndInternal))
                    {
                        Report(DiagnosticDescriptors.BaseWithoutParameterlessConstructor, baseLocation, _symbol.Name, baseType.Name);
                    }
                }
                // Generated code declares its locals with 'var'; a type named 'var' in scope would take their place.
                if (!_context.SemanticModel.LookupNamespacesAndTypes(_node.OpenBraceToken.SpanStart + 1, null, "var").IsEmpty)
                    Report(DiagnosticDescriptors.TypeNamedVar, _node.Identifier.GetLocation(), _symbol.Name);
                foreach (ISymbol member in _symbol.GetMembers())
                {
                    // The compilation a generator sees does not contain its own output, so these are the user's members.
                    if (member is IMethodSymbol || member.IsImplicitlyDeclared || !GeneratedMemberNames.Contains(member.Name)) continue;
                    Report(DiagnosticDescriptors.MemberNameTaken, member.Locations.FirstOrDefault(l => l.IsInSource), member.Name, _symbol.Name);
                }
            }

            private Location? OuterLocation(INamedTypeSymbol outer) =>
                outer.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_ct) is TypeDeclarationSyntax d
                    ? d.TypeParameterList?.GetLocation() ?? d.Identifier.GetLocation()
                    : null;

            /// <summary>
            /// The namespace as plain names joined by dots: <c>event.fixed</c>, not <c>@event.@fixed</c> as
            /// <c>ToDisplayString</c> writes it. The emitter escapes keywords itself, and '@' in a hint name makes
            /// <c>AddSource</c> throw (CS8785).
            /// </summary>
            private static string NamespaceName(INamespaceSymbol ns)
            {
                var parts = new List<string>();
                for (; !ns.IsGlobalNamespace; ns = ns.ContainingNamespace) parts.Insert(0, ns.Name);
                return string.Join(".", parts);
            }

            private EquatableArray<ContainingTypeSpec> ContainingTypes()
            {
                var list = new List<ContainingTypeSpec>();
                for (INamedTypeSymbol? outer = _symbol.ContainingType; outer is not null; outer = outer.ContainingType)
                {
                    string keyword = outer.TypeKind switch
                    {
                        TypeKind.Struct => outer.IsRecord ? "record struct" : "struct",
                        TypeKind.Interface => "interface",
                        _ => outer.IsRecord ? "record" : "class",
                    };
                    list.Insert(0, new ContainingTypeSpec(keyword, outer.Name));
                }
                return list.ToEquatableArray();
            }

            // ---------------------------------------------------------------- [RnnModel]

            private sealed record ModelSettings(int Steps, int Batch, Topology Topology, int OutputSteps, Precision Precision, int EndToken);

            private ModelSettings? ReadModel(AttributeData model)
            {
                if (!Readable(model, AttributeKind.Model)) return null;
                int? steps = null, outputSteps = null;
                int batch = 1, topology = 0, precision = 0, endToken = -1;
                foreach (KeyValuePair<string, TypedConstant> arg in model.NamedArguments)
                {
                    if (arg.Value.Kind == TypedConstantKind.Error || arg.Value.Value is not int value)
                    {
                        Report(DiagnosticDescriptors.InvalidAttributeArgument, ArgumentLocation(model, arg.Key, -1, null), "RnnModel");
                        continue;
                    }
                    switch (arg.Key)
                    {
                        case "Steps": steps = value; break;
                        case "Batch": batch = value; break;
                        case "Topology": topology = value; break;
                        case "OutputSteps": outputSteps = value; break;
                        case "Precision": precision = value; break;
                        case "EndToken": endToken = value; break;
                    }
                }

                if (steps is null)
                    Report(DiagnosticDescriptors.StepsRequired, AttributeLocation(model), _symbol.Name);
                else if (steps < 1 || steps > Limits.MaxSteps)
                    Report(DiagnosticDescriptors.StepsOutOfRange, ArgumentLocation(model, "Steps", -1, null), "Steps", steps.Value);

                if (batch < 1 || batch > Limits.MaxBatch)
                    Report(DiagnosticDescriptors.BatchOutOfRange, ArgumentLocation(model, "Batch", -1, null), batch);

                if (!Enum.IsDefined(typeof(Topology), topology))
                    Report(DiagnosticDescriptors.InvalidEnumValue, ArgumentLocation(model, "Topology", -1, null), "Topology", topology, "Topology", Names<Topology>());
                if (!Enum.IsDefined(typeof(Precision), precision))
                    Report(DiagnosticDescriptors.InvalidEnumValue, ArgumentLocation(model, "Precision", -1, null), "Precision", precision, "Precision", Names<Precision>());

                var topologyKind = (Topology)topology;
                if (topologyKind is Topology.ManyToMany or Topology.ManyToOne)
                {
                    int implied = topologyKind == Topology.ManyToOne ? 1 : steps ?? 0;
                    if (outputSteps is not null && outputSteps != implied)
                        Report(DiagnosticDescriptors.OutputStepsNotApplicable, ArgumentLocation(model, "OutputSteps", -1, null),
                            topologyKind, topologyKind == Topology.ManyToOne ? "one output step" : "one output step per input step");
                }
                else if (topologyKind is Topology.OneToMany or Topology.EncoderDecoder)
                {
                    if (outputSteps is null || outputSteps < 1 || outputSteps > Limits.MaxSteps)
                        Report(DiagnosticDescriptors.OutputStepsOutOfRange,
                            outputSteps is null ? ArgumentLocation(model, "Topology", -1, null) : ArgumentLocation(model, "OutputSteps", -1, null),
                            topologyKind, outputSteps?.ToString() ?? "not set");
                    if (topologyKind == Topology.OneToMany && steps is not null && steps != 1 && steps >= 1 && steps <= Limits.MaxSteps)
                        Report(DiagnosticDescriptors.OneToManyReadsOneStep, ArgumentLocation(model, "Steps", -1, null), steps.Value);
                }

                return steps is null ? null : new ModelSettings(steps.Value, batch, topologyKind, outputSteps ?? 0, (Precision)precision, endToken);
            }

            // ---------------------------------------------------------------- inputs, layers, output

            /// <summary>
            /// True for the first input (or output) attribute, whose name it records; a later one is reported as a
            /// duplicate of the first (<paramref name="duplicate"/>) and skipped.
            /// </summary>
            private bool FirstOfItsKind(DiagnosticDescriptor duplicate, AttributeData attr, AttributeKind kind, ref string? firstName)
            {
                if (firstName is not null)
                {
                    Report(duplicate, AttributeLocation(attr), _symbol.Name, firstName, ShortName(kind));
                    return false;
                }
                firstName = ShortName(kind);
                return true;
            }

            private (InputSpec?, List<LayerSpec>, OutputSpec?) ReadParts(AttributeData model)
            {
                InputSpec? input = null;
                OutputSpec? output = null;
                string? inputName = null, outputName = null;
                var layers = new List<LayerSpec>();

                // A part that is present but unreadable or misplaced has its own diagnostic: it must not also be reported
                // as missing ("has no input" next to "[VectorInput] cannot be read" sends the user the wrong way).
                List<(AttributeData Attr, AttributeKind Kind)> parts = PartsInSourceOrder(out HashSet<AttributeKind> misplaced);
                bool hasInput = misplaced.Any(IsInput), hasLayer = misplaced.Any(IsLayer), hasOutput = misplaced.Any(IsOutput);

                foreach ((AttributeData attr, AttributeKind kind) in parts)
                {
                    _ct.ThrowIfCancellationRequested();
                    if (IsInput(kind))
                    {
                        if (!FirstOfItsKind(DiagnosticDescriptors.DuplicateInput, attr, kind, ref inputName)) continue;
                        hasInput = true;
                        if (Readable(attr, kind)) input = ReadInput(attr, kind);
                        _inputAttribute = attr;
                    }
                    else if (IsLayer(kind))
                    {
                        hasLayer = true;
                        if (Readable(attr, kind) && ReadLayer(attr, kind) is { } layer)
                        {
                            layers.Add(layer);
                            _layerAttributes.Add(attr);
                        }
                    }
                    else if (kind == AttributeKind.Attention)
                    {
                        if (_attentionAttribute is not null)
                        {
                            Report(DiagnosticDescriptors.DuplicateAttention, AttributeLocation(attr), _symbol.Name);
                            continue;
                        }
                        _attentionAttribute = attr;
                        if (Readable(attr, kind)) _attention = ReadAttention(attr);
                        _inputFeeding = attr.NamedArguments.Any(a => a.Key == "InputFeeding" && a.Value.Value is true);
                    }
                    else if (IsOutput(kind))
                    {
                        if (!FirstOfItsKind(DiagnosticDescriptors.DuplicateOutput, attr, kind, ref outputName)) continue;
                        hasOutput = true;
                        if (Readable(attr, kind)) output = ReadOutput(attr, kind);
                        _outputAttribute = attr;
                    }
                }

                if (!hasInput) Report(DiagnosticDescriptors.MissingInput, AttributeLocation(model), _symbol.Name);
                if (!hasLayer) Report(DiagnosticDescriptors.MissingLayer, AttributeLocation(model), _symbol.Name);
                if (!hasOutput) Report(DiagnosticDescriptors.MissingOutput, AttributeLocation(model), _symbol.Name);
                return (input, layers, output);
            }

            private static bool IsInput(AttributeKind kind) => kind is AttributeKind.TokenInput or AttributeKind.VectorInput;

            private static bool IsLayer(AttributeKind kind) => kind is AttributeKind.Rnn or AttributeKind.Lstm or AttributeKind.Gru;

            private static bool IsOutput(AttributeKind kind) => kind is AttributeKind.SoftmaxOutput or AttributeKind.LinearOutput or AttributeKind.SigmoidOutput;

            /// <summary>
            /// The model's input, layer and output attributes in source order. All must sit on the declaration that
            /// carries [RnnModel]: across partial declarations the order (the layer stack) would be ambiguous. The kinds
            /// found elsewhere (reported with RNNG018) come back in <paramref name="misplaced"/>.
            /// </summary>
            private List<(AttributeData, AttributeKind)> PartsInSourceOrder(out HashSet<AttributeKind> misplaced)
            {
                misplaced = new HashSet<AttributeKind>();
                var parts = new List<(AttributeData Attr, AttributeKind Kind, int Position)>();
                foreach (AttributeData attr in _symbol.GetAttributes())
                {
                    AttributeKind kind = KindOf(attr.AttributeClass);
                    if (kind is AttributeKind.None or AttributeKind.Model) continue;
                    SyntaxReference? reference = attr.ApplicationSyntaxReference;
                    if (reference is null || reference.SyntaxTree != _node.SyntaxTree || !_node.Span.Contains(reference.Span))
                    {
                        Report(DiagnosticDescriptors.AttributeOnOtherDeclaration, AttributeLocation(attr), ShortName(kind), _symbol.Name);
                        misplaced.Add(kind);
                        continue;
                    }
                    parts.Add((attr, kind, reference.Span.Start));
                }
                return parts.OrderBy(p => p.Position).Select(p => (p.Attr, p.Kind)).ToList();
            }

            private InputSpec? ReadInput(AttributeData attr, AttributeKind kind)
            {
                int? size = Positional(attr, 0);
                if (size is null) return null;
                if (kind == AttributeKind.VectorInput)
                {
                    bool sized = AtLeast(size.Value, 1, "size", attr, 0, "size");
                    double? vectorDropout = Probability(attr, "Dropout");
                    return sized && vectorDropout is not null ? new InputSpec(InputKind.Vector, size.Value, 0, vectorDropout.Value) : null;
                }
                int embedding = Named(attr, "Embedding") ?? 0;
                bool ok = AtLeast(size.Value, 1, "vocabulary", attr, 0, "vocabulary");
                ok &= AtLeast(embedding, 0, "Embedding", attr, -1, null, "Embedding");
                double? dropout = Probability(attr, "Dropout");
                if (dropout > 0 && embedding == 0)
                {
                    Report(DiagnosticDescriptors.InputDropoutNotValid, ArgumentLocation(attr, "Dropout", -1, null),
                        "needs an Embedding: a one-hot token has nothing to drop but the whole token; declare Embedding = E, or drop the first layer's output instead");
                    return null;
                }
                return ok && dropout is not null ? new InputSpec(InputKind.Token, size.Value, embedding, dropout.Value) : null;
            }

            private LayerSpec? ReadLayer(AttributeData attr, AttributeKind kind)
            {
                int? hidden = Positional(attr, 0);
                if (hidden is null || !AtLeast(hidden.Value, 1, "hidden", attr, 0, "hidden")) return null;
                bool bidirectional = attr.NamedArguments.Any(a => a.Key == "Bidirectional" && a.Value.Value is true);
                int nonlinearity = kind == AttributeKind.Rnn ? Named(attr, "Nonlinearity") ?? 0 : 0;
                if (!Enum.IsDefined(typeof(Nonlinearity), nonlinearity))
                {
                    Report(DiagnosticDescriptors.InvalidEnumValue, ArgumentLocation(attr, "Nonlinearity", -1, null), "Nonlinearity", nonlinearity, "Nonlinearity", Names<Nonlinearity>());
                    return null;
                }
                CellType cell = kind switch { AttributeKind.Lstm => CellType.Lstm, AttributeKind.Gru => CellType.Gru, _ => CellType.Rnn };
                int projection = kind == AttributeKind.Lstm ? Named(attr, "Projection") ?? 0 : 0;
                // PyTorch's nn.LSTM requires 0 <= proj_size < hidden_size (0: none); a projection as wide as c projects nothing.
                if (projection < 0 || projection >= hidden.Value)
                {
                    Report(DiagnosticDescriptors.ProjectionOutOfRange, ArgumentLocation(attr, "Projection", -1, null), projection, hidden.Value);
                    return null;
                }
                double? dropout = Probability(attr, "Dropout"), recurrentDropout = Probability(attr, "RecurrentDropout");
                if (dropout is null || recurrentDropout is null) return null;
                var layer = new LayerSpec(cell, hidden.Value, (Nonlinearity)nonlinearity, bidirectional, dropout.Value, recurrentDropout.Value, projection);
                return kind == AttributeKind.Rnn ? ReadLeak(attr, layer) : layer;
            }

            /// <summary>An RNN's <c>Leak</c> (a constant in (0, 1], RNNG035) or <c>LearnedLeak</c>, not both (RNNG036).</summary>
            private LayerSpec? ReadLeak(AttributeData attr, LayerSpec layer)
            {
                double? leak = null;
                bool learned = false;
                foreach (KeyValuePair<string, TypedConstant> arg in attr.NamedArguments)
                {
                    if (arg.Key == "Leak" && arg.Value.Value is double value) leak = value;
                    if (arg.Key == "LearnedLeak" && arg.Value.Value is true) learned = true;
                }
                // NaN fails both comparisons, so it is out of range too.
                if (leak is { } l && !(l > 0 && l <= 1))
                {
                    Report(DiagnosticDescriptors.LeakOutOfRange, ArgumentLocation(attr, "Leak", -1, null), l.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    return null;
                }
                if (leak is { } both && learned)
                {
                    Report(DiagnosticDescriptors.LeakWithLearnedLeak, ArgumentLocation(attr, "LearnedLeak", -1, null), both.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    return null;
                }
                return layer with { Leak = leak ?? 1, LearnedLeak = learned };
            }

            private AttentionKind? ReadAttention(AttributeData attr)
            {
                int? kind = Positional(attr, 0);
                if (kind is null) return null;
                if (Enum.IsDefined(typeof(AttentionKind), kind.Value)) return (AttentionKind)kind.Value;
                Report(DiagnosticDescriptors.InvalidEnumValue, ArgumentLocation(attr, null, 0, null), "kind", kind.Value, "AttentionKind", Names<AttentionKind>());
                return null;
            }

            private OutputSpec? ReadOutput(AttributeData attr, AttributeKind kind)
            {
                int? size = Positional(attr, 0);
                if (size is null) return null;
                switch (kind)
                {
                    case AttributeKind.SoftmaxOutput:
                        return AtLeast(size.Value, 2, "classes", attr, 0, "classes") ? new OutputSpec(HeadKind.Softmax, size.Value) : null;
                    case AttributeKind.LinearOutput:
                        return AtLeast(size.Value, 1, "size", attr, 0, "size") ? new OutputSpec(HeadKind.Linear, size.Value) : null;
                    default:
                        return AtLeast(size.Value, 1, "size", attr, 0, "size") ? new OutputSpec(HeadKind.Sigmoid, size.Value) : null;
                }
            }

            // ---------------------------------------------------------------- sizes

            /// <summary>Every buffer the generated class allocates must be indexable by int; check them in 64-bit arithmetic.</summary>
            private void CheckSize(ModelPlan plan, AttributeData model)
            {
                ModelSpec spec = plan.Spec;
                ModelPlan.Sizes sizes = plan.Measure();
                foreach ((string name, long length) in new[] { ("parameter", sizes.Parameters), ("activation", sizes.Activations), ("scratch", sizes.Scratch) })
                {
                    if (length > Limits.MaxBufferLength)
                    {
                        Report(DiagnosticDescriptors.ModelTooLarge, AttributeLocation(model), spec.ClassName, length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            name, Limits.MaxBufferLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        return;
                    }
                }
            }

            // ---------------------------------------------------------------- attribute arguments

            /// <summary>
            /// False (with RNNG021) when the attribute has a compile error: the compiler could not bind it (no matching
            /// constructor, an argument that is not a constant), or bound it despite an error it reports — a constant
            /// converted against the rules (<c>Steps = 3.5</c>, <c>Topology = 1</c>), an unknown or repeated named
            /// argument, a syntax error — which the attribute data alone does not show. The diagnostic points at the
            /// argument that holds the first error, else at the whole attribute.
            /// </summary>
            private bool Readable(AttributeData attr, AttributeKind kind)
            {
                bool broken = attr.AttributeConstructor is null
                    || attr.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error)
                    || attr.NamedArguments.Any(a => a.Value.Kind == TypedConstantKind.Error);
                Location? at = null;
                if (attr.ApplicationSyntaxReference?.GetSyntax(_ct) is AttributeSyntax syntax)
                {
                    Location? error = FirstError(syntax);
                    broken |= error is not null;
                    if (broken) at = ArgumentContaining(syntax, error) ?? syntax.GetLocation();
                }
                if (broken) Report(DiagnosticDescriptors.InvalidAttributeArgument, at ?? AttributeLocation(attr), ShortName(kind));
                return !broken;
            }

            /// <summary>
            /// The first error the compiler reports inside <paramref name="syntax"/>: syntax errors, then binding errors.
            /// Warnings promoted to errors (TreatWarningsAsErrors, e.g. an [Obsolete] constant) do not count: the
            /// attribute's values are still what the user wrote.
            /// </summary>
            private Location? FirstError(AttributeSyntax syntax)
            {
                foreach (Diagnostic d in syntax.GetDiagnostics())
                {
                    if (IsError(d)) return d.Location;
                }
                if (syntax.SyntaxTree != _context.SemanticModel.SyntaxTree) return null;
                foreach (Diagnostic d in _context.SemanticModel.GetDiagnostics(syntax.Span, _ct))
                {
                    if (IsError(d) && syntax.Span.Contains(d.Location.SourceSpan)) return d.Location;
                }
                return null;
            }

            private static bool IsError(Diagnostic d) => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError;

            /// <summary>The argument of <paramref name="syntax"/> whose span holds <paramref name="error"/>, if any.</summary>
            private static Location? ArgumentContaining(AttributeSyntax syntax, Location? error)
            {
                if (error is null || syntax.ArgumentList is not { } list) return null;
                foreach (AttributeArgumentSyntax a in list.Arguments)
                {
                    if (a.Span.Length > 0 && a.Span.Contains(error.SourceSpan)) return a.GetLocation();
                }
                return null;
            }

            private int? Positional(AttributeData attr, int index)
            {
                if (attr.ConstructorArguments.Length <= index || attr.ConstructorArguments[index].Value is not int value)
                {
                    Report(DiagnosticDescriptors.InvalidAttributeArgument, AttributeLocation(attr), ShortName(KindOf(attr.AttributeClass)));
                    return null;
                }
                return value;
            }

            private static int? Named(AttributeData attr, string name)
            {
                foreach (KeyValuePair<string, TypedConstant> arg in attr.NamedArguments)
                {
                    if (arg.Key == name && arg.Value.Value is int value) return value;
                }
                return null;
            }

            /// <summary>A dropout probability argument (0 when absent), or null after reporting one outside [0, 1).</summary>
            private double? Probability(AttributeData attr, string name)
            {
                foreach (KeyValuePair<string, TypedConstant> arg in attr.NamedArguments)
                {
                    if (arg.Key != name || arg.Value.Value is not double value) continue;
                    if (DropoutProbability.IsValid(value)) return value;
                    Report(DiagnosticDescriptors.DropoutOutOfRange, ArgumentLocation(attr, name, -1, null), name, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                    return null;
                }
                return 0;
            }

            private bool AtLeast(int value, int minimum, string displayName, AttributeData attr, int position, string? parameterName, string? namedArgument = null)
            {
                if (value >= minimum) return true;
                Report(DiagnosticDescriptors.SizeOutOfRange, ArgumentLocation(attr, namedArgument, position, parameterName), displayName, value, minimum);
                return false;
            }

            private Location? AttributeLocation(AttributeData attr) =>
                attr.ApplicationSyntaxReference?.GetSyntax(_ct).GetLocation();

            /// <summary>
            /// The syntax of one argument: a named property (<c>Steps = 0</c>), or a constructor argument by position or by
            /// <c>name:</c>. Falls back to the whole attribute.
            /// </summary>
            private Location? ArgumentLocation(AttributeData attr, string? namedArgument, int position, string? parameterName)
            {
                if (attr.ApplicationSyntaxReference?.GetSyntax(_ct) is not AttributeSyntax syntax) return null;
                if (syntax.ArgumentList is { } list)
                {
                    if (namedArgument is not null)
                    {
                        foreach (AttributeArgumentSyntax a in list.Arguments)
                        {
                            if (a.NameEquals?.Name.Identifier.ValueText == namedArgument) return a.GetLocation();
                        }
                    }
                    if (position >= 0)
                    {
                        if (parameterName is not null)
                        {
                            foreach (AttributeArgumentSyntax a in list.Arguments)
                            {
                                if (a.NameColon?.Name.Identifier.ValueText == parameterName) return a.GetLocation();
                            }
                        }
                        int i = 0;
                        foreach (AttributeArgumentSyntax a in list.Arguments)
                        {
                            if (a.NameEquals is not null || a.NameColon is not null) continue;
                            if (i++ == position) return a.GetLocation();
                        }
                    }
                }
                return syntax.GetLocation();
            }
        }
    }
}
