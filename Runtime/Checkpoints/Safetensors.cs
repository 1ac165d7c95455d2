using System.Buffers.Binary;
using System.Numerics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RnnGen;

/// <summary>How <see cref="Safetensors.Load{T}(IRnnModel{T}, string, SafetensorsLoadOptions)"/> treats a file that does not match exactly.</summary>
public sealed record SafetensorsLoadOptions
{
    /// <summary>The default: every tensor of the model present, no others, all values finite.</summary>
    public static SafetensorsLoadOptions Strict { get; } = new();

    /// <summary>Tensors the model does not have are skipped instead of rejected (e.g. a PyTorch state_dict with extra modules).</summary>
    public bool IgnoreUnknownTensors { get; init; }

    /// <summary>NaN and infinite values are loaded instead of rejected (so are F64 values too large for a float model: as infinities).</summary>
    public bool AllowNonFinite { get; init; }

    /// <summary>
    /// A file whose metadata records another network (head kind, topology, input, layers or output size; see
    /// <see cref="Safetensors.ArchitectureKey"/>) than the model's is loaded instead of rejected, as long as the tensors fit.
    /// </summary>
    public bool IgnoreArchitecture { get; init; }

    /// <summary>
    /// A prefix the file's tensor names carry and the model's do not, removed before they are matched: <c>"module."</c>
    /// (PyTorch's <c>DistributedDataParallel</c> and <c>DataParallel</c>), <c>"model."</c> (a wrapper module holding the
    /// network as <c>self.model</c>), or any submodule's path. A file name without it is not one of the model's tensors
    /// (rejected, or skipped with <see cref="IgnoreUnknownTensors"/>). <see langword="null"/> (the default): names as they are.
    /// </summary>
    public string? TensorNamePrefix { get; init; }

    /// <summary>
    /// Maps each of the file's tensor names (after <see cref="TensorNamePrefix"/> is removed) to the model's name for it,
    /// or to <see langword="null"/> to leave that tensor out (it is then neither loaded nor reported as unknown). For
    /// names a prefix does not fix, e.g. <c>name => name.Replace("lstm.", "rnn.")</c>. Two file tensors mapped to one
    /// name are refused.
    /// </summary>
    public Func<string, string?>? TensorNameMap { get; init; }

    /// <summary>The model's name for the file's tensor <paramref name="fileName"/>, or null when the options leave it out or it lacks the prefix.</summary>
    internal string? ModelName(string fileName, out bool lacksPrefix)
    {
        lacksPrefix = false;
        string name = fileName;
        if (!string.IsNullOrEmpty(TensorNamePrefix))
        {
            if (!name.StartsWith(TensorNamePrefix, StringComparison.Ordinal))
            {
                lacksPrefix = true;
                return null;
            }
            name = name[TensorNamePrefix.Length..];
        }
        return TensorNameMap is null ? name : TensorNameMap(name);
    }

    /// <summary>Whether the options rename anything (messages then show both names).</summary>
    internal bool Renames => !string.IsNullOrEmpty(TensorNamePrefix) || TensorNameMap is not null;
}

/// <summary>
/// Checkpoints in the safetensors format (https://github.com/huggingface/safetensors) with PyTorch's tensor names,
/// so a model's <c>state_dict</c> moves between RnnGen and PyTorch (<c>safetensors.torch.save_file(model.state_dict(), path)</c>
/// and <c>load_file</c>). Saving is atomic; loading is all-or-nothing.
/// </summary>
public static partial class Safetensors
{
    /// <summary>Test hook: wraps the stream a save writes to (e.g. with one that fails part-way).</summary>
    internal static Func<Stream, Stream>? WrapWriteStream { get; set; }

    private static readonly string Version = typeof(Safetensors).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>
    /// Writes every tensor of <paramref name="model"/> (F32 or F64, as the model's precision) to <paramref name="path"/>, with
    /// <c>__metadata__</c> naming the model class, its architecture (<see cref="ArchitectureKey"/>), the RnnGen version, steps,
    /// batch, input and output sizes, plus <paramref name="metadata"/>, a SHA-256 of the data (<see cref="DigestKey"/>) and
    /// one of the whole header (<see cref="Checkpoints.SafetensorsHeader.HeaderDigestKey"/>). Atomic (see
    /// <see cref="Checkpoints.AtomicFile"/>): the file is written to a temporary file in the same folder, flushed to disk,
    /// then renamed over <paramref name="path"/>, so a save that fails part-way leaves any previous checkpoint intact.
    /// </summary>
    /// <exception cref="Checkpoints.CheckpointException">A parameter is NaN or infinite (the message names the tensor); nothing is written.</exception>
    public static void Save<T>(IRnnModel<T> model, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using Checkpoints.PendingFile pending = Stage(model, path, metadata);
        pending.Commit();
    }

    /// <summary>
    /// <see cref="Save{T}"/> up to the rename: the checkpoint is written and flushed to a temporary file beside
    /// <paramref name="path"/>, which <see cref="Checkpoints.PendingFile.Commit"/> renames over it (disposing it uncommitted
    /// deletes it). Lets a caller write several files before replacing any.
    /// </summary>
    public static Checkpoints.PendingFile Stage<T>(IRnnModel<T> model, string path, IReadOnlyDictionary<string, string>? metadata = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return StageChecked(model.Tensors, model.Parameters, Metadata(model, metadata), path);
    }

    /// <summary>Refuses non-finite values, then writes <paramref name="tensors"/> of <paramref name="values"/> to a temporary file beside <paramref name="path"/>.</summary>
    private static Checkpoints.PendingFile StageChecked<T>(IReadOnlyList<TensorInfo> tensors, ReadOnlySpan<T> values, Dictionary<string, string> metadata, string path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (TensorInfo t in tensors)
        {
            ReadOnlySpan<T> v = values.Slice(t.Offset, t.Length);
            for (int i = 0; i < v.Length; i++)
            {
                if (!T.IsFinite(v[i]))
                    throw new Checkpoints.CheckpointException(path, $"value {v[i]} at index {i} is not finite; nothing was written (a checkpoint holds finite values only).", t.Name);
            }
        }
        T[] copy = values.ToArray(); // the write runs in a callback, which cannot capture a span
        return Checkpoints.AtomicFile.Stage(path, file =>
        {
            Stream stream = WrapWriteStream?.Invoke(file) ?? file;
            Write(tensors, copy, stream, metadata);
            stream.Flush();
        });
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="model"/> (strict: see <see cref="SafetensorsLoadOptions.Strict"/>).</summary>
    public static void Load<T>(IRnnModel<T> model, string path) where T : unmanaged, IFloatingPointIeee754<T>
        => Load(model, path, SafetensorsLoadOptions.Strict);

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/>. The whole file is validated first — header length, JSON,
    /// dtypes, every name present (and none unknown unless allowed), shapes, byte ranges, file length and values — and only
    /// then copied into the parameters; on any problem a <see cref="Checkpoints.CheckpointException"/> names the tensor and what
    /// is wrong, and the model is unchanged. Any of F64, F32, F16 and BF16 loads into float and double models (converted;
    /// half precision widens exactly). <see cref="SafetensorsLoadOptions.TensorNamePrefix"/> and
    /// <see cref="SafetensorsLoadOptions.TensorNameMap"/> match files whose names a PyTorch wrapper changed; a model tensor
    /// the file lacks is reported with every name on both sides left unmatched.
    /// </summary>
    public static void Load<T>(IRnnModel<T> model, string path, SafetensorsLoadOptions options) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        (T[] staged, _) = Read<T>(model.Tensors, model.ParameterCount, model.GetType().Name, path, options, options.IgnoreArchitecture ? null : model.Architecture);
        staged.CopyTo(model.Parameters);
        model.SharedParameters.MarkWritten(); // after the write: a copy made from the values before it is stale
    }

    /// <summary>Reads and validates the header of a safetensors file (tensors and metadata) without loading data.</summary>
    public static Checkpoints.SafetensorsHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = Open(path);
        return ReadHeader(stream, path);
    }

    private static Checkpoints.SafetensorsHeader ReadHeader(FileStream stream, string path)
    {
        try
        {
            return Checkpoints.SafetensorsHeader.Read(stream, stream.Length, path);
        }
        catch (EndOfStreamException ex)
        {
            throw new Checkpoints.CheckpointException(path, "ends inside its header (truncated file).", null, ex);
        }
    }

    private static FileStream Open(string path)
    {
        if (Directory.Exists(path)) throw new Checkpoints.CheckpointException(path, "is a directory, not a checkpoint file.");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Checkpoints.CheckpointException(path, "cannot be opened: " + ex.Message, null, ex);
        }
    }

    /// <summary>
    /// Validates <paramref name="path"/> against <paramref name="tensors"/> (the layout of a flat buffer of
    /// <paramref name="count"/> values that <paramref name="owner"/> names in messages) and returns the values, converted to
    /// <typeparamref name="T"/>, with the header; throws <see cref="Checkpoints.CheckpointException"/> on any mismatch.
    /// </summary>
    private static (T[] Values, Checkpoints.SafetensorsHeader Header) Read<T>(IReadOnlyList<TensorInfo> tensors, int count, string owner, string path, SafetensorsLoadOptions options, ModelArchitecture? architecture = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        using FileStream stream = Open(path);
        Checkpoints.SafetensorsHeader header = ReadHeader(stream, path);


        // Safetensors has no checksum; RnnGen records a SHA-256 of the data section, so a corrupted byte cannot load silently.
        if (header.Metadata.TryGetValue(DigestKey, out string? expectedDigest))
        {
            stream.Position = header.DataStart;
            string actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
            if (!string.Equals(actual, expectedDigest, StringComparison.OrdinalIgnoreCase))
                throw new Checkpoints.CheckpointException(path, $"the data does not match its {DigestKey} (corrupted since it was written).");
        }

        // The file's names as the model's (TensorNamePrefix removed, TensorNameMap applied); every file tensor is matched,
        // left out by the map, or unknown.
        var byName = new Dictionary<string, Checkpoints.SafetensorsEntry>(StringComparer.Ordinal);
        var known = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
        var unmatched = new List<(Checkpoints.SafetensorsEntry Entry, string? Name, bool LacksPrefix)>();
        foreach (Checkpoints.SafetensorsEntry e in header.Entries)
        {
            string? name = options.ModelName(e.Name, out bool lacksPrefix);
            if (name is null && !lacksPrefix)
                continue; // left out by TensorNameMap
            if (name is not null && known.Contains(name))
            {
                if (byName.TryGetValue(name, out Checkpoints.SafetensorsEntry? first))
                    throw new Checkpoints.CheckpointException(path, $"both '{first.Name}' and '{e.Name}' of the file map to it; load with a TensorNameMap that maps one of them elsewhere (or to null).", name);
                byName[name] = e;
            }
            else
            {
                unmatched.Add((e, name, lacksPrefix));
            }
        }
        string Unmatched() => unmatched.Count == 0 ? "none" : string.Join(", ", unmatched.Select(u =>
            u.LacksPrefix ? $"{u.Entry.Name} (no prefix '{options.TensorNamePrefix}')" : u.Name != u.Entry.Name ? $"{u.Entry.Name} (as {u.Name})" : u.Entry.Name));
        List<string> missing = tensors.Select(t => t.Name).Where(n => !byName.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new Checkpoints.CheckpointException(path,
                $"is missing. Not found in the file: {string.Join(", ", missing)}. The file's unmatched tensors: {Unmatched()}.{PrefixHint(missing, unmatched.Select(u => u.Entry.Name), options)}",
                missing[0]);
        }
        foreach (TensorInfo t in tensors)
        {
            Checkpoints.SafetensorsEntry e = byName[t.Name];
            if (!e.Shape.Select(d => d).SequenceEqual(t.Shape.Select(d => (long)d)))
                throw new Checkpoints.CheckpointException(path, $"has shape [{string.Join(", ", e.Shape)}] but {owner} needs [{string.Join(", ", t.Shape)}]{(e.Name == t.Name ? "" : $" (the file's '{e.Name}')")}.", t.Name);
        }

        // A file that names its network must name this one: the shapes fit, but that is not enough (a sigmoid head has a softmax head's tensors).
        if (architecture is not null && header.Metadata.TryGetValue(ArchitectureKey, out string? saved))
        {
            string mine = Describe(architecture);
            if (!string.Equals(saved, mine, StringComparison.Ordinal))
                throw new Checkpoints.CheckpointException(path, $"was saved from another network ({saved}); {owner} is {mine}. Load with IgnoreArchitecture to accept it anyway.");
        }

        if (unmatched.Count > 0 && !options.IgnoreUnknownTensors)
        {
            (Checkpoints.SafetensorsEntry e, string? name, bool lacksPrefix) = unmatched[0];
            string how = lacksPrefix ? $" (it lacks the prefix '{options.TensorNamePrefix}')" : name != e.Name ? $" (read as '{name}')" : "";
            throw new Checkpoints.CheckpointException(path,
                $"is not a tensor of {owner}{how} (it has: {string.Join(", ", known)}; the file's unmatched tensors: {Unmatched()}); load with IgnoreUnknownTensors to skip it.", e.Name);
        }
        var staged = new T[count];
        byte[] buffer = new byte[Math.Min(1 << 20, Math.Max(8, header.Entries.Count == 0 ? 8 : header.Entries.Max(e => e.End - e.Begin)))];
        foreach (TensorInfo t in tensors)
        {
            Checkpoints.SafetensorsEntry e = byName[t.Name];
            Checkpoints.SafetensorsDType dtype = e.DType;
            int size = Checkpoints.SafetensorsDTypes.Size(dtype);
            stream.Position = header.DataStart + e.Begin;
            Span<T> target = staged.AsSpan(t.Offset, t.Length);
            int done = 0;
            while (done < target.Length)
            {
                int chunk = Math.Min(target.Length - done, buffer.Length / size);
                Span<byte> bytes = buffer.AsSpan(0, chunk * size);
                try
                {
                    stream.ReadExactly(bytes);
                }
                catch (EndOfStreamException ex)
                {
                    throw new Checkpoints.CheckpointException(path, "ends inside this tensor's data (truncated file).", t.Name, ex);
                }
                for (int i = 0; i < chunk; i++)
                {
                    // Half precision widens exactly: F16 through System.Half, BF16 as the upper 16 bits of an F32.
                    double v = dtype switch
                    {
                        Checkpoints.SafetensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4)),
                        Checkpoints.SafetensorsDType.F64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * 8, 8)),
                        Checkpoints.SafetensorsDType.F16 => (double)BinaryPrimitives.ReadHalfLittleEndian(bytes.Slice(i * 2, 2)),
                        _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)) << 16),
                    };
                    // Checked after narrowing: a finite F64 beyond float's range (1e300) becomes infinite in a float model.
                    T value = T.CreateTruncating(v);
                    if (!T.IsFinite(value) && !options.AllowNonFinite)
                    {
                        string what = double.IsFinite(v) ? $"is not finite as {typeof(T).Name} (it overflows to {value})" : "is not finite";
                        throw new Checkpoints.CheckpointException(path, $"value {v} at index {done + i} {what} (load with AllowNonFinite to accept it).", t.Name);
                    }
                    target[done + i] = value;
                }
                done += chunk;
            }
        }
        return (staged, header);
    }

    /// <summary>
    /// When every missing name is in the file behind one common prefix (<c>module.rnn.weight_ih_l0</c> for
    /// <c>rnn.weight_ih_l0</c>), a sentence saying which <see cref="SafetensorsLoadOptions.TensorNamePrefix"/> loads it.
    /// </summary>
    private static string PrefixHint(IReadOnlyList<string> missing, IEnumerable<string> fileNames, SafetensorsLoadOptions options)
    {
        var names = new HashSet<string>(fileNames, StringComparer.Ordinal);
        foreach (string candidate in names)
        {
            if (candidate.Length <= missing[0].Length || !candidate.EndsWith("." + missing[0], StringComparison.Ordinal))
                continue;
            string prefix = candidate[..^missing[0].Length];
            if (missing.All(m => names.Contains(prefix + m)))
            {
                string map = options.TensorNameMap is null ? "" : " (with your TensorNameMap applied after it)";
                return $" The file's names carry the prefix '{prefix}': load with new SafetensorsLoadOptions {{ TensorNamePrefix = \"{prefix}\" }}{map}.";
            }
        }
        return "";
    }

    private static Dictionary<string, string> Metadata<T>(IRnnModel<T> model, IReadOnlyDictionary<string, string>? extra) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var m = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            ["rnngen.model"] = model.GetType().FullName ?? model.GetType().Name,
            [ArchitectureKey] = Describe(model.Architecture),
            ["rnngen.version"] = Version,
            ["rnngen.steps"] = model.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rnngen.batch"] = model.Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rnngen.input_size"] = model.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rnngen.output_size"] = model.OutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (extra is not null)
            foreach (KeyValuePair<string, string> kv in extra) m[kv.Key] = kv.Value;
        return m;
    }

    /// <summary>
    /// The network <paramref name="a"/> describes, as <see cref="ArchitectureKey"/> records it: topology, input, layers, head
    /// (e.g. <c>ManyToMany, token input of 128, LSTM(256), softmax head of 128</c>). Steps, batch, output steps and
    /// precision are left out: they do not change what the parameters mean.
    /// </summary>
    public static string Describe(ModelArchitecture a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.Network;
    }

    /// <summary>Metadata key of the network a checkpoint was saved from: <see cref="ModelArchitecture"/> without the class name, steps, batch or output steps.</summary>
    public const string ArchitectureKey = "rnngen.architecture";

    /// <summary>Metadata key of the SHA-256 (lower-case hex) of the data section that <see cref="Save{T}"/> writes and <c>Load</c> checks.</summary>
    public const string DigestKey = "rnngen.data_sha256";

    private static void Write<T>(IReadOnlyList<TensorInfo> tensors, T[] values, Stream stream, Dictionary<string, string> metadata)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int size = typeof(T) == typeof(double) ? 8 : 4;
        string dtype = size == 8 ? "F64" : "F32";
        using (var sha = System.Security.Cryptography.SHA256.Create())
        {
            using (var hashing = new System.Security.Cryptography.CryptoStream(Stream.Null, sha, System.Security.Cryptography.CryptoStreamMode.Write, leaveOpen: true))
                WriteData(tensors, values, hashing, size);
            metadata[DigestKey] = Convert.ToHexStringLower(sha.Hash!);
        }
        // The header digest covers the metadata (the data digest included) and every tensor entry, canonicalised.
        var entries = new List<Checkpoints.SafetensorsEntry>(tensors.Count);
        long at = 0;
        foreach (TensorInfo t in tensors)
        {
            entries.Add(new Checkpoints.SafetensorsEntry(t.Name, size == 8 ? Checkpoints.SafetensorsDType.F64 : Checkpoints.SafetensorsDType.F32, t.Shape.Select(d => (long)d).ToArray(), at, at + (long)t.Length * size));
            at += (long)t.Length * size;
        }
        metadata.Remove(Checkpoints.SafetensorsHeader.HeaderDigestKey);
        metadata[Checkpoints.SafetensorsHeader.HeaderDigestKey] = Checkpoints.SafetensorsHeader.Digest(metadata, entries);
        var json = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("__metadata__");
            foreach (KeyValuePair<string, string> kv in metadata) writer.WriteString(kv.Key, kv.Value);
            writer.WriteEndObject();
            long offset = 0;
            foreach (TensorInfo t in tensors)
            {
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", dtype);
                writer.WriteStartArray("shape");
                foreach (int d in t.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + (long)t.Length * size);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += (long)t.Length * size;
            }
            writer.WriteEndObject();
        }
        // Pad the header with spaces so the data starts 8-byte aligned (the format allows trailing whitespace).
        int padded = (json.WrittenCount + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        stream.Write(prefix);
        stream.Write(json.WrittenSpan);
        for (int i = json.WrittenCount; i < padded; i++) stream.WriteByte((byte)' ');
        WriteData(tensors, values, stream, size);
    }

    /// <summary>The tensors' values, little-endian, in order: the data section.</summary>
    private static void WriteData<T>(IReadOnlyList<TensorInfo> tensors, ReadOnlySpan<T> all, Stream stream, int size) where T : unmanaged, IFloatingPointIeee754<T>
    {
        byte[] chunk = new byte[1 << 16];
        foreach (TensorInfo t in tensors)
        {
            ReadOnlySpan<T> values = all.Slice(t.Offset, t.Length);
            int perChunk = chunk.Length / size;
            for (int start = 0; start < values.Length; start += perChunk)
            {
                int count = Math.Min(perChunk, values.Length - start);
                Span<byte> bytes = chunk.AsSpan(0, count * size);
                if (BitConverter.IsLittleEndian)
                    MemoryMarshal.AsBytes(values.Slice(start, count)).CopyTo(bytes);
                else
                    for (int i = 0; i < count; i++)
                    {
                        if (size == 4) BinaryPrimitives.WriteSingleLittleEndian(bytes.Slice(i * 4), float.CreateTruncating(values[start + i]));
                        else BinaryPrimitives.WriteDoubleLittleEndian(bytes.Slice(i * 8), double.CreateTruncating(values[start + i]));
                    }
                stream.Write(bytes);
            }
        }
    }
}
