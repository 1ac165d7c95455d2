using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// Stochastic gradient descent, as PyTorch's <c>torch.optim.SGD</c>: with weight decay λ the direction is
/// <c>d = g + λθ</c>; with momentum μ the velocity is <c>v = μ·v + d</c> (the first step takes <c>v = d</c>) and
/// <c>d = v</c>, or <c>d = d + μ·v</c> with Nesterov momentum; then <c>θ −= lr·d</c>.
/// </summary>
/// <remarks>
/// In single precision plain SGD and SGD with (non-Nesterov) momentum are one fused SIMD pass (<see cref="SimdPath"/>);
/// weight decay and Nesterov momentum take a scalar pass.
/// </remarks>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer.</summary>
    public Sgd(T learningRate, T momentum = default, bool nesterov = false, T weightDecay = default)
        : base(learningRate, weightDecay)
    {
        if (!(momentum >= T.Zero && momentum < T.One))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1).");
        if (nesterov && momentum == T.Zero)
            throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum μ.</summary>
    public T Momentum { get; }

    /// <summary>Nesterov momentum: the update looks ahead along the velocity.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override int StateArrays => Momentum == T.Zero ? 0 : 1;

    /// <inheritdoc/>
    protected override string StateName(int index) => "momentum_buffer";

    /// <inheritdoc/>
    protected override void Update(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        T lr = LearningRate;
        if (WeightDecay != T.Zero || Nesterov)
        {
            UpdateScalar(parameters, gradients, lr);
            return;
        }
        if (Momentum == T.Zero)
        {
            Update(parameters, gradients, lr);
            return;
        }
        T[] velocity = State(0);
        if (StepCount == 1)
        {
            // First step: v = g (PyTorch clones the gradient into the momentum buffer).
            gradients.CopyTo(velocity);
            Update(parameters, velocity, lr);
            return;
        }

        if (typeof(T) == typeof(float))
        {
            ref float p = ref SpanRef.Float(parameters), g = ref SpanRef.Float(gradients), v = ref SpanRef.Float<T>(velocity);
            float lrf = float.CreateTruncating(lr), mu = float.CreateTruncating(Momentum);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: MomentumStep<Simd512>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
                case SimdWidth.Vector256: MomentumStep<Simd256>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
                default: MomentumStep<Simd1>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
            }
            return;
        }

        for (int i = 0; i < velocity.Length; i++)
        {
            velocity[i] = Momentum * velocity[i] + gradients[i];
            parameters[i] -= lr * velocity[i];
        }
    }

    /// <summary>The general update, with weight decay and Nesterov momentum.</summary>
    private void UpdateScalar(Span<T> parameters, ReadOnlySpan<T> gradients, T lr)
    {
        T[]? velocity = Momentum == T.Zero ? null : State(0);
        bool first = StepCount == 1;
        for (int i = 0; i < parameters.Length; i++)
        {
            T d = gradients[i] + WeightDecay * parameters[i];
            if (velocity is not null)
            {
                velocity[i] = first ? d : Momentum * velocity[i] + d;
                d = Nesterov ? d + Momentum * velocity[i] : velocity[i];
            }
            parameters[i] -= lr * d;
        }
    }

    /// <summary><c>θ −= lr·d</c>.</summary>
    private static void Update(Span<T> parameters, ReadOnlySpan<T> direction, T lr)
    {
        if (typeof(T) == typeof(float))
        {
            ref float p = ref SpanRef.Float(parameters), d = ref SpanRef.Float(direction);
            float lrf = float.CreateTruncating(lr);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: PlainStep<Simd512>(ref p, ref d, parameters.Length, lrf); break;
                case SimdWidth.Vector256: PlainStep<Simd256>(ref p, ref d, parameters.Length, lrf); break;
                default: PlainStep<Simd1>(ref p, ref d, parameters.Length, lrf); break;
            }
            return;
        }

        for (int i = 0; i < parameters.Length; i++) parameters[i] -= lr * direction[i];
    }

    private static void PlainStep<TV>(ref float p, ref float d, int count, float lr) where TV : struct, ISimdFloat<TV>
    {
        int j = PlainLanes<TV>(ref p, ref d, count, lr, 0);
        if (TV.Count > Simd256.Count) j = PlainLanes<Simd256>(ref p, ref d, count, lr, j);
        if (TV.Count > Simd1.Count) PlainLanes<Simd1>(ref p, ref d, count, lr, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int PlainLanes<TV>(ref float p, ref float d, int count, float lr, int j) where TV : struct, ISimdFloat<TV>
    {
        TV minusLr = TV.Create(-lr);
        for (; j <= count - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV.Store(TV.MultiplyAdd(minusLr, TV.Load(ref d, k), TV.Load(ref p, k)), ref p, k); // θ − lr·d
        }
        return j;
    }

    private static void MomentumStep<TV>(ref float p, ref float g, ref float v, int count, float lr, float mu) where TV : struct, ISimdFloat<TV>
    {
        int j = MomentumLanes<TV>(ref p, ref g, ref v, count, lr, mu, 0);
        if (TV.Count > Simd256.Count) j = MomentumLanes<Simd256>(ref p, ref g, ref v, count, lr, mu, j);
        if (TV.Count > Simd1.Count) MomentumLanes<Simd1>(ref p, ref g, ref v, count, lr, mu, j);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see ISimdFloat: own root, optimized at once
    private static int MomentumLanes<TV>(ref float p, ref float g, ref float v, int count, float lr, float mu, int j) where TV : struct, ISimdFloat<TV>
    {
        TV minusLr = TV.Create(-lr), momentum = TV.Create(mu);
        for (; j <= count - TV.Count; j += TV.Count)
        {
            nuint k = (nuint)j;
            TV velocity = TV.MultiplyAdd(momentum, TV.Load(ref v, k), TV.Load(ref g, k)); // v = μ·v + g
            TV.Store(velocity, ref v, k);
            TV.Store(TV.MultiplyAdd(minusLr, velocity, TV.Load(ref p, k)), ref p, k);      // θ −= lr·v
        }
        return j;
    }
}
