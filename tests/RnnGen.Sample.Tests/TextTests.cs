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
        Assert.Equal('w', a.Char(a.Id('w')));
    }

    [Fact]
    public void Unknown_characters_are_listed_readably()
    {
        Alphabet a = Alphabet.FromText("abc", 128, "t");
        var ex = Assert.Throws<SampleException>(() => a.Encode("ab\tcé", "the prompt"));
        Assert.Equal("the prompt has characters the model has never seen: '\\t', U+00E9.", ex.Message);
    }
}
