namespace RnnGen.Generator;

/// <summary>The bounds a declaration must keep; the parser enforces them and the diagnostics' messages quote them.</summary>
internal static class Limits
{
    /// <summary>Most steps (input or output) a model may unroll.</summary>
    public const int MaxSteps = 4096;

    /// <summary>Largest batch.</summary>
    public const int MaxBatch = 65536;

    /// <summary>Largest buffer (in elements) one model may allocate: spans are indexed by int.</summary>
    public const long MaxBufferLength = int.MaxValue - 64;
}
