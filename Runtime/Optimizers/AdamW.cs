using System.Numerics;

namespace RnnGen;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019), as PyTorch's <c>torch.optim.AdamW</c>: weight decay is decoupled from the
/// gradient, <c>θ ← θ·(1 − lr·λ)</c>, followed by the <see cref="Adam{T}"/> step. PyTorch's default λ is 0.01.
/// </summary>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer.</summary>
    public AdamW(T learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
        : base(learningRate, beta1, beta2, epsilon, T.CreateTruncating(weightDecay))
    {
    }

    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}
