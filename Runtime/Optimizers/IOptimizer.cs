using System.Numerics;

namespace RnnGen;

/// <summary>Updates parameters from their gradients. Implementations keep their own state and allocate only on the first step.</summary>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Applies one update to <paramref name="parameters"/> using <paramref name="gradients"/> (same length and layout).</summary>
    void Step(Span<T> parameters, ReadOnlySpan<T> gradients);
}
