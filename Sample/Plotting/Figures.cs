using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace RnnGen.Sample.Plotting;

/// <summary>One curve of a line chart: legend entry, colour (0xRRGGBB), (x, y) points in x order, markers at every point.</summary>
public sealed record Series(string Name, uint Color, IReadOnlyList<(double X, double Y)> Points, bool Markers = false);

/// <summary>A dashed horizontal reference line with a label (e.g. a baseline).</summary>
public sealed record ReferenceLine(double Y, string Label, uint Color);

/// <summary>
/// The sample's figures drawn with ScottPlot (through SkiaSharp): line charts with legends and reference lines, several
/// panels side by side on one picture, encoded as PNG with the sample's <c>tEXt</c> mark.
/// </summary>
public static class Figures
{
    /// <summary>A ScottPlot colour from 0xRRGGBB.</summary>
    public static Color Rgb(uint rgb) => Color.FromARGB(0xFF000000 | rgb);

    /// <summary>A line chart: title, axis labels, curves, reference lines; a log10 y axis when <paramref name="logY"/>.</summary>
    public static Plot LineChart(string title, string xLabel, string yLabel, IEnumerable<Series> series, IEnumerable<ReferenceLine> references,
        (double Min, double Max) xRange, (double Min, double Max) yRange, bool logY = false)
    {
        var plot = new Plot();
        Style(plot);
        double Y(double y) => logY ? Math.Log10(y) : y;
        foreach (Series s in series)
        {
            (double X, double Y)[] points = [.. s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!logY || p.Y > 0))];
            var scatter = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => Y(p.Y)).ToArray(), Rgb(s.Color));
            scatter.LegendText = s.Name;
            scatter.LineWidth = 2;
            if (s.Markers) { scatter.MarkerShape = MarkerShape.FilledCircle; scatter.MarkerSize = 7; }
        }
        foreach (ReferenceLine r in references)
        {
            var line = plot.Add.HorizontalLine(Y(r.Y), 1.5f, Rgb(r.Color), LinePattern.Dashed);
            line.LegendText = r.Label;
        }
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("0.#####", CultureInfo.InvariantCulture),
            };
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.SetLimits(xRange.Min, xRange.Max, Y(yRange.Min), Y(yRange.Max));
        plot.Axes.Right.MinimumSize = 24; // room for the last x tick label
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    // ScottPlot's Fonts.Sans falls back to the system default font, a serif one on Debian; the first of these found is taken.
    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans" }
        .FirstOrDefault(name => SKFontManager.Default.FontFamilies.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>The sample's look: white background, a sans-serif font where the system has one.</summary>
    public static void Style(Plot plot)
    {
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        if (SansFont is not null) plot.Font.Set(SansFont);
    }

    /// <summary>
    /// Draws <paramref name="panels"/> side by side, each <paramref name="panelWidth"/> × <paramref name="height"/>
    /// pixels, and encodes the picture as PNG with a <c>Software</c> and a <c>Title</c> <c>tEXt</c> chunk.
    /// </summary>
    public static byte[] Png(IReadOnlyList<Plot> panels, int panelWidth, int height, string software, string title)
        => Png(panelWidth * panels.Count, height, software, title, (canvas, _) =>
        {
            for (int p = 0; p < panels.Count; p++)
            {
                canvas.Save();
                canvas.Translate(p * panelWidth, 0);
                canvas.ClipRect(new SKRect(0, 0, panelWidth, height));
                panels[p].Render(canvas, panelWidth, height);
                canvas.Restore();
            }
        });

    /// <summary>A <paramref name="width"/> × <paramref name="height"/> picture drawn by <paramref name="draw"/> on white, as PNG with the two text chunks.</summary>
    public static byte[] Png(int width, int height, string software, string title, Action<SKCanvas, SKImageInfo> draw)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using SKSurface surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {width}×{height} surface.");
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas, info);
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        byte[] png = PngText.Insert(data.ToArray(), "Title", title);
        return PngText.Insert(png, "Software", software);
    }
}
