namespace RnnGen.Sample.Models;

/// <summary>
/// What the sample needs from a generated character model. The generated members (<c>Forward</c>, <c>Loss</c>,
/// <c>Backward</c>, <c>Step</c>, <c>ResetStepState</c>, <c>StepState</c>) satisfy it, so each shape declares only
/// <c>: ICharModel</c> beside its attributes; <c>Step</c> is generated per model rather than on a runtime interface.
/// </summary>
public interface ICharModel : ITokenInputModel<float>, IClassTargetModel<float>
{
    /// <summary>Runs one step for one lane: a token through every layer and the head; returns the next-token probabilities.</summary>
    ReadOnlySpan<float> Step(int token, int lane = 0);

    /// <summary>Restarts single-step inference from <see cref="IRnnModel{T}.InitialState"/>.</summary>
    void ResetStepState();
}
