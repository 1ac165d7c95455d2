using System.Globalization;

namespace RnnGen.Sample.Plotting;

/// <summary>One curve of a <see cref="LineChart"/>.</summary>
/// <param name="Name">Legend entry.</param>
/// <param name="Color">Line colour.</param>
/// <param name="Points">(x, y) in data units, in x order; non-finite points are skipped.</param>
/// <param name="Width">Line width in pixels.</param>
/// <param name="Markers">Draws a disc at every point.</param>
public sealed record Series(string Name, Rgb Color, IReadOnlyList<(double X, double Y)> Points, double Width = 2, bool Markers = false);

/// <summary>A dashed horizontal reference line with a label (e.g. a baseline).</summary>
public sealed record ReferenceLine(double Y, string Label, Rgb Color);

/// <summary>
/// A line chart drawn on a <see cref="Canvas"/>: frame, grid, ticks with labels chosen at 1–2–5 steps (decades on a
/// log axis), axis labels, title, legend, reference lines. Several charts can share one canvas (panels).
/// </summary>
public sealed class LineChart
{
    private static readonly Rgb Ink = Rgb.FromHex(0x222222), Grid = Rgb.FromHex(0xE4E4E4), Muted = Rgb.FromHex(0x666666);

    /// <summary>Title above the plot.</summary>
    public string Title { get; init; } = "";

    /// <summary>Label under the x axis.</summary>
    public string XLabel { get; init; } = "";

    /// <summary>Label beside the y axis (drawn reading upwards).</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Logarithmic y axis (base 10); values ≤ 0 are skipped.</summary>
    public bool LogY { get; init; }

    /// <summary>Fixed y range; null fits the data.</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Fixed x range; null fits the data.</summary>
    public (double Min, double Max)? XRange { get; init; }

    /// <summary>The curves.</summary>
    public List<Series> Series { get; } = [];

    /// <summary>Horizontal reference lines.</summary>
    public List<ReferenceLine> References { get; } = [];

    /// <summary>Draws the chart into the rectangle (x, y, width, height) of <paramref name="canvas"/>.</summary>
    public void Draw(Canvas canvas, int x, int y, int width, int height)
    {
        const int scale = 2;
        int lineHeight = BitmapFont.Height(scale);
        int left = x + 28 + 7 * BitmapFont.Advance * scale, right = x + width - 16;
        int top = y + (Title.Length > 0 ? 2 * lineHeight + 4 : 12), bottom = y + height - 2 * lineHeight - 24;
        if (right - left < 40 || bottom - top < 40) throw new ArgumentException("The chart area is too small.");

        (double xMin, double xMax) = XRange ?? Fit(Series.SelectMany(s => s.Points).Select(p => p.X).Where(double.IsFinite), false);
        (double yMin, double yMax) = YRange ?? Fit(Series.SelectMany(s => s.Points).Select(p => p.Y).Concat(References.Select(r => r.Y)).Where(v => double.IsFinite(v) && (!LogY || v > 0)), LogY);
        if (!LogY && YRange is null)
        {
            double[] yt = NiceTicks(yMin, yMax);
            yMin = Math.Min(yMin, yt[0]);
            yMax = Math.Max(yMax, yt[^1]);
        }
        double Tx(double v) => left + (v - xMin) / (xMax - xMin) * (right - left);
        double Ty(double v) => LogY
            ? bottom - (Math.Log10(v) - Math.Log10(yMin)) / (Math.Log10(yMax) - Math.Log10(yMin)) * (bottom - top)
            : bottom - (v - yMin) / (yMax - yMin) * (bottom - top);

        // Grid and tick labels.
        foreach (double v in LogY ? LogTicks(yMin, yMax) : NiceTicks(yMin, yMax))
        {
            if (v < yMin - 1e-12 || v > yMax * (1 + 1e-12)) continue;
            int py = (int)Math.Round(Ty(v));
            canvas.FillRectangle(left, py, right - left, 1, Grid);
            canvas.FillRectangle(left - 5, py, 5, 1, Ink);
            string label = Format(v);
            canvas.DrawText(left - 9 - BitmapFont.Width(label, scale), py - lineHeight / 2, label, Ink, scale);
        }
        foreach (double v in NiceTicks(xMin, xMax))
        {
            if (v < xMin - 1e-12 || v > xMax + 1e-12) continue;
            int px = (int)Math.Round(Tx(v));
            canvas.FillRectangle(px, top, 1, bottom - top, Grid);
            canvas.FillRectangle(px, bottom, 1, 5, Ink);
            canvas.DrawTextCentered(px, bottom + 9, Format(v), Ink, scale);
        }

        // Reference lines, then the curves clipped to the plot area.
        foreach (ReferenceLine r in References)
        {
            if (!(r.Y >= yMin && r.Y <= yMax)) continue;
            double py = Ty(r.Y);
            canvas.DrawDashedLine(left, py, right, py, r.Color, 1.5);
            canvas.DrawText(left + 8, (int)py - lineHeight - 4, r.Label, r.Color, scale);
        }
        foreach (Series s in Series)
        {
            (double X, double Y)? previous = null;
            foreach ((double px, double py) in s.Points)
            {
                if (!double.IsFinite(px) || !double.IsFinite(py) || (LogY && py <= 0)) { previous = null; continue; }
                double cx = Tx(px), cy = Ty(py);
                if (previous is { } p) DrawClipped(canvas, left, top, right, bottom, p.X, p.Y, cx, cy, s.Color, s.Width);
                if (s.Markers && cx >= left && cx <= right && cy >= top && cy <= bottom) canvas.FillCircle(cx, cy, s.Width + 2, s.Color);
                previous = (cx, cy);
            }
        }

        // Frame, labels, title, legend.
        canvas.DrawRectangle(left, top, right - left + 1, bottom - top + 1, Ink);
        canvas.DrawTextCentered((left + right) / 2, bottom + lineHeight + 16, XLabel, Ink, scale);
        canvas.DrawTextUp(x + 8, (top + bottom) / 2 + BitmapFont.Width(YLabel, scale) / 2, YLabel, Ink, scale);
        if (Title.Length > 0) canvas.DrawTextCentered((left + right) / 2, y + 8, Title, Ink, scale);
        DrawLegend(canvas, right, top, scale);
    }

    private void DrawLegend(Canvas canvas, int right, int top, int scale)
    {
        if (Series.Count == 0) return;
        int lineHeight = BitmapFont.Height(scale) + 8;
        int textWidth = Series.Max(s => BitmapFont.Width(s.Name, scale));
        int boxWidth = textWidth + 48, boxHeight = Series.Count * lineHeight + 10;
        int bx = right - boxWidth - 10, by = top + 10;
        canvas.FillRectangle(bx, by, boxWidth, boxHeight, Rgb.White);
        canvas.DrawRectangle(bx, by, boxWidth, boxHeight, Muted);
        for (int i = 0; i < Series.Count; i++)
        {
            int cy = by + 8 + i * lineHeight + BitmapFont.Height(scale) / 2;
            canvas.DrawLine(bx + 8, cy, bx + 32, cy, Series[i].Color, Series[i].Width + 1);
            canvas.DrawText(bx + 40, cy - BitmapFont.Height(scale) / 2, Series[i].Name, Ink, scale);
        }
    }

    private static void DrawClipped(Canvas canvas, int left, int top, int right, int bottom, double x0, double y0, double x1, double y1, Rgb color, double width)
    {
        // Liang–Barsky clipping to the plot rectangle.
        double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
        foreach ((double p, double q) in new[] { (-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0) })
        {
            if (p == 0) { if (q < 0) return; continue; }
            double r = q / p;
            if (p < 0) { if (r > t1) return; t0 = Math.Max(t0, r); }
            else { if (r < t0) return; t1 = Math.Min(t1, r); }
        }
        canvas.DrawLine(x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, color, width);
    }

    private static (double, double) Fit(IEnumerable<double> values, bool log)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (double.IsInfinity(min)) return log ? (0.1, 1) : (0, 1);
        if (log) return (Math.Pow(10, Math.Floor(Math.Log10(min))), Math.Pow(10, Math.Ceiling(Math.Log10(max) + 1e-9)));
        if (min == max) return (min - 1, max + 1);
        return (min, max);
    }

    /// <summary>About six ticks at multiples of 1, 2 or 5 × 10^k covering [min, max].</summary>
    public static double[] NiceTicks(double min, double max, int target = 6)
    {
        double span = max - min;
        if (!(span > 0)) return [min];
        double raw = span / target, magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double normalized = raw / magnitude;
        double step = (normalized < 1.5 ? 1 : normalized < 3 ? 2 : normalized < 7 ? 5 : 10) * magnitude;
        double first = Math.Floor(min / step + 1e-9) * step, last = Math.Ceiling(max / step - 1e-9) * step;
        var ticks = new List<double>();
        for (double v = first; v <= last + step / 2; v += step) ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return [.. ticks];
    }

    private static IEnumerable<double> LogTicks(double min, double max)
    {
        int decades = (int)Math.Round(Math.Log10(max / min));
        for (int k = (int)Math.Floor(Math.Log10(min)); k <= (int)Math.Ceiling(Math.Log10(max)); k++)
        {
            double d = Math.Pow(10, k);
            yield return d;
            if (decades <= 2) { yield return 2 * d; yield return 5 * d; }
        }
    }

    /// <summary>A compact tick label: 1.5M, 20k, 0.01, 2.5.</summary>
    public static string Format(double v)
    {
        double a = Math.Abs(v);
        string s = a >= 1e6 ? (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
            : a >= 1e4 ? (v / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k"
            : a >= 1 || a == 0 ? v.ToString("0.##", CultureInfo.InvariantCulture)
            : a >= 0.001 ? v.ToString("0.####", CultureInfo.InvariantCulture)
            : v.ToString("0.#e+0", CultureInfo.InvariantCulture);
        return s;
    }
}
