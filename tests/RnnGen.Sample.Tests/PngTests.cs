using System.Buffers.Binary;
using System.Text;
using RnnGen.Sample.Plotting;
using SkiaSharp;

namespace RnnGen.Sample.Tests;

/// <summary>
/// The figures (ScottPlot through SkiaSharp) against the PNG format itself: signature, chunk layout and CRCs, IHDR size, the
/// sample's <c>tEXt</c> mark; decoded back with SkiaSharp, the curves, panels and shades are where and in the colours asked.
/// </summary>
public class PngTests
{
    /// <summary>The chunks of a PNG, each checked against a bitwise CRC-32 written independently of the encoder's table.</summary>
    public static List<(string Type, byte[] Data)> AssertValidChunks(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        var chunks = new List<(string, byte[])>();
        int at = 8;
        while (at < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            byte[] data = png.AsSpan(at + 8, length).ToArray();
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            Assert.True(BitwiseCrc(png.AsSpan(at + 4, 4 + length)) == crc, $"CRC of chunk {type}");
            chunks.Add((type, data));
            at += 12 + length;
        }
        Assert.Equal(png.Length, at);
        Assert.Equal("IHDR", chunks[0].Item1);
        Assert.Equal(13, chunks[0].Item2.Length);
        Assert.Equal("IEND", chunks[^1].Item1);
        Assert.Empty(chunks[^1].Item2);
        Assert.Contains(chunks, c => c.Item1 == "IDAT");
        return chunks;
    }

    /// <summary>Width and height from IHDR.</summary>
    public static (int Width, int Height) Size(byte[] png)
    {
        byte[] ihdr = AssertValidChunks(png)[0].Data;
        return (BinaryPrimitives.ReadInt32BigEndian(ihdr), BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
    }

    private static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    /// <summary>Decodes a PNG with SkiaSharp (an independent decoder: ScottPlot encodes, Skia's codec reads back) to its pixels.</summary>
    private static SKBitmap Decode(byte[] png)
    {
        AssertValidChunks(png);
        SKBitmap? bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        return bitmap;
    }

    /// <summary>True when some pixel of <paramref name="bitmap"/> inside columns [<paramref name="fromX"/>, <paramref name="toX"/>) is exactly 0xRRGGBB.</summary>
    private static bool HasPixel(SKBitmap bitmap, uint rgb, int fromX = 0, int toX = int.MaxValue)
    {
        var wanted = new SKColor((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = fromX; x < Math.Min(toX, bitmap.Width); x++)
                if (bitmap.GetPixel(x, y) == wanted) return true;
        return false;
    }

    private static ScottPlot.Plot LossChart() => Figures.LineChart("loss", "characters", "bits per character",
        [new Series("train", 0x1F77B4, [(0, 4.0), (1000, 3.0), (2000, 2.5)]), new Series("validation", 0xD62728, [(1000, 3.2), (2000, 2.7)], Markers: true)],
        [new ReferenceLine(4.1, "unigram", 0x888888)], xRange: (0, 2000), yRange: (2, 4.5));

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, PngText.Crc32("123456789"u8));
        Assert.Equal(0u, PngText.Crc32([]));
    }

    [Fact]
    public void A_figure_is_a_valid_png_of_the_requested_size_with_the_samples_text_chunks()
    {
        byte[] png = Figures.Png([LossChart()], 640, 400, "RnnGen.Sample", "test");
        Assert.Equal((640, 400), Size(png));
        List<(string Type, byte[] Data)> chunks = AssertValidChunks(png);
        Assert.Equal("tEXt", chunks[1].Type); // right after IHDR, where OutputFiles.IsOurs reads it
        Assert.Contains(chunks, c => c.Type == "tEXt" && Encoding.Latin1.GetString(c.Data) == "Software\0RnnGen.Sample");
        Assert.Contains(chunks, c => c.Type == "tEXt" && Encoding.Latin1.GetString(c.Data) == "Title\0test");
        using SKBitmap bitmap = Decode(png);
        Assert.Equal((640, 400), (bitmap.Width, bitmap.Height));
        Assert.Equal(SKColors.White, bitmap.GetPixel(0, 0));
    }

    [Fact]
    public void A_text_chunk_inserted_into_a_foreign_png_keeps_it_valid()
    {
        using var bitmap = new SKBitmap(7, 5);
        bitmap.Erase(new SKColor(200, 10, 30));
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        byte[] png = PngText.Insert(data.ToArray(), "Software", "RnnGen.Sample");
        Assert.Equal((7, 5), Size(png));
        Assert.Contains(AssertValidChunks(png), c => c.Type == "tEXt" && Encoding.Latin1.GetString(c.Data) == "Software\0RnnGen.Sample");
        using SKBitmap decoded = Decode(png);
        Assert.Equal(new SKColor(200, 10, 30), decoded.GetPixel(3, 2));
        byte[] notPng = [1, 2, 3];
        Assert.Same(notPng, PngText.Insert(notPng, "Software", "x"));
    }

    [Fact]
    public void A_chart_draws_its_curves_and_reference_line_in_their_colours()
    {
        using SKBitmap bitmap = Decode(Figures.Png([LossChart()], 640, 400, "RnnGen.Sample", "loss"));
        Assert.True(HasPixel(bitmap, 0x1F77B4), "train curve");
        Assert.True(HasPixel(bitmap, 0xD62728), "validation curve");
        Assert.True(HasPixel(bitmap, 0x888888), "reference line");
    }

    [Fact]
    public void Panels_are_drawn_side_by_side_each_in_its_own_rectangle()
    {
        static ScottPlot.Plot Log(uint color) => Figures.LineChart("T", "step", "MSE (log)", [new Series("run", color, [(0, 0.2), (50, 0.01), (100, 1e-4)])], [],
            xRange: (0, 100), yRange: (1e-5, 1), logY: true);
        using SKBitmap bitmap = Decode(Figures.Png([Log(0x1F77B4), Log(0xD62728)], 300, 240, "RnnGen.Sample", "panels"));
        Assert.Equal((600, 240), (bitmap.Width, bitmap.Height));
        Assert.True(HasPixel(bitmap, 0x1F77B4, 0, 300), "first panel's curve on the left");
        Assert.False(HasPixel(bitmap, 0x1F77B4, 300), "first panel's curve only on the left");
        Assert.True(HasPixel(bitmap, 0xD62728, 300), "second panel's curve on the right");
        Assert.False(HasPixel(bitmap, 0xD62728, 0, 300), "second panel's curve only on the right");
    }

    [Fact]
    public void Confusion_cells_are_shaded_by_their_share_of_the_row()
    {
        Assert.Equal(new ScottPlot.Color(255, 255, 255), Classify.ConfusionPlot.Shade(0));
        Assert.Equal(new ScottPlot.Color(0x08, 0x30, 0x6B), Classify.ConfusionPlot.Shade(1));
        int[,] counts = { { 10, 0 }, { 0, 10 } };
        byte[] png = Classify.ConfusionPlot.Png([("run", "accuracy 100%", counts)], ["a", "b"], "RnnGen.Sample", "confusion");
        Assert.Equal((Classify.ConfusionPlot.Width(2, 1), Classify.ConfusionPlot.Height(2)), Size(png));
        using SKBitmap bitmap = Decode(png);
        Assert.True(HasPixel(bitmap, 0x08306B), "a full-share cell in dark blue");
        Assert.True(HasPixel(bitmap, 0xD62728), "the diagonal outlined");
    }
}
