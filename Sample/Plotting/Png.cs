using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RnnGen.Sample.Plotting;

/// <summary>
/// A minimal PNG encoder (ISO/IEC 15948): 8-bit RGB, one IDAT chunk compressed with zlib, filter type Sub on every
/// row, optional <c>tEXt</c> chunks. Nothing native: <see cref="ZLibStream"/> does the deflate.
/// </summary>
public static class Png
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = MakeCrcTable();

    /// <summary>Encodes <paramref name="image"/>, with <paramref name="text"/> as <c>tEXt</c> chunks (Latin-1 keywords and values).</summary>
    public static byte[] Encode(Canvas image, IReadOnlyList<KeyValuePair<string, string>>? text = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var file = new MemoryStream();
        file.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: RGB
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(file, "IHDR", header);

        foreach (KeyValuePair<string, string> kv in text ?? [])
        {
            byte[] keyword = Encoding.Latin1.GetBytes(kv.Key), value = Encoding.Latin1.GetBytes(kv.Value);
            var data = new byte[keyword.Length + 1 + value.Length];
            keyword.CopyTo(data, 0);
            value.CopyTo(data, keyword.Length + 1);
            WriteChunk(file, "tEXt", data);
        }

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                int stride = image.Width * 3;
                var row = new byte[1 + stride];
                ReadOnlySpan<byte> pixels = image.Pixels;
                for (int y = 0; y < image.Height; y++)
                {
                    // Filter type 1 (Sub): each byte minus the same channel of the pixel to its left; flat chart areas become zeros.
                    ReadOnlySpan<byte> line = pixels.Slice(y * stride, stride);
                    row[0] = 1;
                    for (int i = 0; i < stride; i++) row[1 + i] = (byte)(line[i] - (i >= 3 ? line[i - 3] : 0));
                    zlib.Write(row);
                }
            }
            WriteChunk(file, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320) as PNG chunks use it.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data, uint crc = 0)
    {
        crc = ~crc;
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }

    private static void WriteChunk(Stream file, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        file.Write(typeBytes);
        file.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(data, Crc32(typeBytes)));
        file.Write(word);
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
