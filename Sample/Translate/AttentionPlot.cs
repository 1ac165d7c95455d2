using System.Globalization;
using RnnGen.Randomness;
using RnnGen.Sample.Classify;
using RnnGen.Sample.Models;
using RnnGen.Sample.Plotting;
using ScottPlot;
using SkiaSharp;

namespace RnnGen.Sample.Translate;

/// <summary>
/// Attention weights as heat maps (ScottPlot), up to four panels in a 2 × 2 grid: for one held-out date each, a cell per
/// (output character, source character) shaded by the weight the decoder gave that source character when it wrote that
/// output (white 0 to dark blue 1), source characters along the bottom, the greedy output (and its end token) down the left.
/// </summary>
public static class AttentionPlot
{
    /// <summary>Width of one panel.</summary>
    public const int PanelWidth = 900;

    /// <summary>Height of one panel.</summary>
    public const int PanelHeight = 420;

    /// <summary>Width of the picture (two panels across).</summary>
    public const int Width = 2 * PanelWidth;

    /// <summary>Height of the picture (two rows of panels).</summary>
    public const int Height = 2 * PanelHeight;

    /// <summary>What the attention model attends to for each of <paramref name="examples"/> (at most four), as PNG.</summary>
    public static byte[] Png(DateAttentionModel model, IReadOnlyList<DateExample> examples, string software)
    {
        if (examples.Count > 4) throw new ArgumentException("at most four panels", nameof(examples));
        (string Text, string Output, double[,] Weights)[] panels = Weights(model, examples);
        var plots = new List<Plot>();
        for (int i = 0; i < panels.Length; i++) plots.Add(Panel(panels[i].Text, panels[i].Output, examples[i].Iso, panels[i].Weights));
        return Figures.Png(Width, Height, software, "Dates to ISO 8601: attention weights, greedy decoding", (canvas, _) =>
        {
            for (int p = 0; p < plots.Count; p++)
            {
                canvas.Save();
                canvas.Translate(p % 2 * PanelWidth, p / 2 * PanelHeight);
                canvas.ClipRect(new SKRect(0, 0, PanelWidth, PanelHeight));
                plots[p].Render(canvas, PanelWidth, PanelHeight);
                canvas.Restore();
            }
        });
    }

    /// <summary>
    /// Decodes <paramref name="examples"/> greedily with the source lengths and reads <c>AttentionWeights</c>
    /// <c>[OutputSteps, Batch, Steps]</c>: per example the source, the output and the weights [output step, source character]
    /// over the steps written (the end token's included) and the source's real characters.
    /// </summary>
    public static (string Text, string Output, double[,] Weights)[] Weights(DateAttentionModel model, IReadOnlyList<DateExample> examples)
    {
        var tokens = new int[DateData.Steps * DateData.Batch];
        var targets = new int[DateData.OutputSteps * DateData.Batch];
        var sourceLengths = new int[DateData.Batch];
        var targetLengths = new int[DateData.Batch];
        int used = DateData.Encode(examples, 0, tokens, targets, sourceLengths, targetLengths);
        model.Generate(tokens, sourceLengths, 0f, new Xoshiro256StarStar(0));
        ReadOnlySpan<int> generated = model.Generated;
        ReadOnlySpan<float> a = model.AttentionWeights;
        var result = new (string, string, double[,])[used];
        for (int b = 0; b < used; b++)
        {
            var ids = new int[DateData.OutputSteps];
            for (int t = 0; t < ids.Length; t++) ids[t] = generated[t * DateData.Batch + b];
            string output = DateData.DecodeTarget(ids);
            int rows = Math.Min(DateData.OutputSteps, output.Length + 1); // the characters and the end token (if it came)
            int columns = sourceLengths[b];
            var w = new double[rows, columns];
            for (int t = 0; t < rows; t++)
                for (int s = 0; s < columns; s++)
                    w[t, s] = a[(t * DateData.Batch + b) * DateData.Steps + s];
            result[b] = (examples[b].Text, output, w);
        }
        return result;
    }

    private static Plot Panel(string text, string output, string iso, double[,] weights)
    {
        int rows = weights.GetLength(0), columns = weights.GetLength(1);
        var plot = new Plot();
        Figures.Style(plot);
        for (int t = 0; t < rows; t++)
        {
            for (int s = 0; s < columns; s++)
            {
                var cell = plot.Add.Rectangle(s, s + 1, t, t + 1);
                cell.FillStyle.Color = ConfusionPlot.Shade(weights[t, s]);
                cell.LineStyle.Color = Figures.Rgb(0xDDDDDD);
                cell.LineStyle.Width = 0.5f;
            }
        }
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns).Select(s => s + 0.5)], [.. text.Select(c => c == ' ' ? "␣" : c.ToString())]);
        string[] outputLabels = [.. Enumerable.Range(0, rows).Select(t => t < output.Length ? output[t].ToString() : "end")];
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows).Select(t => t + 0.5)], outputLabels);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.Bottom.Label.Text = "source character";
        plot.Axes.Left.Label.Text = "output";
        plot.Grid.IsVisible = false;
        bool right = string.Equals(output, iso, StringComparison.Ordinal);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"\"{text}\" → {output} {(right ? "✓" : $"✗ (want {iso})")}"));
        plot.Axes.SetLimits(0, Math.Max(columns, 1), Math.Max(rows, 1), 0); // the first output on the top row
        return plot;
    }
}
