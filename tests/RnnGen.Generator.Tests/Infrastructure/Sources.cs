namespace RnnGen.Generator.Tests.Infrastructure;

/// <summary>Builds test sources: a file with <c>using RnnGen;</c> and a namespace around a model declaration.</summary>
internal static class Sources
{
    /// <summary>
    /// <c>using RnnGen; namespace Demo;</c>, then <paramref name="attributes"/> (one per line) on
    /// <paramref name="declaration"/>. The model is documented so the compilation stays free of CS1591.
    /// </summary>
    public static string ModelSource(string attributes, string declaration = "public partial class M { }") => $$"""
        using RnnGen;

        namespace Demo;

        /// <summary>A model under test.</summary>
        {{attributes}}
        {{declaration}}
        """;

    /// <summary>A valid single-layer model's attributes, for tests that vary only the declaration.</summary>
    public const string ValidAttributes = """
        [RnnModel(Steps = 3)]
        [VectorInput(2)]
        [Lstm(4)]
        [LinearOutput(1)]
        """;
}
