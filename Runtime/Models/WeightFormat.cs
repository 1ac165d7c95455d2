namespace RnnGen;

/// <summary>
/// How a float model's recurrent weights W_hh are read by the products that read W_hh as stored rather than packed:
/// <c>Step</c>, passes at batch 1, free-running decoding and decoder steps. A step at batch 1 reads all of W_hh once and
/// does two flops per weight, so its time is the time to stream W_hh from the cache, and fewer bytes per weight make it
/// faster. Set a model's <c>WeightFormat</c>; its copy of W_hh in that format is made on the first product that needs it
/// and again after the parameters change. The copy is read one row of h at a time, so it serves single rows; products
/// against the packed W_hh (a pass at batch 2 or more, training) always read the float weights.
/// </summary>
/// <remarks>
/// The error is per product: with <c>w̃</c> the stored weight, <c>|Σ x·w − Σ x·w̃| ≤ ε · Σ |x·w|</c> for
/// <see cref="BFloat16"/> (ε = 2⁻⁸: 8 significant bits, round to nearest even), and <c>≤ ½ · s_j · Σ |x|</c> for <see cref="Int8"/> with
/// the row's scale <c>s_j = max |w_j·| / 127</c>. What that does to a trained model's loss is measured in the README
/// ("Reduced-precision weights").
/// </remarks>
public enum WeightFormat
{
    /// <summary>32-bit floats, as trained: the default.</summary>
    Single = 0,

    /// <summary>bfloat16: the upper 16 bits of each float, rounded to nearest even (8 significant bits, the float's
    /// range); half the bytes.</summary>
    BFloat16 = 1,

    /// <summary>Signed bytes with one float scale per row (symmetric, <c>w ≈ s_j · q</c>, q in [−127, 127]); a quarter of
    /// the bytes.</summary>
    Int8 = 2,
}
