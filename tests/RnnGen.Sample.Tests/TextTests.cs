using RnnGen.Sample.Text;

namespace RnnGen.Sample.Tests;

public class TextTests
{
    [Fact]
    public void Alphabet_is_the_sorted_distinct_characters()
    {
        Alphabet a = Alphabet.FromText("hello world\n", 128, "t");
        Assert.Equal("\n dehlorw", a.Symbols);
        Assert.Equal([4, 3, 5, 5, 6], a.Encode("hello", "x"));
        Assert.Equal("w", a.Symbol(a.Id(new System.Text.Rune('w'))));
    }

    [Fact]
    public void Unknown_characters_are_listed_readably()
    {
        Alphabet a = Alphabet.FromText("abc", 128, "t");
        var ex = Assert.Throws<SampleException>(() => a.Encode("ab\tcé", "the prompt"));
        Assert.Equal("the prompt has characters the model has never seen: '\\t', U+00E9.", ex.Message);
    }

    [Fact]
    public void Symbols_are_whole_code_points()
    {
        Alphabet a = Alphabet.FromText("e\u0301 😀 🐕😀", 128, "t");
        Assert.Equal(5, a.Count); // ' ', 'e', U+0301, U+1F415, U+1F600
        Assert.Equal(" e\u0301🐕😀", a.Symbols);
        Assert.Equal([4, 0, 3], a.Encode("😀 🐕", "x"));
        Assert.Equal("😀", a.Symbol(4));
        Alphabet again = Alphabet.FromSymbols(a.Symbols, 128, "t");
        Assert.Equal(a.Symbols, again.Symbols);
        Assert.Equal("U+1F42D", Assert.Throws<SampleException>(() => a.Encode("🐭", "x")).Message[^8..^1]);
        Assert.Throws<SampleException>(() => Alphabet.FromSymbols("ab\uD83D", 128, "t")); // a lone surrogate
        Assert.Throws<SampleException>(() => Alphabet.FromText("ab\uDE00c", 128, "t"));
    }
}
