using System.Numerics;

namespace RnnGen;

/// <summary>
/// A model that runs one step at a time (single-step inference): every model whose layers form one causal stack, i.e.
/// no bidirectional layer and not encoder–decoder. The state of every lane is kept in <see cref="StepState"/> between
/// calls of <c>Step</c>.
/// </summary>
public interface IStepModel<T> : IRnnModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The state single-step inference continues from, in the layout of <see cref="IRnnModel{T}.InitialState"/>.</summary>
    Span<T> StepState { get; }

    /// <summary>Restarts single-step inference from <see cref="IRnnModel{T}.InitialState"/>.</summary>
    void ResetStepState();

    /// <summary>
    /// Restarts single-step inference of one lane from its row of <see cref="IRnnModel{T}.InitialState"/>, leaving the
    /// other lanes where they are: a server can run one stream per lane and start a new one on a free lane.
    /// </summary>
    void ResetStepState(int lane);
}

/// <summary>A step model that reads token ids.</summary>
public interface ITokenStepModel<T> : IStepModel<T>, ITokenInputModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs one step for one lane: a token through every layer and the head; returns the lane's output after activation, valid until the next call for that lane.</summary>
    ReadOnlySpan<T> Step(int token, int lane = 0);
}

/// <summary>A step model that reads dense vectors.</summary>
public interface IVectorStepModel<T> : IStepModel<T>, IVectorInputModel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Runs one step for one lane: an input vector of <c>InputSize</c> values through every layer and the head; returns the lane's output after activation.</summary>
    ReadOnlySpan<T> Step(ReadOnlySpan<T> input, int lane = 0);
}
