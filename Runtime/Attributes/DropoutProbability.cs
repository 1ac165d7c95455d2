namespace RnnGen;

/// <summary>
/// The range of a dropout probability, in one place: the generator (which compiles this file in) checks declarations
/// against it, and <see cref="Kernels.Dropout.DrawMask{T}"/> enforces it at run time.
/// </summary>
internal static class DropoutProbability
{
    /// <summary>The range in words, for messages.</summary>
    public const string Range = "[0, 1)";

    /// <summary>Whether <paramref name="p"/> can be a dropout probability: in [0, 1) (1 would drop everything and scale by 1/0).</summary>
    public static bool IsValid(double p) => p >= 0 && p < 1;
}
