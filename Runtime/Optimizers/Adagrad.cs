using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// Adagrad (Duchi et al., 2011), as PyTorch's <c>torch.optim.Adagrad</c>: with <c>g = g + λθ</c>,
/// <c>sum += g²</c> and <c>θ −= clr·g/(√sum + ε)</c>, where <c>clr = lr / (1 + (t−1)·lr_decay)</c>.
/// </summary>
/// <remarks>One pass written once over the register type and run at the path's width by <see cref="Simd"/>.</remarks>
public sealed unsafe class Adagrad<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer with PyTorch's defaults.</summary>
    public Adagrad(T learningRate, double learningRateDecay = 0, T weightDecay = default, double initialAccumulator = 0, double epsilon = 1e-10)
        : base(learningRate, weightDecay)
    {
        if (!(learningRateDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRateDecay), learningRateDecay, "The decay must be non-negative.");
        if (!(initialAccumulator >= 0)) throw new ArgumentOutOfRangeException(nameof(initialAccumulator), initialAccumulator, "The initial accumulator must be non-negative.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        LearningRateDecay = learningRateDecay;
        InitialAccumulator = initialAccumulator;
        Epsilon = epsilon;
    }

    /// <summary>lr_decay: the step size falls as <c>lr / (1 + (t−1)·lr_decay)</c>.</summary>
    public double LearningRateDecay { get; }

    /// <summary>Starting value of the sum of squared gradients.</summary>
    public double InitialAccumulator { get; }

    /// <summary>Added to √sum.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override int StateArrays => 1;

    /// <inheritdoc/>
    protected override string StateName(int index) => "sum";

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        T[] sum = State(0);
        if (StepCount == 1 && InitialAccumulator != 0) Array.Fill(sum, T.CreateTruncating(InitialAccumulator));
        T clr = LearningRate / T.CreateTruncating(1 + (StepCount - 1) * LearningRateDecay);
        T eps = T.CreateTruncating(Epsilon);
        fixed (T* p = parameters, g = gradients, squares = sum)
            Simd.Elements<UpdateOperator, T>(new(p, g, squares, clr, WeightDecay, eps), parameters.Length);
    }

    /// <summary>The update of the class summary, each product and sum rounded separately, so every width gives the same bits.</summary>
    private readonly struct UpdateOperator(T* p, T* g, T* sum, T clr, T weightDecay, T eps) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec theta = TOps.Load(p + j);
            TVec gj = TOps.Add(TOps.Load(g + j), TOps.Multiply(TOps.Create(weightDecay), theta));   // g + λθ
            TVec s = TOps.Add(TOps.Load(sum + j), TOps.Multiply(gj, gj));                            // sum += g²
            TOps.Store(s, sum + j);
            TVec step = TOps.Divide(TOps.Multiply(TOps.Create(clr), gj), TOps.Add(TOps.Sqrt(s), TOps.Create(eps)));
            TOps.Store(TOps.Subtract(theta, step), p + j);                                           // θ −= clr·g/(√sum + ε)
        }
    }
}
