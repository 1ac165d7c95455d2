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
/// Every update is one pass written once over the register type and run at the path's width by <see cref="Simd"/>.
/// Plain SGD and SGD with (non-Nesterov) momentum fuse their multiply-adds; with weight decay or Nesterov momentum every
/// product and sum is rounded separately, as in the expressions above.
/// </remarks>
public sealed unsafe class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
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
            Span<T> velocity = Momentum == T.Zero ? default : State(0);
            fixed (T* p = parameters, g = gradients, v = velocity)
                Simd.Elements<GeneralOperator, T>(new(p, g, v, lr, WeightDecay, Momentum, Nesterov, StepCount == 1), parameters.Length);
            return;
        }
        if (Momentum == T.Zero)
        {
            Update(parameters, gradients, lr);
            return;
        }
        T[] state = State(0);
        if (StepCount == 1)
        {
            // First step: v = g (PyTorch clones the gradient into the momentum buffer).
            gradients.CopyTo(state);
            Update(parameters, state, lr);
            return;
        }
        fixed (T* p = parameters, g = gradients, v = state)
            Simd.Elements<MomentumOperator, T>(new(p, g, v, lr, Momentum), parameters.Length);
    }

    /// <summary><c>θ −= lr·d</c>.</summary>
    private static void Update(Span<T> parameters, ReadOnlySpan<T> direction, T lr)
    {
        fixed (T* p = parameters, d = direction) Simd.Elements<PlainOperator, T>(new(p, d, lr), parameters.Length);
    }

    private readonly struct PlainOperator(T* p, T* d, T lr) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
            => TOps.Store(TOps.MultiplyAdd(TOps.Create(-lr), TOps.Load(d + j), TOps.Load(p + j)), p + j); // θ − lr·d
    }

    private readonly struct MomentumOperator(T* p, T* g, T* v, T lr, T mu) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec velocity = TOps.MultiplyAdd(TOps.Create(mu), TOps.Load(v + j), TOps.Load(g + j)); // v = μ·v + g
            TOps.Store(velocity, v + j);
            TOps.Store(TOps.MultiplyAdd(TOps.Create(-lr), velocity, TOps.Load(p + j)), p + j);      // θ −= lr·v
        }
    }

    /// <summary>The general update, with weight decay and Nesterov momentum; <paramref name="v"/> is null without momentum.</summary>
    private readonly struct GeneralOperator(T* p, T* g, T* v, T lr, T weightDecay, T mu, bool nesterov, bool first) : IRowOperator<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void IRowOperator<T>.Invoke<TOps, TVec>(nint row, nuint j)
        {
            TVec theta = TOps.Load(p + j);
            TVec d = TOps.Add(TOps.Load(g + j), TOps.Multiply(TOps.Create(weightDecay), theta)); // d = g + λθ
            if (v != null)
            {
                TVec momentum = TOps.Create(mu);
                TVec velocity = first ? d : TOps.Add(TOps.Multiply(momentum, TOps.Load(v + j)), d); // v = μ·v + d
                TOps.Store(velocity, v + j);
                d = nesterov ? TOps.Add(d, TOps.Multiply(momentum, velocity)) : velocity;          // d + μ·v, or v
            }
            TOps.Store(TOps.Subtract(theta, TOps.Multiply(TOps.Create(lr), d)), p + j);             // θ −= lr·d
        }
    }
}
