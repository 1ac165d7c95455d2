using System.Globalization;
using RnnGen.Sample.Plotting;
using ScottPlot;

namespace RnnGen.Sample.Classify;

/// <summary>
/// Confusion matrices as heat maps (ScottPlot), one panel per run side by side: a cell per (true, predicted) class
/// holding its count and its share of the row, shaded by that share (white 0 to dark blue 1), the diagonal outlined in
/// red, class names along both axes, and the run's name and accuracy above.
/// </summary>
public static class ConfusionPlot
{
    private const int Cell = 96, Left = 120, Top = 118, Right = 24, Bottom = 56;

    /// <summary>Width of one panel for <paramref name="classes"/> classes.</summary>
    public static int PanelWidth(int classes) => Left + classes * Cell + Right;

    /// <summary>Height of the picture for <paramref name="classes"/> classes.</summary>
    public static int Height(int classes) => Top + classes * Cell + Bottom;

    /// <summary>Width of the picture of <paramref name="panels"/> panels.</summary>
    public static int Width(int classes, int panels) => PanelWidth(classes) * panels;

    /// <summary>The panels as PNG: each a title, a subtitle and a matrix <c>counts[true, predicted]</c>.</summary>
    public static byte[] Png(IReadOnlyList<(string Title, string Subtitle, int[,] Counts)> panels, IReadOnlyList<string> labels, string software, string title)
    {
        int classes = labels.Count;
        return Figures.Png([.. panels.Select(p => Panel(p.Title, p.Subtitle, p.Counts, labels))], PanelWidth(classes), Height(classes), software, title);
    }

    private static Plot Panel(string title, string subtitle, int[,] counts, IReadOnlyList<string> labels)
    {
        int classes = labels.Count;
        var plot = new Plot();
        Figures.Style(plot);
        var ink = Figures.Rgb(0x222222);
        for (int t = 0; t < classes; t++)
        {
            int row = 0;
            for (int q = 0; q < classes; q++) row += counts[t, q];
            for (int q = 0; q < classes; q++)
            {
                double share = row == 0 ? 0 : (double)counts[t, q] / row;
                var cell = plot.Add.Rectangle(q, q + 1, t, t + 1);
                cell.FillStyle.Color = Shade(share);
                cell.LineStyle.Color = Figures.Rgb(0xBBBBBB);
                string text = counts[t, q].ToString("N0", CultureInfo.InvariantCulture) + "\n" + (100 * share).ToString("F1", CultureInfo.InvariantCulture) + "%";
                var label = plot.Add.Text(text, q + 0.5, t + 0.5);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = 15;
                label.LabelFontColor = share > 0.5 ? Colors.White : ink;
            }
        }
        for (int k = 0; k < classes; k++) // the diagonal outlined, drawn over the cells' grey edges
        {
            var diagonal = plot.Add.Rectangle(k, k + 1, k, k + 1);
            diagonal.FillStyle.Color = Colors.Transparent;
            diagonal.LineStyle.Color = Figures.Rgb(0xD62728);
            diagonal.LineStyle.Width = 2;
        }
        double[] centres = [.. Enumerable.Range(0, classes).Select(k => k + 0.5)];
        plot.Axes.Bottom.SetTicks(centres, [.. labels]);
        plot.Axes.Left.SetTicks(centres, [.. labels]);
        plot.Axes.Bottom.Label.Text = "predicted (shade: share of the true class's words)";
        plot.Axes.Left.Label.Text = "true";
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Grid.IsVisible = false;
        plot.Title(title + "\n" + subtitle);
        plot.Axes.SetLimits(0, classes, classes, 0); // true class 0 on the top row
        return plot;
    }

    /// <summary>White at 0 to dark blue at 1.</summary>
    public static Color Shade(double share)
    {
        share = Math.Clamp(share, 0, 1);
        static byte Lerp(int a, int b, double s) => (byte)Math.Round(a + (b - a) * s);
        return new Color(Lerp(255, 0x08, share), Lerp(255, 0x30, share), Lerp(255, 0x6B, share));
    }
}
