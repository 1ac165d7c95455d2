using System.Globalization;
using RnnGen.Sample.Plotting;

namespace RnnGen.Sample.Classify;

/// <summary>
/// Confusion matrices as heat maps, one panel per run side by side: a cell per (true, predicted) class holding its
/// count, shaded by the count's share of its row (white 0 to dark blue 1), the diagonal outlined, class names along
/// both axes, and the run's name and accuracy above.
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

    /// <summary>Draws the panels: each a title, a subtitle and a matrix <c>counts[true, predicted]</c>.</summary>
    public static Canvas Draw(IReadOnlyList<(string Title, string Subtitle, int[,] Counts)> panels, IReadOnlyList<string> labels)
    {
        int classes = labels.Count;
        var canvas = new Canvas(Width(classes, panels.Count), Height(classes), Rgb.White);
        var ink = Rgb.FromHex(0x222222);
        for (int p = 0; p < panels.Count; p++)
        {
            (string title, string subtitle, int[,] counts) = panels[p];
            int x0 = p * PanelWidth(classes) + Left, y0 = Top;
            canvas.DrawTextCentered(p * PanelWidth(classes) + PanelWidth(classes) / 2, 12, title, ink, 2);
            canvas.DrawTextCentered(p * PanelWidth(classes) + PanelWidth(classes) / 2, 36, subtitle, ink, 2);
            canvas.DrawTextCentered(x0 + classes * Cell / 2, Top - 46, "predicted", ink, 2);
            canvas.DrawTextUp(p * PanelWidth(classes) + 8, y0 + classes * Cell / 2 + BitmapFont.Width("true", 2) / 2, "true", ink, 2);
            for (int k = 0; k < classes; k++)
            {
                canvas.DrawTextCentered(x0 + k * Cell + Cell / 2, Top - 24, labels[k], ink, 2);
                canvas.DrawText(x0 - 8 - BitmapFont.Width(labels[k], 2), y0 + k * Cell + Cell / 2 - BitmapFont.Height(2) / 2, labels[k], ink, 2);
            }
            for (int t = 0; t < classes; t++)
            {
                int row = 0;
                for (int q = 0; q < classes; q++) row += counts[t, q];
                for (int q = 0; q < classes; q++)
                {
                    double share = row == 0 ? 0 : (double)counts[t, q] / row;
                    Rgb fill = Shade(share);
                    int x = x0 + q * Cell, y = y0 + t * Cell;
                    canvas.FillRectangle(x, y, Cell, Cell, fill);
                    canvas.DrawRectangle(x, y, Cell, Cell, Rgb.FromHex(0xBBBBBB));
                    string n = counts[t, q].ToString("N0", CultureInfo.InvariantCulture);
                    Rgb text = share > 0.5 ? Rgb.White : ink;
                    canvas.DrawTextCentered(x + Cell / 2, y + Cell / 2 - BitmapFont.Height(2) - 2, n, text, 2);
                    string pct = (100 * share).ToString("F1", CultureInfo.InvariantCulture) + "%";
                    canvas.DrawTextCentered(x + Cell / 2, y + Cell / 2 + 4, pct, text, 1);
                }
                canvas.DrawRectangle(x0 + t * Cell + 1, y0 + t * Cell + 1, Cell - 2, Cell - 2, Rgb.FromHex(0xD62728));
            }
            canvas.DrawTextCentered(x0 + classes * Cell / 2, y0 + classes * Cell + 18, "shade: share of the true class's words", Rgb.FromHex(0x666666), 1);
        }
        return canvas;
    }

    /// <summary>White at 0 to dark blue at 1.</summary>
    public static Rgb Shade(double share)
    {
        share = Math.Clamp(share, 0, 1);
        static byte Lerp(int a, int b, double s) => (byte)Math.Round(a + (b - a) * s);
        return new Rgb(Lerp(255, 0x08, share), Lerp(255, 0x30, share), Lerp(255, 0x6B, share));
    }
}
