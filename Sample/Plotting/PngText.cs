using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Sample.Plotting;

/// <summary>Adds a <c>tEXt</c> chunk to an existing PNG, right after its IHDR chunk.</summary>
public static class PngText
{
    /// <summary>The PNG with <paramref name="keyword"/> = <paramref name="value"/> inserted; the input unchanged if it is not a PNG.</summary>
    public static byte[] Insert(byte[] png, string keyword, string value)
    {
        if (png.Length < 33 || !png.AsSpan().StartsWith(Png.Signature)) return png;
        int ihdrEnd = 8 + 8 + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(8)) + 4;
        byte[] data = [.. Encoding.Latin1.GetBytes(keyword), 0, .. Encoding.Latin1.GetBytes(value)];
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes("tEXt", chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Png.Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return [.. png.AsSpan(0, ihdrEnd), .. chunk, .. png.AsSpan(ihdrEnd)];
    }
}
