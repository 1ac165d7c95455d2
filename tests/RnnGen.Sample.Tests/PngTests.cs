using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RnnGen.Sample.Plotting;

namespace RnnGen.Sample.Tests;

/// <summary>The PNG writer against the format itself: signature, chunk layout and CRCs, IHDR, and IDAT that inflates to the pixels.</summary>
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

    /// <summary>Decodes an 8-bit RGB, non-interlaced PNG (any filter type) to its RGB bytes.</summary>
    private static byte[] DecodeRgb(byte[] png, out int width, out int height)
    {
        List<(string Type, byte[] Data)> chunks = AssertValidChunks(png);
        byte[] ihdr = chunks[0].Data;
        width = BinaryPrimitives.ReadInt32BigEndian(ihdr);
        height = BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4));
        Assert.Equal(new byte[] { 8, 2, 0, 0, 0 }, ihdr[8..]); // 8-bit, RGB, deflate, filter 0, no interlace
        using var compressed = new MemoryStream([.. chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data)]);
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] filtered = raw.ToArray();
        int stride = width * 3;
        Assert.Equal(height * (stride + 1), filtered.Length);
        var pixels = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = filtered[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                int x = filtered[y * (stride + 1) + 1 + i];
                int a = i >= 3 ? pixels[y * stride + i - 3] : 0, b = y > 0 ? pixels[(y - 1) * stride + i] : 0, c = i >= 3 && y > 0 ? pixels[(y - 1) * stride + i - 3] : 0;
                int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, 4 => pa <= pb && pa <= pc ? a : pb <= pc ? b : c, _ => throw new InvalidDataException($"filter {filter}") };
                pixels[y * stride + i] = (byte)(x + predictor);
            }
        }
        return pixels;
    }

    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, Png.Crc32("123456789"u8));
        Assert.Equal(0u, Png.Crc32([]));
    }

    [Fact]
    public void Encoded_image_decodes_to_the_same_pixels()
    {
        var canvas = new Canvas(37, 23, Rgb.White);
        canvas.FillRectangle(3, 4, 10, 5, new Rgb(200, 10, 30));
        canvas.DrawLine(0, 22, 36, 0, new Rgb(0, 90, 255), 2.5);
        canvas.DrawText(15, 12, "Ab", Rgb.Black, 1);
        byte[] png = Png.Encode(canvas, [new("Software", "RnnGen.Sample"), new("Title", "test")]);
        byte[] pixels = DecodeRgb(png, out int width, out int height);
        Assert.Equal((37, 23), (width, height));
        Assert.Equal(canvas.Pixels.ToArray(), pixels);
        Assert.Equal(new Rgb(200, 10, 30), canvas[5, 5]);
        List<(string Type, byte[] Data)> chunks = AssertValidChunks(png);
        Assert.Contains(chunks, c => c.Type == "tEXt" && Encoding.Latin1.GetString(c.Data) == "Software\0RnnGen.Sample");
    }

    [Fact]
    public void Text_is_drawn_from_the_bitmap_font()
    {
        var canvas = new Canvas(8, 9, Rgb.White);
        canvas.DrawText(1, 1, "T", Rgb.Black, 1);
        // 'T': the top row fully set across the five columns, then the centre column down to the bottom.
        for (int x = 1; x <= 5; x++) Assert.Equal(Rgb.Black, canvas[x, 1]);
        for (int y = 1; y <= 7; y++) Assert.Equal(Rgb.Black, canvas[3, y]);
        Assert.Equal(Rgb.White, canvas[1, 4]);
        Assert.Equal(Rgb.White, canvas[5, 7]);
    }

    [Fact]
    public void Lines_are_antialiased_and_clipped_to_the_canvas()
    {
        var canvas = new Canvas(20, 20, Rgb.White);
        canvas.DrawLine(-10, 10, 30, 10, Rgb.Black, 2);
        Assert.Equal(Rgb.Black, canvas[10, 9]);
        Assert.Equal(Rgb.Black, canvas[10, 10]);
        Assert.Equal(Rgb.White, canvas[10, 5]);
        canvas.DrawLine(0, 0, 19, 19, Rgb.Black, 2);
        Assert.Equal(Rgb.Black, canvas[12, 12]);
        Assert.InRange(canvas[14, 12].R, 1, 254); // partial coverage beside a diagonal
        Assert.Equal(Rgb.White, canvas[16, 12]);
    }

    [Fact]
    public void A_chart_draws_axes_curves_and_labels()
    {
        var chart = new LineChart { Title = "loss", XLabel = "characters", YLabel = "bits per character" };
        chart.Series.Add(new Series("train", Rgb.FromHex(0x1F77B4), [(0, 4.0), (1000, 3.0), (2000, 2.5)]));
        chart.Series.Add(new Series("validation", Rgb.FromHex(0xD62728), [(1000, 3.2), (2000, 2.7)], Markers: true));
        chart.References.Add(new ReferenceLine(4.1, "unigram", Rgb.FromHex(0x888888)));
        var canvas = new Canvas(640, 400, Rgb.White);
        chart.Draw(canvas, 0, 0, 640, 400);
        byte[] pixels = DecodeRgb(Png.Encode(canvas), out _, out _);
        Assert.Contains(Enumerable.Range(0, pixels.Length / 3), i => pixels[i * 3] == 0x1F && pixels[i * 3 + 1] == 0x77 && pixels[i * 3 + 2] == 0xB4);
        Assert.Contains(Enumerable.Range(0, pixels.Length / 3), i => pixels[i * 3] == 0xD6 && pixels[i * 3 + 1] == 0x27 && pixels[i * 3 + 2] == 0x28);
    }

    [Theory]
    [InlineData(0.0, 1.0, new[] { 0.0, 0.2, 0.4, 0.6, 0.8, 1.0 })]
    [InlineData(0.0, 5_000_000.0, new[] { 0.0, 1e6, 2e6, 3e6, 4e6, 5e6 })]
    [InlineData(1.7, 4.6, new[] { 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0 })]
    public void Ticks_fall_on_round_numbers(double min, double max, double[] expected)
    {
        double[] ticks = LineChart.NiceTicks(min, max);
        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < ticks.Length; i++) Assert.Equal(expected[i], ticks[i], 9);
        Assert.Equal("1.5M", LineChart.Format(1.5e6));
        Assert.Equal("20k", LineChart.Format(20_000));
        Assert.Equal("0.01", LineChart.Format(0.01));
        Assert.Equal("1e-5", LineChart.Format(1e-5));
    }
}
