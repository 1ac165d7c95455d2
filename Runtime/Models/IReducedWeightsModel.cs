namespace RnnGen;

/// <summary>A float model whose single-row products can read W_hh in a narrower format (every generated float model).</summary>
public interface IReducedWeightsModel
{
    /// <summary>How products of single rows (Step, passes at batch 1, free-running decoding) read W_hh (see
    /// <see cref="RnnGen.WeightFormat"/>); <see cref="WeightFormat.Single"/> by default. Training needs
    /// <see cref="WeightFormat.Single"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined format.</exception>
    WeightFormat WeightFormat { get; set; }
}
