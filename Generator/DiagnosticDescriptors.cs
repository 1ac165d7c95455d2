using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator;

/// <summary>
/// Every diagnostic the generator reports. Ids are stable: once shipped, an id keeps its meaning
/// (listed in AnalyzerReleases.*.md and in the README's diagnostics table).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ModelMustBePartial = Error("RNNG001",
        "Model class must be partial",
        "Class '{0}' has [RnnModel] but is not partial; declare it 'partial' so RnnGen can add the generated members");

    public static readonly DiagnosticDescriptor ContainingTypeMustBePartial = Error("RNNG002",
        "Types containing a model must be partial",
        "Type '{0}' contains the model '{1}' but is not partial; declare '{0}' partial as well");

    public static readonly DiagnosticDescriptor GenericModelNotSupported = Error("RNNG003",
        "Generic models are not supported",
        "'{0}' is generic (or nested in a generic type); RnnGen needs every size at compile time, so remove the type parameters");

    public static readonly DiagnosticDescriptor StepsRequired = Error("RNNG004",
        "Steps is required",
        "[RnnModel] on '{0}' does not set Steps; add 'Steps = <number of time steps>' (1 to " + Limits.MaxSteps + ")");

    public static readonly DiagnosticDescriptor StepsOutOfRange = Error("RNNG005",
        "Steps out of range",
        "{0} = {1} is out of range; use a value from 1 to " + Limits.MaxSteps);

    public static readonly DiagnosticDescriptor BatchOutOfRange = Error("RNNG006",
        "Batch out of range",
        "Batch = {0} is out of range; use a value from 1 to " + Limits.MaxBatch);

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error("RNNG007",
        "Size out of range",
        "{0} = {1} is out of range; it must be at least {2}");

    public static readonly DiagnosticDescriptor MissingInput = Error("RNNG008",
        "Model has no input",
        "Model '{0}' has no input; add [TokenInput(vocabulary)] or [VectorInput(size)]");

    public static readonly DiagnosticDescriptor DuplicateInput = Error("RNNG009",
        "Model has more than one input",
        "Model '{0}' already has an input ({1}); remove this [{2}]");

    public static readonly DiagnosticDescriptor MissingLayer = Error("RNNG010",
        "Model has no recurrent layer",
        "Model '{0}' has no recurrent layer; add at least one [Lstm(hidden)], [Gru(hidden)] or [Rnn(hidden)]");

    public static readonly DiagnosticDescriptor MissingOutput = Error("RNNG011",
        "Model has no output",
        "Model '{0}' has no output; add [SoftmaxOutput(classes)], [LinearOutput(size)] or [SigmoidOutput(size)]");

    public static readonly DiagnosticDescriptor DuplicateOutput = Error("RNNG012",
        "Model has more than one output",
        "Model '{0}' already has an output ({1}); remove this [{2}]");

    public static readonly DiagnosticDescriptor OutputStepsNotApplicable = Error("RNNG013",
        "OutputSteps does not apply to this topology",
        "OutputSteps applies only to Topology.OneToMany and Topology.EncoderDecoder; remove it (a {0} model has {1})");

    public static readonly DiagnosticDescriptor OutputStepsOutOfRange = Error("RNNG014",
        "OutputSteps out of range",
        "Topology.{0} needs OutputSteps from 1 to " + Limits.MaxSteps + " (it is {1}); set 'OutputSteps = <number of output steps>'");

    public static readonly DiagnosticDescriptor InvalidEnumValue = Error("RNNG016",
        "Unknown enum value",
        "{0} = {1} is not a defined {2} value; use one of: {3}");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error("RNNG017",
        "Model too large",
        "Model '{0}' needs {1} values in its {2} buffer, more than one buffer can hold ({3}); reduce Steps, Batch or the layer sizes");

    public static readonly DiagnosticDescriptor AttributeOnOtherDeclaration = Error("RNNG018",
        "Model attribute on another part of the class",
        "[{0}] is on a different partial declaration of '{1}' than [RnnModel]; move it next to [RnnModel] so the layer order is well defined");

    public static readonly DiagnosticDescriptor ModelMustBeClass = Error("RNNG019",
        "Model must be a class",
        "'{0}' is {1}; [RnnModel] applies to a partial class (or record class)");

    public static readonly DiagnosticDescriptor ModelMustNotBeStatic = Error("RNNG020",
        "Model class must not be static",
        "Class '{0}' is static; a model holds parameters and buffers per instance, remove 'static'");

    public static readonly DiagnosticDescriptor InvalidAttributeArgument = Error("RNNG021",
        "Attribute argument cannot be read",
        "The arguments of [{0}] cannot be read (a compile error in the attribute); fix the attribute so RnnGen can generate the model");

    public static readonly DiagnosticDescriptor DuplicateModelAttribute = Error("RNNG022",
        "RnnModel applied more than once",
        "'{0}' has more than one [RnnModel] (on one or several partial declarations); keep exactly one");

    public static readonly DiagnosticDescriptor OneToManyReadsOneStep = Error("RNNG023",
        "A one-to-many model reads one input step",
        "Topology.OneToMany reads one input and then generates OutputSteps outputs; set Steps = 1 (it is {0})");

    public static readonly DiagnosticDescriptor OutputCannotBeFedBack = Error("RNNG024",
        "The output cannot be fed back as the next input",
        "A one-to-many model feeds each output back as the next input: {0}");

    public static readonly DiagnosticDescriptor BidirectionalInGenerator = Error("RNNG025",
        "Bidirectional layer in a model that generates step by step",
        "{0} generates one step at a time, so no layer can read ahead; remove Bidirectional = true");

    public static readonly DiagnosticDescriptor PrimaryConstructor = Error("RNNG026",
        "Model class has a primary constructor",
        "'{0}' has a primary constructor; RnnGen generates the model's constructor (ulong seed), so remove the parameter list and declare members instead");

    public static readonly DiagnosticDescriptor FileLocalModel = Error("RNNG027",
        "Model class is file-local",
        "'{0}' is file-local (or nested in a file-local type); generated code lives in another file and cannot extend it, so remove 'file'");

    public static readonly DiagnosticDescriptor BaseWithoutParameterlessConstructor = Error("RNNG028",
        "Base class has no parameterless constructor",
        "'{0}' derives from '{1}', which has no accessible parameterless constructor for the generated constructor to call; add one or derive from another type");

    public static readonly DiagnosticDescriptor ModelDerivesFromModel = Error("RNNG029",
        "Model derives from another model",
        "'{0}' derives from the model '{1}'; each model owns its generated members, so declare '{0}' without that base class (use composition)");

    public static readonly DiagnosticDescriptor MemberNameTaken = Error("RNNG030",
        "Member name taken by the generated model",
        "'{0}' is a member RnnGen generates into '{1}'; rename yours");

    public static readonly DiagnosticDescriptor ClassNameTaken = Error("RNNG033",
        "Class name taken by a generated member",
        "'{0}' is also the name of a member RnnGen generates into the class, and a member cannot have its class's name (CS0542); rename the class");

    public static readonly DiagnosticDescriptor TypeNamedVar = Error("RNNG031",
        "A type named 'var' is in scope",
        "A type named 'var' is visible inside '{0}', and the generated code declares its locals with 'var'; rename that type (the compiler also warns about lower-case type names, CS8981)");

    public static readonly DiagnosticDescriptor PartWithoutModel = new("RNNG032",
        "Model attribute without [RnnModel]",
        "[{0}] on '{1}' has no effect without [RnnModel(Steps = …)]; add [RnnModel] to generate a model, or remove it",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EndTokenInvalid = Error("RNNG034",
        "EndToken is not valid here",
        "EndToken = {0} {1}");

    public static readonly DiagnosticDescriptor LeakOutOfRange = Error("RNNG035",
        "Leak is outside (0, 1]",
        "Leak = {0} is not in (0, 1]: α is the share of the new activation in h_t = (1 − α)⊙h_(t-1) + α⊙f(…); use a value above 0 and at most 1 (1 is the plain RNN)");

    public static readonly DiagnosticDescriptor LeakWithLearnedLeak = Error("RNNG036",
        "Leak together with LearnedLeak",
        "Leak = {0} and LearnedLeak = true both set this layer's leak: Leak fixes α, LearnedLeak learns it per unit; remove one of them");

    public static readonly DiagnosticDescriptor ProjectionOutOfRange = Error("RNNG037",
        "Projection out of range",
        "Projection = {0} is out of range; h is projected to fewer units than the LSTM's {1}, so use a value with 0 < Projection < {1} (PyTorch's proj_size), or leave Projection out");

    public static readonly DiagnosticDescriptor DropoutOutOfRange = Error("RNNG039",
        "Dropout probability out of range",
        "{0} = {1} is not a dropout probability: it must be in " + DropoutProbability.Range + " (0: no dropout)");

    public static readonly DiagnosticDescriptor InputDropoutNotValid = Error("RNNG040",
        "Input dropout is not valid here",
        "Dropout on the input {0}");

    public static readonly DiagnosticDescriptor AttentionNeedsEncoderDecoder = Error("RNNG041",
        "Attention needs an encoder–decoder",
        "[Attention] lets a decoder look back at its encoder's outputs, and {0} has no encoder and decoder; use Topology.EncoderDecoder, or remove [Attention]");

    public static readonly DiagnosticDescriptor DuplicateAttention = Error("RNNG042",
        "More than one [Attention]",
        "'{0}' declares [Attention] more than once; a decoder has one attention, so keep one");

    public static readonly DiagnosticDescriptor InputFeedingWithDropout = Error("RNNG043",
        "Input feeding together with dropout",
        "InputFeeding = true runs the decoder one step at a time, which drops nothing, and layer {0} declares Dropout or RecurrentDropout; remove one of them");

    public static readonly DiagnosticDescriptor InternalError = Error("RNNG999",
        "RnnGen internal error",
        "RnnGen failed on this model ({0}); please report it with the declaration");

    /// <summary>All descriptors, by id.</summary>
    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> All = Build();

    public static DiagnosticDescriptor ById(string id) =>
        All.TryGetValue(id, out DiagnosticDescriptor? d) ? d : throw new ArgumentException("Unknown diagnostic id " + id, nameof(id));

    private static Dictionary<string, DiagnosticDescriptor> Build()
    {
        var all = new Dictionary<string, DiagnosticDescriptor>();
        foreach (System.Reflection.FieldInfo field in typeof(DiagnosticDescriptors).GetFields())
        {
            if (field.GetValue(null) is DiagnosticDescriptor d) all.Add(d.Id, d);
        }
        return all;
    }
}
