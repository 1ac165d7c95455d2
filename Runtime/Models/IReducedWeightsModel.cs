namespace RnnGen;

/// <summary>A float model whose single-row products can read W_hh in a narrower format (every generated float model).</summary>
public interface IReducedWeightsModel
{
    /// <summary>How the products that read W_hh as stored (Step, passes at batch 1, free-running decoding, decoder steps) read it (see
    /// <see cref="RnnGen.WeightFormat"/>); <see cref="WeightFormat.Single"/> by default. Training needs
    /// <see cref="WeightFormat.Single"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined format.</exception>
    WeightFormat WeightFormat { get; set; }
}
