using System.Numerics;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests.Support;

/// <summary>
/// Drives any generated model through its interfaces with random inputs and targets of the right kind, so one
/// test body covers every input × output combination. Generating models (one-to-many, encoder–decoder) run with
/// teacher forcing, the path training and gradient checks use.
/// </summary>
public sealed class ModelDriver<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public ModelDriver(IRnnModel<T> model, ulong seed)
    {
        Model = model;
        var random = new Xoshiro256StarStar(seed);
        int inputCount = model.Steps * model.Batch;
        if (model is ITokenInputModel<T>)
        {
            Tokens = new int[inputCount];
            for (int i = 0; i < Tokens.Length; i++) Tokens[i] = random.NextInt(model.InputSize);
        }
        else
        {
            Inputs = new T[inputCount * model.InputSize];
            for (int i = 0; i < Inputs.Length; i++) Inputs[i] = T.CreateTruncating(random.NextUniform(-1, 1));
        }
        int targetRows = model.OutputSteps * model.Batch;
        if (model is IClassTargetModel<T>)
        {
            ClassTargets = new int[targetRows];
            for (int i = 0; i < ClassTargets.Length; i++) ClassTargets[i] = random.NextInt(model.OutputSize);
        }
        else
        {
            // Values in [0, 1] are valid targets for both squared error and binary cross-entropy.
            ValueTargets = new T[targetRows * model.OutputSize];
            for (int i = 0; i < ValueTargets.Length; i++) ValueTargets[i] = T.CreateTruncating(random.NextDouble());
        }
    }

    public IRnnModel<T> Model { get; }

    /// <summary>Each lane's source length for an encoder–decoder's teacher-forced pass (with <see cref="TargetLengths"/>).</summary>
    public int[]? SourceLengths { get; private set; }

    /// <summary>Runs an encoder–decoder with source lengths (and full target lengths unless given), with garbage in every padded source input.</summary>
    public ModelDriver<T> WithSourceLengths(int[] lengths)
    {
        SourceLengths = lengths;
        TargetLengths ??= Enumerable.Repeat(Model.OutputSteps, Model.Batch).ToArray();
        for (int t = 0; t < Model.Steps; t++)
            for (int b = 0; b < Model.Batch; b++)
            {
                if (t < lengths[b]) continue;
                if (Tokens is not null) Tokens[t * Model.Batch + b] = -1000 - t;
                if (Inputs is not null) Inputs.AsSpan((t * Model.Batch + b) * Model.InputSize, Model.InputSize).Fill(T.NaN);
            }
        return this;
    }

    /// <summary>Each lane's target length for a generating model's teacher-forced pass; null: the overloads without them.</summary>
    public int[]? TargetLengths { get; private set; }

    /// <summary>Runs a generating model with <paramref name="lengths"/> as target lengths, with garbage in every padded target.</summary>
    public ModelDriver<T> WithTargetLengths(int[] lengths)
    {
        TargetLengths = lengths;
        int batch = Model.Batch;
        for (int t = 0; t < Model.OutputSteps; t++)
            for (int b = 0; b < batch; b++)
            {
                if (t < lengths[b]) continue;
                if (ClassTargets is not null) ClassTargets[t * batch + b] = -77 - t;
                if (ValueTargets is not null) ValueTargets.AsSpan((t * batch + b) * Model.OutputSize, Model.OutputSize).Fill(T.NaN);
            }
        return this;
    }

    /// <summary>Each lane's length for <c>Forward(input, lengths)</c>; null: the overloads without lengths.</summary>
    public int[]? Lengths { get; private set; }

    /// <summary>
    /// Runs with <paramref name="lengths"/> from now on, and fills every padded input and target with garbage that
    /// would poison any result it reached: NaN values, and ids far outside their range.
    /// </summary>
    public ModelDriver<T> WithLengths(int[] lengths)
    {
        Lengths = lengths;
        int batch = Model.Batch, outputSteps = Model.OutputSteps;
        for (int t = 0; t < Model.Steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                if (t < lengths[b]) continue;
                if (Tokens is not null) Tokens[t * batch + b] = -1000 - t;
                if (Inputs is not null) Inputs.AsSpan((t * batch + b) * Model.InputSize, Model.InputSize).Fill(T.NaN);
            }
        }
        for (int t = 0; t < outputSteps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                // Many-to-one: the one output step is real for a lane in use.
                if (t < lengths[b]) continue;
                if (ClassTargets is not null) ClassTargets[t * batch + b] = 1_000_000;
                if (ValueTargets is not null) ValueTargets.AsSpan((t * batch + b) * Model.OutputSize, Model.OutputSize).Fill(T.NaN);
            }
        }
        return this;
    }
    public int[]? Tokens { get; }
    public T[]? Inputs { get; }
    public int[]? ClassTargets { get; }
    public T[]? ValueTargets { get; }

    public void Forward()
    {
        switch (Model)
        {
            case IEncoderDecoderModel<T, int, int> m when SourceLengths is not null: m.Forward(Tokens, ClassTargets, SourceLengths, TargetLengths!); break;
            case IEncoderDecoderModel<T, int, T> m when SourceLengths is not null: m.Forward(Tokens, ValueTargets, SourceLengths, TargetLengths!); break;
            case IEncoderDecoderModel<T, T, int> m when SourceLengths is not null: m.Forward(Inputs, ClassTargets, SourceLengths, TargetLengths!); break;
            case IEncoderDecoderModel<T, T, T> m when SourceLengths is not null: m.Forward(Inputs, ValueTargets, SourceLengths, TargetLengths!); break;
            case IGeneratingModel<T, int, int> m when TargetLengths is not null: m.Forward(Tokens, ClassTargets, TargetLengths); break;
            case IGeneratingModel<T, int, T> m when TargetLengths is not null: m.Forward(Tokens, ValueTargets, TargetLengths); break;
            case IGeneratingModel<T, T, int> m when TargetLengths is not null: m.Forward(Inputs, ClassTargets, TargetLengths); break;
            case IGeneratingModel<T, T, T> m when TargetLengths is not null: m.Forward(Inputs, ValueTargets, TargetLengths); break;
            case IGeneratingModel<T, int, int> m: m.Forward(Tokens, ClassTargets); break;
            case IGeneratingModel<T, int, T> m: m.Forward(Tokens, ValueTargets); break;
            case IGeneratingModel<T, T, int> m: m.Forward(Inputs, ClassTargets); break;
            case IGeneratingModel<T, T, T> m: m.Forward(Inputs, ValueTargets); break;
            case IVariableLengthModel<T, int, int> m when Lengths is not null: m.Forward(Tokens, Lengths); break;
            case IVariableLengthModel<T, int, T> m when Lengths is not null: m.Forward(Tokens, Lengths); break;
            case IVariableLengthModel<T, T, int> m when Lengths is not null: m.Forward(Inputs, Lengths); break;
            case IVariableLengthModel<T, T, T> m when Lengths is not null: m.Forward(Inputs, Lengths); break;
            case ITokenInputModel<T> m: m.Forward(Tokens); break;
            default: ((IVectorInputModel<T>)Model).Forward(Inputs); break;
        }
    }

    /// <summary>Forward with <paramref name="lengths"/> as given, whatever <see cref="Lengths"/> holds; the inputs stay as they are.</summary>
    public void Forward(ReadOnlySpan<int> lengths)
    {
        switch (Model)
        {
            case IVariableLengthModel<T, int, int> m: m.Forward(Tokens, lengths); break;
            case IVariableLengthModel<T, int, T> m: m.Forward(Tokens, lengths); break;
            case IVariableLengthModel<T, T, int> m: m.Forward(Inputs, lengths); break;
            case IVariableLengthModel<T, T, T> m: m.Forward(Inputs, lengths); break;
            default: throw new ArgumentException($"{Model.GetType().Name} is not an IVariableLengthModel");
        }
    }

    /// <summary>TrainStep with <paramref name="lengths"/> as given, whatever <see cref="Lengths"/> holds.</summary>
    public T TrainStep(ReadOnlySpan<int> lengths, IOptimizer<T> optimizer, T clipNorm) => Model switch
    {
        IVariableLengthModel<T, int, int> m => m.TrainStep(Tokens, ClassTargets, lengths, optimizer, clipNorm),
        IVariableLengthModel<T, int, T> m => m.TrainStep(Tokens, ValueTargets, lengths, optimizer, clipNorm),
        IVariableLengthModel<T, T, int> m => m.TrainStep(Inputs, ClassTargets, lengths, optimizer, clipNorm),
        IVariableLengthModel<T, T, T> m => m.TrainStep(Inputs, ValueTargets, lengths, optimizer, clipNorm),
        _ => throw new ArgumentException($"{Model.GetType().Name} is not an IVariableLengthModel"),
    };

    public T Loss() => Model is IClassTargetModel<T> c ? c.Loss(ClassTargets) : ((IValueTargetModel<T>)Model).Loss(ValueTargets);

    public void Backward()
    {
        if (Model is IClassTargetModel<T> c) c.Backward(ClassTargets);
        else ((IValueTargetModel<T>)Model).Backward(ValueTargets);
    }

    public T TrainStep(IOptimizer<T> optimizer, T clipNorm) => Model switch
    {
        IVariableLengthModel<T, int, int> m when Lengths is not null => m.TrainStep(Tokens, ClassTargets, Lengths, optimizer, clipNorm),
        IVariableLengthModel<T, int, T> m when Lengths is not null => m.TrainStep(Tokens, ValueTargets, Lengths, optimizer, clipNorm),
        IVariableLengthModel<T, T, int> m when Lengths is not null => m.TrainStep(Inputs, ClassTargets, Lengths, optimizer, clipNorm),
        IVariableLengthModel<T, T, T> m when Lengths is not null => m.TrainStep(Inputs, ValueTargets, Lengths, optimizer, clipNorm),
        ISupervisedModel<T, int, int> m => m.TrainStep(Tokens, ClassTargets, optimizer, clipNorm),
        ISupervisedModel<T, int, T> m => m.TrainStep(Tokens, ValueTargets, optimizer, clipNorm),
        ISupervisedModel<T, T, int> m => m.TrainStep(Inputs, ClassTargets, optimizer, clipNorm),
        ISupervisedModel<T, T, T> m => m.TrainStep(Inputs, ValueTargets, optimizer, clipNorm),
        _ => throw new ArgumentException(Model.GetType().Name),
    };

    public T ForwardLoss()
    {
        Forward();
        return Loss();
    }

    public void ForwardBackward()
    {
        Forward();
        Backward();
    }
}
