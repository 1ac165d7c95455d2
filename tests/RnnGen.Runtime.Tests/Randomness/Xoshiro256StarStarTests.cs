using RnnGen.Randomness;

namespace RnnGen.Runtime.Tests.Randomness;

/// <summary><see cref="Xoshiro256StarStar"/> against the reference C implementation of Blackman and Vigna.</summary>
public class Xoshiro256StarStarTests
{
    // The first eight outputs of xoshiro256** with its state seeded by four SplitMix64 outputs, printed by
    // xoshiro256starstar_reference.c (beside this file; the command that produced them is at its top). Seed 0 checks
    // that a zero seed still gives a mixed state; the large seed checks that no bits of the seed are lost.
    public static TheoryData<ulong, ulong[]> ReferenceOutputs => new()
    {
        {
            0UL,
            new[]
            {
                0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL, 0x6AA594F1262D2D2CUL,
                0xBBA5AD4A1F842E59UL, 0xFFEF8375D9EBCACAUL, 0x6C160DEED2F54C98UL, 0x8920AD648FC30A3FUL,
            }
        },
        {
            12345678901234567890UL,
            new[]
            {
                0x1AA60A5817C7040DUL, 0xE5FA38B920B86E74UL, 0xB9215DDEB166C20FUL, 0x834846FC347FD3F2UL,
                0xF3D538556A3EE260UL, 0xFC629D4DAB24D54BUL, 0x1F6BE8EEE0153461UL, 0x5E535429ED507452UL,
            }
        },
    };

    [Theory]
    [MemberData(nameof(ReferenceOutputs))]
    public void NextUInt64_reproduces_the_reference_implementation(ulong seed, ulong[] expected)
    {
        var random = new Xoshiro256StarStar(seed);
        var actual = new ulong[expected.Length];
        for (int i = 0; i < actual.Length; i++) actual[i] = random.NextUInt64();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ReferenceOutputs))]
    public void NextDouble_is_the_top_53_bits_of_the_reference_output(ulong seed, ulong[] expected)
    {
        var random = new Xoshiro256StarStar(seed);
        foreach (ulong bits in expected) Assert.Equal((bits >> 11) * Math.ScaleB(1.0, -53), random.NextDouble());
    }
}
