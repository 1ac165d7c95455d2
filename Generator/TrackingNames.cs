namespace RnnGen.Generator;

/// <summary>Names of the incremental pipeline steps, so tests can assert that a step was cached.</summary>
public static class TrackingNames
{
    /// <summary>The parse of each <c>[RnnModel]</c> class into a spec and diagnostics.</summary>
    public const string Parse = nameof(Parse);

    /// <summary>The valid specs, the input of source output.</summary>
    public const string Specs = nameof(Specs);

    /// <summary>The full names of all valid models (to give each a unique hint name).</summary>
    public const string Names = nameof(Names);

    /// <summary>Each valid spec with its hint name, the input of source output.</summary>
    public const string Requests = nameof(Requests);

    /// <summary>Part attributes ([Lstm], …) on types without [RnnModel].</summary>
    public const string Orphans = nameof(Orphans);

    /// <summary>The diagnostics of every parse.</summary>
    public const string Diagnostics = nameof(Diagnostics);
}
