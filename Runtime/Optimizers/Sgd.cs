using System.Numerics;
using System.Runtime.CompilerServices;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// Stochastic gradient descent, as PyTorch's <c>torch.optim.SGD</c>: with momentum μ the velocity is
/// <c>v = μ·v + g</c> (the first step takes <c>v = g</c>) and the update <c>θ −= lr·v</c>.
/// </summary>
/// <remarks>In single precision the velocity and parameter updates are one fused SIMD pass (<see cref="SimdPath"/>).</remarks>
public sealed class Sgd<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[]? _velocity;

    /// <summary>Creates the optimizer.</summary>
    public Sgd(T learningRate, T momentum = default)
    {
        if (!(learningRate >= T.Zero) || !T.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and non-negative.");
        if (!(momentum >= T.Zero && momentum < T.One))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in [0, 1).");
        LearningRate = learningRate;
        Momentum = momentum;
    }

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public T LearningRate { get; set; }

    /// <summary>Momentum μ.</summary>
    public T Momentum { get; }

    /// <inheritdoc/>
    public void Step(Span<T> parameters, ReadOnlySpan<T> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"Gradients have {gradients.Length} values but parameters {parameters.Length}.", nameof(gradients));
        T lr = LearningRate;
        if (Momentum == T.Zero)
        {
            Update(parameters, gradients, lr);
            return;
        }
        if (_velocity is null)
        {
            // First step: v = g (PyTorch clones the gradient into the momentum buffer).
            _velocity = gradients.ToArray();
            Update(parameters, _velocity, lr);
            return;
        }
        if (_velocity.Length != parameters.Length)
            throw new ArgumentException($"This optimizer was first used with {_velocity.Length} parameters, now {parameters.Length}.", nameof(parameters));

        if (typeof(T) == typeof(float))
        {
            ref float p = ref SpanRef.Float(parameters), g = ref SpanRef.Float(gradients), v = ref SpanRef.Float<T>(_velocity);
            float lrf = float.CreateTruncating(lr), mu = float.CreateTruncating(Momentum);
            switch (SimdPath.Current)
            {
                case SimdWidth.Vector512: MomentumStep<Simd512>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
                case SimdWidth.Vector256: MomentumStep<Simd256>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
                default: MomentumStep<Simd1>(ref p, ref g, ref v, parameters.Length, lrf, mu); break;
            }
            return;
        }

        for (int i = 0; i < _velocity.Length; i++)
        {
            _velocity[i] = Momentum * _velocity[i] + gradients[i];
            parameters[i] -= lr * _velocity[i];
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
