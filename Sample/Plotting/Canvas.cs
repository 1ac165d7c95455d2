namespace RnnGen.Sample.Plotting;

/// <summary>An RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);

    /// <summary>A colour from 0xRRGGBB.</summary>
    public static Rgb FromHex(int rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
}

/// <summary>
/// A tiny rasterizer over an 8-bit RGB pixel buffer: rectangles, anti-aliased lines of any width (coverage from the
/// distance to the segment), dashes, discs, and text in <see cref="BitmapFont"/> (horizontal or turned 90° for a
/// y-axis label). Coordinates are pixels, y down; anything outside the canvas is clipped.
/// </summary>
public sealed class Canvas
{
    private readonly byte[] _pixels;

    /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
    public Canvas(int width, int height, Rgb background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRectangle(0, 0, width, height, background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Row-major RGB bytes, three per pixel.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>The colour at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Rgb this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return new Rgb(_pixels[i], _pixels[i + 1], _pixels[i + 2]);
        }
    }

    /// <summary>Blends <paramref name="color"/> into one pixel with opacity <paramref name="alpha"/> in [0, 1].</summary>
    public void Blend(int x, int y, Rgb color, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height || alpha <= 0) return;
        if (alpha > 1) alpha = 1;
        int i = (y * Width + x) * 3;
        _pixels[i] = Mix(_pixels[i], color.R, alpha);
        _pixels[i + 1] = Mix(_pixels[i + 1], color.G, alpha);
        _pixels[i + 2] = Mix(_pixels[i + 2], color.B, alpha);
    }

    private static byte Mix(byte under, byte over, double alpha) => (byte)Math.Round(under + (over - under) * alpha);

    /// <summary>Fills the rectangle [x, x + width) × [y, y + height).</summary>
    public void FillRectangle(int x, int y, int width, int height, Rgb color)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int py = y0; py < y1; py++)
        {
            for (int px = x0; px < x1; px++)
            {
                int i = (py * Width + px) * 3;
                _pixels[i] = color.R;
                _pixels[i + 1] = color.G;
                _pixels[i + 2] = color.B;
            }
        }
    }

    /// <summary>A one-pixel rectangle outline.</summary>
    public void DrawRectangle(int x, int y, int width, int height, Rgb color)
    {
        FillRectangle(x, y, width, 1, color);
        FillRectangle(x, y + height - 1, width, 1, color);
        FillRectangle(x, y, 1, height, color);
        FillRectangle(x + width - 1, y, 1, height, color);
    }

    /// <summary>An anti-aliased segment of the given width with round ends.</summary>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgb color, double width = 1)
    {
        double half = width / 2;
        int minX = (int)Math.Floor(Math.Min(x0, x1) - half - 1), maxX = (int)Math.Ceiling(Math.Max(x0, x1) + half + 1);
        int minY = (int)Math.Floor(Math.Min(y0, y1) - half - 1), maxY = (int)Math.Ceiling(Math.Max(y0, y1) + half + 1);
        minX = Math.Max(minX, 0);
        minY = Math.Max(minY, 0);
        maxX = Math.Min(maxX, Width - 1);
        maxY = Math.Min(maxY, Height - 1);
        double dx = x1 - x0, dy = y1 - y0, length2 = dx * dx + dy * dy;
        bool steep = Math.Abs(dy) > Math.Abs(dx);
        // Walk the major axis; across it only the band within half + 1 pixel of the line can be covered.
        int from = steep ? minY : minX, to = steep ? maxY : maxX;
        for (int major = from; major <= to; major++)
        {
            double c = major + 0.5;
            double t = steep ? (dy == 0 ? 0 : (c - y0) / dy) : (dx == 0 ? 0 : (c - x0) / dx);
            t = Math.Clamp(t, 0, 1);
            double centre = steep ? x0 + t * dx : y0 + t * dy;
            double slope = steep ? (dy == 0 ? 0 : Math.Abs(dx / dy)) : (dx == 0 ? 0 : Math.Abs(dy / dx));
            double reach = (half + 1.5) * Math.Sqrt(1 + slope * slope);
            int lo = (int)Math.Floor(centre - reach), hi = (int)Math.Ceiling(centre + reach);
            for (int minor = lo; minor <= hi; minor++)
            {
                int px = steep ? minor : major, py = steep ? major : minor;
                if (px < minX || px > maxX || py < minY || py > maxY) continue;
                double d = Distance(px + 0.5, py + 0.5, x0, y0, dx, dy, length2);
                Blend(px, py, color, half + 0.5 - d);
            }
        }
    }

    private static double Distance(double px, double py, double x0, double y0, double dx, double dy, double length2)
    {
        double t = length2 == 0 ? 0 : Math.Clamp(((px - x0) * dx + (py - y0) * dy) / length2, 0, 1);
        double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
        return Math.Sqrt(ex * ex + ey * ey);
    }

    /// <summary>A dashed segment: <paramref name="dash"/> pixels drawn, <paramref name="gap"/> skipped.</summary>
    public void DrawDashedLine(double x0, double y0, double x1, double y1, Rgb color, double width = 1, double dash = 6, double gap = 4)
    {
        double length = Math.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        if (length == 0) return;
        double ux = (x1 - x0) / length, uy = (y1 - y0) / length;
        for (double s = 0; s < length; s += dash + gap)
        {
            double e = Math.Min(length, s + dash);
            DrawLine(x0 + ux * s, y0 + uy * s, x0 + ux * e, y0 + uy * e, color, width);
        }
    }

    /// <summary>A filled anti-aliased disc.</summary>
    public void FillCircle(double cx, double cy, double radius, Rgb color)
    {
        for (int y = (int)Math.Floor(cy - radius - 1); y <= (int)Math.Ceiling(cy + radius + 1); y++)
        {
            for (int x = (int)Math.Floor(cx - radius - 1); x <= (int)Math.Ceiling(cx + radius + 1); x++)
            {
                double d = Math.Sqrt((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy));
                Blend(x, y, color, radius + 0.5 - d);
            }
        }
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void DrawText(int x, int y, string text, Rgb color, int scale = 2)
    {
        for (int k = 0; k < text.Length; k++)
        {
            int left = x + k * BitmapFont.Advance * scale;
            for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                    if (BitmapFont.IsSet(text[k], column, row)) FillRectangle(left + column * scale, y + row * scale, scale, scale, color);
        }
    }

    /// <summary>Draws <paramref name="text"/> turned 90° anticlockwise (reading bottom to top), its bottom-left corner at (x, y).</summary>
    public void DrawTextUp(int x, int y, string text, Rgb color, int scale = 2)
    {
        for (int k = 0; k < text.Length; k++)
        {
            int bottom = y - k * BitmapFont.Advance * scale;
            for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                    if (BitmapFont.IsSet(text[k], column, row))
                        FillRectangle(x + row * scale, bottom - (column + 1) * scale, scale, scale, color);
        }
    }

    /// <summary>Text centred horizontally on <paramref name="cx"/>.</summary>
    public void DrawTextCentered(int cx, int y, string text, Rgb color, int scale = 2) => DrawText(cx - BitmapFont.Width(text, scale) / 2, y, text, color, scale);
}
