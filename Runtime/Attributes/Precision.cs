namespace RnnGen;

/// <summary>Element type of a generated model.</summary>
public enum Precision
{
    /// <summary>32-bit <see cref="float"/>: the default, and the fast path.</summary>
    Single = 0,

    /// <summary>64-bit <see cref="double"/>: for exact gradient checks and numerically delicate work.</summary>
    Double = 1,
}
