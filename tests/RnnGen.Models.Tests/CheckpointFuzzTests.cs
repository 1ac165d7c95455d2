using RnnGen.Checkpoints;
using RnnGen.Models.Tests.Models;
using RnnGen.Randomness;

namespace RnnGen.Models.Tests;

/// <summary>
/// Damaged checkpoints: every truncation, every flipped byte, random corruptions of header and data. Each load must
/// either throw <see cref="CheckpointException"/> (never an IndexOutOfRange, NullReference or OutOfMemory) and leave
/// the model exactly as it was, or load exactly the values that were saved (a change that does not matter, such as a
/// flipped space in the header padding).
/// </summary>
public sealed class CheckpointFuzzTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-fuzz-").FullName;
    private readonly byte[] _good;
    private readonly float[] _saved;

    public CheckpointFuzzTests()
    {
        var model = new SmallMixedFloat(1);
        _saved = model.Parameters.ToArray();
        string path = Path.Combine(_folder, "good.safetensors");
        Safetensors.Save(model, path);
        _good = File.ReadAllBytes(path);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private int _files;

    /// <summary>Loads <paramref name="bytes"/> into a fresh model whose parameters differ from the saved ones; returns whether it loaded.</summary>
    private bool Check(byte[] bytes, string what)
    {
        string path = Path.Combine(_folder, $"case{_files++}.safetensors");
        File.WriteAllBytes(path, bytes);
        var model = new SmallMixedFloat(99);
        float[] before = model.Parameters.ToArray();
        try
        {
            Safetensors.Load(model, path);
        }
        catch (CheckpointException)
        {
            Assert.True(before.AsSpan().SequenceEqual(model.Parameters), $"{what}: the model changed although loading failed");
            return false;
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what}: {ex.GetType().Name} instead of a CheckpointException: {ex.Message}");
        }
        finally
        {
            File.Delete(path);
        }
        Assert.True(_saved.AsSpan().SequenceEqual(model.Parameters), $"{what}: loaded values that were never saved");
        return true;
    }

    [Fact]
    public void Every_truncation_is_rejected()
    {
        for (int length = 0; length < _good.Length; length++)
            Assert.False(Check(_good[..length], $"truncated to {length} bytes"), $"truncated to {length} bytes loaded");
    }

    [Fact]
    public void Every_flipped_byte_is_rejected_or_harmless()
    {
        int loaded = 0;
        for (int i = 0; i < _good.Length; i++)
        {
            byte[] bytes = (byte[])_good.Clone();
            bytes[i] ^= 0x5A;
            if (Check(bytes, $"byte {i} flipped")) loaded++;
        }
        // Only bytes that do not carry meaning (e.g. inside a metadata value other than the digest) may load.
        Assert.True(loaded < _good.Length / 4, $"{loaded} of {_good.Length} corruptions loaded");
    }

    [Fact]
    public void Random_corruptions_are_rejected_or_harmless()
    {
        var random = new Xoshiro256StarStar(2024);
        for (int n = 0; n < 2000; n++)
        {
            byte[] bytes = (byte[])_good.Clone();
            int kind = random.NextInt(4);
            switch (kind)
            {
                case 0: // a burst of random bytes
                    int at = random.NextInt(bytes.Length), count = 1 + random.NextInt(16);
                    for (int i = at; i < Math.Min(bytes.Length, at + count); i++) bytes[i] = (byte)random.NextInt(256);
                    break;
                case 1: // a forged header length
                    ulong length = random.NextInt(3) switch { 0 => random.NextUInt64(), 1 => (ulong)random.NextInt(bytes.Length * 2), _ => ulong.MaxValue - (ulong)random.NextInt(100) };
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
                    break;
                case 2: // a byte removed from the header
                    int cut = 8 + random.NextInt(200);
                    bytes = bytes[..cut].Concat(bytes[(cut + 1)..]).ToArray();
                    break;
                default: // a JSON structural character inserted in the header
                    int put = 8 + random.NextInt(200);
                    byte c = "{}[],:\"-0123456789e."u8[random.NextInt(20)];
                    bytes = bytes[..put].Append(c).Concat(bytes[put..]).ToArray();
                    break;
            }
            Check(bytes, $"corruption {n} (kind {kind})");
        }
    }

    [Fact]
    public void Damaged_data_is_caught_by_the_digest()
    {
        // A flipped mantissa bit is a valid float: only the SHA-256 recorded at save time tells it apart.
        byte[] bytes = (byte[])_good.Clone();
        bytes[^5] ^= 0x01;
        string path = Path.Combine(_folder, "bitrot.safetensors");
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<CheckpointException>(() => Safetensors.Load(new SmallMixedFloat(3), path));
        Assert.Contains(Safetensors.DigestKey, ex.Message);
    }
}
