using System.Text.Json;

namespace RnnGen.Checkpoints;

/// <summary>Element types of safetensors files that RnnGen reads (all four) and writes (F32 and F64, as the model's precision).</summary>
public enum SafetensorsDType
{
    /// <summary>32-bit IEEE float ("F32").</summary>
    F32,

    /// <summary>64-bit IEEE float ("F64").</summary>
    F64,

    /// <summary>16-bit IEEE half-precision float ("F16", PyTorch's <c>torch.float16</c>); read as <see cref="Half"/> and widened exactly.</summary>
    F16,

    /// <summary>16-bit brain float ("BF16", PyTorch's <c>torch.bfloat16</c>): the upper half of an F32, widened exactly.</summary>
    BF16,
}

/// <summary>Sizes of <see cref="SafetensorsDType"/> elements.</summary>
internal static class SafetensorsDTypes
{
    /// <summary>Bytes per element.</summary>
    public static int Size(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F64 => 8,
        SafetensorsDType.F32 => 4,
        _ => 2,
    };
}

/// <summary>One tensor entry of a safetensors header: name, dtype, shape and its byte range in the data section.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, IReadOnlyList<long> Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The parsed header of a safetensors file (https://github.com/huggingface/safetensors): an 8-byte little-endian
/// header length, a JSON object of tensors and optional <c>__metadata__</c> strings, then the raw little-endian data.
/// Parsing validates everything that can be checked without the model: JSON shape, dtypes, shapes, byte ranges
/// (inside the data, sized to match the shape, no overlaps, no holes) and the file length.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>
    /// Metadata key of the SHA-256 (lower-case hex) of the header that RnnGen writes: every metadata entry but this one and
    /// every tensor entry, canonicalised (see <see cref="Digest"/>). When present, <see cref="Read"/> checks it, so one changed
    /// byte of the metadata (an alphabet, a setting) or of a tensor entry cannot load silently.
    /// </summary>
    public const string HeaderDigestKey = "rnngen.header_sha256";

    /// <summary>
    /// The header digest of <paramref name="metadata"/> (without <see cref="HeaderDigestKey"/>) and <paramref name="entries"/>:
    /// SHA-256 over the metadata in ordinal key order, then the entries in name order, each string length-prefixed in UTF-8
    /// and each number as 8 little-endian bytes; independent of JSON spacing, escaping and key order.
    /// </summary>
    public static string Digest(IReadOnlyDictionary<string, string> metadata, IEnumerable<SafetensorsEntry> entries)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        byte[] number = new byte[8];
        void Number(long n)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(number, n);
            hash.AppendData(number);
        }
        void Text(string text)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
            Number(bytes.Length);
            hash.AppendData(bytes);
        }
        var keys = metadata.Keys.Where(k => k != HeaderDigestKey).Order(StringComparer.Ordinal).ToList();
        Number(keys.Count);
        foreach (string k in keys)
        {
            Text(k);
            Text(metadata[k]);
        }
        var sorted = entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        Number(sorted.Count);
        foreach (SafetensorsEntry e in sorted)
        {
            Text(e.Name);
            Text(e.DType.ToString());
            Number(e.Shape.Count);
            foreach (long d in e.Shape) Number(d);
            Number(e.Begin);
            Number(e.End);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Largest header accepted (the reference implementation's limit), so a corrupt length cannot make us allocate gigabytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private SafetensorsHeader(IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata, long dataStart)
    {
        Entries = entries;
        Metadata = metadata;
        DataStart = dataStart;
    }

    /// <summary>The tensors, in order of their data.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings (empty if there are none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Offset of the data section in the file: 8 + header length.</summary>
    public long DataStart { get; }

    /// <summary>Reads and validates the header of <paramref name="stream"/> (positioned at 0), whose total length is <paramref name="fileLength"/>.</summary>
    public static SafetensorsHeader Read(Stream stream, long fileLength, string path)
    {
        if (fileLength < 8) throw new CheckpointException(path, $"the file has {fileLength} bytes; a safetensors file starts with an 8-byte header length.");
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength == 0 || headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new CheckpointException(path, $"the header length {headerLength} is impossible (the file has {fileLength} bytes; at most {MaxHeaderBytes} header bytes are accepted).");
        byte[] json = new byte[headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        long dataLength = fileLength - dataStart;

        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new CheckpointException(path, "the header is not valid UTF-8 text.");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw new CheckpointException(path, "the header is not valid JSON: " + ex.Message, null, ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, "the header must be a JSON object of tensors.");
            RejectDuplicateKeys(document.RootElement, path, null);
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new CheckpointException(path, "appears twice in the header.", property.Name);
                if (property.Name == "__metadata__")
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new CheckpointException(path, "__metadata__ must be an object of strings.");
                    foreach (JsonProperty m in property.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw new CheckpointException(path, $"__metadata__ value '{m.Name}' must be a string.");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(property, dataLength, path));
            }

            // The data section must be covered exactly: ranges in order, touching, ending at the file's end.
            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            long cursor = 0;
            foreach (SafetensorsEntry e in entries)
            {
                if (e.Begin < cursor)
                    throw new CheckpointException(path, $"its bytes [{e.Begin}, {e.End}) overlap the previous tensor's (which end at {cursor}).", e.Name);
                if (e.Begin > cursor)
                    throw new CheckpointException(path, $"its bytes start at {e.Begin}, leaving a hole after byte {cursor} of the data.", e.Name);
                cursor = e.End;
            }
            if (cursor != dataLength)
                throw new CheckpointException(path, $"the tensors cover {cursor} bytes of data but the file has {dataLength} after the header (truncated or padded file).");
            if (metadata.TryGetValue(HeaderDigestKey, out string? expected) && !string.Equals(Digest(metadata, entries), expected, StringComparison.OrdinalIgnoreCase))
                throw new CheckpointException(path, $"the header (metadata or tensor entries) does not match its {HeaderDigestKey} (changed since it was written).");
            return new SafetensorsHeader(entries, metadata, dataStart);
        }
    }

    /// <summary>JSON allows a key twice (the last one wins); a checkpoint must not: every object in the header is checked.</summary>
    private static void RejectDuplicateKeys(JsonElement element, string path, string? where)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray()) RejectDuplicateKeys(item, path, where);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty p in element.EnumerateObject())
        {
            if (!names.Add(p.Name))
            {
                if (where is null) throw new CheckpointException(path, "appears twice in the header.", p.Name);
                throw new CheckpointException(path, $"key '{p.Name}' appears twice in the header's {where}.");
            }
            RejectDuplicateKeys(p.Value, path, where ?? (p.Name == "__metadata__" ? "__metadata__" : $"entry of tensor '{p.Name}'"));
        }
    }

    private static SafetensorsEntry ParseEntry(JsonProperty property, long dataLength, string path)
    {
        string name = property.Name;
        JsonElement value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, "its entry must be an object with dtype, shape and data_offsets.", name);
        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new CheckpointException(path, "has no dtype string.", name);
        string dtypeText = dtypeElement.GetString()!;
        SafetensorsDType dtype = dtypeText switch
        {
            "F32" => SafetensorsDType.F32,
            "F64" => SafetensorsDType.F64,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            _ => throw new CheckpointException(path, $"dtype {dtypeText} is not supported; RnnGen reads F64, F32, F16 and BF16.", name),
        };
        if (!value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw new CheckpointException(path, "has no shape array.", name);
        var shape = new List<long>();
        long elements = 1;
        foreach (JsonElement d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long size) || size < 0)
                throw new CheckpointException(path, $"shape {shapeElement.GetRawText()} must hold non-negative integers.", name);
            shape.Add(size);
            elements = size == 0 ? 0 : elements > long.MaxValue / size ? throw new CheckpointException(path, $"shape {shapeElement.GetRawText()} is too large.", name) : elements * size;
        }
        if (!value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw new CheckpointException(path, "data_offsets must be [begin, end].", name);
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new CheckpointException(path, $"data_offsets {offsets.GetRawText()} must be non-negative with begin ≤ end.", name);
        if (end > dataLength)
            throw new CheckpointException(path, $"data_offsets {offsets.GetRawText()} reach past the {dataLength} bytes of data.", name);
        long elementSize = dtype.Size();
        if (elements > long.MaxValue / elementSize)
            throw new CheckpointException(path, $"shape {shapeElement.GetRawText()} is too large ({elements} elements of {dtypeText} exceed any file).", name);
        if (end - begin != elements * elementSize)
            throw new CheckpointException(path, $"holds {end - begin} bytes, but shape [{string.Join(", ", shape)}] of {dtypeText} needs {elements * elementSize}.", name);
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }
}
