namespace RnnGen.Sample.Models;

/// <summary>
/// A compiled character-model shape: sizes are compile-time constants of the generated class, so the sample offers a
/// fixed set. Training reads <see cref="DefaultReplicas"/> replicas over one set of parameters side by side (data-parallel, one thread each when cores
/// allow), so the effective batch is <c>Replicas × Batch</c> lanes.
/// </summary>
/// <param name="Name">What <c>--shape</c> takes and the checkpoint records.</param>
/// <param name="Create">A new model initialized from a seed.</param>
/// <param name="CreateOver">A new model over another's parameters (a replica: it computes with them, no copy).</param>
/// <param name="Architecture">The generated class's declaration as data.</param>
/// <param name="Tensors">The generated class's parameter tensors.</param>
/// <param name="ParameterCount">Parameters of one model.</param>
/// <param name="LearningRate">Peak learning rate that suits the shape (AdamW, warm-up then cosine).</param>
public sealed record CharShape(string Name, Func<ulong, ITokenStepModel<float>> Create, Func<SharedParameters<float>, ITokenStepModel<float>> CreateOver, ModelArchitecture Architecture, IReadOnlyList<TensorInfo> Tensors, int ParameterCount, float LearningRate)
{
    /// <summary>Steps per window k2 (the unrolled length).</summary>
    public int Steps => Architecture.Steps;

    /// <summary>Lanes per replica.</summary>
    public int Batch => Architecture.Batch;

    /// <summary>Replicas trained side by side by default.</summary>
    public const int DefaultReplicas = 2;

    /// <summary>"2 × LSTM(128)" and the like.</summary>
    public string Layers => Architecture.Layers.Count > 1 && Architecture.Layers.All(l => l == Architecture.Layers[0])
        ? $"{Architecture.Layers.Count} × {Cell(Architecture.Layers[0])}"
        : string.Join(" → ", Architecture.Layers.Select(Cell));

    /// <summary>One line for --help and logs.</summary>
    public string Summary => $"{Layers}, {Steps} steps × {Batch} lanes per replica, {ParameterCount:N0} parameters";

    private static string Cell(LayerArchitecture l) =>
        $"{l.Cell.ToString().ToUpperInvariant()}({l.Hidden}{(l.Dropout > 0 ? $", dropout {l.Dropout:0.##}" : "")}{(l.RecurrentDropout > 0 ? $", recurrent dropout {l.RecurrentDropout:0.##}" : "")})";
}

/// <summary>
/// The character-model shapes this build has. To add one, declare a class below and list it in <see cref="All"/>. Each
/// declares the runtime's <see cref="ITokenStepModel{T}"/>, which the generated members (<c>Step</c>, <c>StepState</c>,
/// <c>ResetStepState</c>, <c>Forward</c>, <c>Loss</c>, <c>Backward</c>) already satisfy.
/// </summary>
public static class CharShapes
{
    /// <summary>Symbols every shape can tell apart; a training text may have at most this many distinct characters.</summary>
    public const int Vocabulary = 128;

    /// <summary>The shape of the default run.</summary>
    public const string DefaultName = "medium";

    /// <summary>Every shape, smallest first.</summary>
    public static IReadOnlyList<CharShape> All { get; } =
    [
        new("small", seed => new SmallCharModel(seed), p => new SmallCharModel(p), SmallCharModel.Architecture, SmallCharModel.Tensors, SmallCharModel.ParameterCount, 0.01f),
        new("medium", seed => new MediumCharModel(seed), p => new MediumCharModel(p), MediumCharModel.Architecture, MediumCharModel.Tensors, MediumCharModel.ParameterCount, 0.006f),
        new("large", seed => new LargeCharModel(seed), p => new LargeCharModel(p), LargeCharModel.Architecture, LargeCharModel.Tensors, LargeCharModel.ParameterCount, 0.005f),
    ];

    /// <summary>
    /// The shapes of the sweep that chose <c>medium</c> (Sample/README.md, "Choosing the default"): layer widths and depths ×
    /// dropout, each trained for the same two minutes. <c>--shape</c> takes them; the help lists only <see cref="All"/>.
    /// </summary>
    public static IReadOnlyList<CharShape> Sweep { get; } =
    [
        new("lstm256", seed => new Lstm256(seed), p => new Lstm256(p), Lstm256.Architecture, Lstm256.Tensors, Lstm256.ParameterCount, 0.006f),
        new("lstm256-d20", seed => new Lstm256Dropout20(seed), p => new Lstm256Dropout20(p), Lstm256Dropout20.Architecture, Lstm256Dropout20.Tensors, Lstm256Dropout20.ParameterCount, 0.006f),
        new("lstm256-d35", seed => new Lstm256Dropout35(seed), p => new Lstm256Dropout35(p), Lstm256Dropout35.Architecture, Lstm256Dropout35.Tensors, Lstm256Dropout35.ParameterCount, 0.006f),
        new("lstm256-d50", seed => new Lstm256Dropout50(seed), p => new Lstm256Dropout50(p), Lstm256Dropout50.Architecture, Lstm256Dropout50.Tensors, Lstm256Dropout50.ParameterCount, 0.006f),
        new("lstm256-d35-r20", seed => new Lstm256Dropout35Recurrent20(seed), p => new Lstm256Dropout35Recurrent20(p), Lstm256Dropout35Recurrent20.Architecture, Lstm256Dropout35Recurrent20.Tensors, Lstm256Dropout35Recurrent20.ParameterCount, 0.006f),
        new("lstm256-d25-r15", seed => new Lstm256Dropout25Recurrent15(seed), p => new Lstm256Dropout25Recurrent15(p), Lstm256Dropout25Recurrent15.Architecture, Lstm256Dropout25Recurrent15.Tensors, Lstm256Dropout25Recurrent15.ParameterCount, 0.006f),
        new("lstm256-d50-r25", seed => new Lstm256Dropout50Recurrent25(seed), p => new Lstm256Dropout50Recurrent25(p), Lstm256Dropout50Recurrent25.Architecture, Lstm256Dropout50Recurrent25.Tensors, Lstm256Dropout50Recurrent25.ParameterCount, 0.006f),
        new("lstm384-d50-r25", seed => new Lstm384Dropout50Recurrent25(seed), p => new Lstm384Dropout50Recurrent25(p), Lstm384Dropout50Recurrent25.Architecture, Lstm384Dropout50Recurrent25.Tensors, Lstm384Dropout50Recurrent25.ParameterCount, 0.005f),
        new("lstm384-d35", seed => new Lstm384Dropout35(seed), p => new Lstm384Dropout35(p), Lstm384Dropout35.Architecture, Lstm384Dropout35.Tensors, Lstm384Dropout35.ParameterCount, 0.005f),
        new("lstm384-d50", seed => new Lstm384Dropout50(seed), p => new Lstm384Dropout50(p), Lstm384Dropout50.Architecture, Lstm384Dropout50.Tensors, Lstm384Dropout50.ParameterCount, 0.005f),
        new("2lstm256-d35", seed => new TwoLstm256Dropout35(seed), p => new TwoLstm256Dropout35(p), TwoLstm256Dropout35.Architecture, TwoLstm256Dropout35.Tensors, TwoLstm256Dropout35.ParameterCount, 0.005f),
    ];

    /// <summary>The names, comma-separated.</summary>
    public static string Names => string.Join(", ", All.Select(s => s.Name)) + " (and the sweep's " + string.Join(", ", Sweep.Select(s => s.Name)) + ")";

    /// <summary>The shape called <paramref name="name"/> (one of <see cref="All"/> or of <see cref="Sweep"/>), or null.</summary>
    public static CharShape? Find(string name) => All.Concat(Sweep).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>The default shape.</summary>
    public static CharShape Default => Find(DefaultName)!;
}

/// <summary>small: one LSTM layer of 128 units over one-hot characters; quick to train (tests, a first look).</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(128)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class SmallCharModel { }

/// <summary>
/// medium (the default run): one LSTM layer of 256 units over one-hot characters, 32-step windows, dropout 0.25 on its
/// output and variational dropout 0.15 of h_(t-1). The sweep of <see cref="CharShapes.Sweep"/> (Sample/README.md) chose
/// it: in the same two minutes it reached the lowest held-out loss; without dropout the same layer overfits.
/// </summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.25, RecurrentDropout = 0.15)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class MediumCharModel { }

/// <summary>large: two LSTM layers of 256 units, 64-step windows; about three times medium's compute per character, for runs of ten minutes or more.</summary>
[RnnModel(Steps = 64, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256)]
[Lstm(256)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class LargeCharModel { }

// The sweep (see CharShapes.Sweep): one class per width × dropout, since sizes and dropout are compile-time constants.

/// <summary>Sweep: LSTM(256) without dropout.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256 { }

/// <summary>Sweep: LSTM(256), dropout 0.2 on its output.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.2)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout20 { }

/// <summary>Sweep: LSTM(256), dropout 0.35 on its output.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.35)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout35 { }

/// <summary>Sweep: LSTM(256), dropout 0.5 on its output.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.5)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout50 { }

/// <summary>Sweep: LSTM(256), dropout 0.35 on its output and variational dropout 0.2 of h_(t-1).</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.35, RecurrentDropout = 0.2)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout35Recurrent20 { }

/// <summary>Sweep: LSTM(256), dropout 0.25 on its output and variational dropout 0.15 of h_(t-1).</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.25, RecurrentDropout = 0.15)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout25Recurrent15 { }

/// <summary>Sweep: LSTM(256), dropout 0.5 on its output and variational dropout 0.25 of h_(t-1).</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.5, RecurrentDropout = 0.25)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm256Dropout50Recurrent25 { }

/// <summary>Sweep: LSTM(384), dropout 0.5 on its output and variational dropout 0.25 of h_(t-1).</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(384, Dropout = 0.5, RecurrentDropout = 0.25)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm384Dropout50Recurrent25 { }

/// <summary>Sweep: LSTM(384), dropout 0.35 on its output.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(384, Dropout = 0.35)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm384Dropout35 { }

/// <summary>Sweep: LSTM(384), dropout 0.5 on its output.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(384, Dropout = 0.5)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class Lstm384Dropout50 { }

/// <summary>Sweep: two LSTM layers of 256 units, dropout 0.35 between them and on top.</summary>
[RnnModel(Steps = 32, Batch = 16)]
[TokenInput(CharShapes.Vocabulary)]
[Lstm(256, Dropout = 0.35)]
[Lstm(256, Dropout = 0.35)]
[SoftmaxOutput(CharShapes.Vocabulary)]
public partial class TwoLstm256Dropout35 { }
