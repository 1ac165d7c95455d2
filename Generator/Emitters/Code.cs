using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Emitters;

/// <summary>Small pieces of C# text that every emitter writes the same way.</summary>
internal static class Code
{
    public const string Kernels = "global::RnnGen.Kernels.";
    public const string CellKernels = "global::RnnGen.Cells.";
    public const string Losses = "global::RnnGen.Losses.";
    public const string Inputs = "global::RnnGen.Inputs.";

    /// <summary>An integer as C# writes it, whatever the culture.</summary>
    public static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary><c>span.Slice(offset, length)</c> with the offset written as given (e.g. <c>3 * 512</c>).</summary>
    public static string Slice(string span, string offset, long length) => $"{span}.Slice({offset}, {N(length)})";

    /// <summary><c>name + offset</c>, or just <c>name</c> when the offset is zero.</summary>
    public static string Plus(string name, string offset) => offset == "0" ? name : $"{name} + {offset}";

    /// <summary>A layout constant: <c>RnnLayout.Name</c>.</summary>
    public static string C(Region region) => "RnnLayout." + region.Const;

    /// <summary>The layout constant of a parameter tensor.</summary>
    public static string C(TensorPlan tensor) => "RnnLayout." + tensor.Const;

    /// <summary>A whole region of a buffer: <c>span.Slice(RnnLayout.Name, length)</c>.</summary>
    public static string Whole(string span, Region region) => Slice(span, C(region), region.Length);

    /// <summary>A whole parameter tensor of a buffer (parameters or gradients).</summary>
    public static string Whole(string span, TensorPlan tensor) => Slice(span, C(tensor), tensor.Length);

    /// <summary>Text safe inside an XML doc comment.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>A name that is a C# keyword gets <c>@</c>.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.RecordKeyword
            ? "@" + name : name;
}
