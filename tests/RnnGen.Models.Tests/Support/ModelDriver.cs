using System.Numerics;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests.Support;

/// <summary>
/// Drives any generated model through its interfaces with random inputs and targets of the right kind, so one
/// test body covers every input × output combination.
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
    public int[]? Tokens { get; }
    public T[]? Inputs { get; }
    public int[]? ClassTargets { get; }
    public T[]? ValueTargets { get; }

    public void Forward()
    {
        if (Model is ITokenInputModel<T> tokenModel) tokenModel.Forward(Tokens);
        else ((IVectorInputModel<T>)Model).Forward(Inputs);
    }

    public T Loss() => Model is IClassTargetModel<T> c ? c.Loss(ClassTargets) : ((IValueTargetModel<T>)Model).Loss(ValueTargets);

    public void Backward()
    {
        if (Model is IClassTargetModel<T> c) c.Backward(ClassTargets);
        else ((IValueTargetModel<T>)Model).Backward(ValueTargets);
    }

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
