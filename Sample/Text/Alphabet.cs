using System.Text;

namespace RnnGen.Sample.Text;

/// <summary>
/// The characters a model knows, in id order: built from a training text (sorted by code point, so the same text
/// always gives the same ids) and saved in the checkpoint so <c>sample</c> maps ids back to the same characters.
/// </summary>
public sealed class Alphabet
{
    private readonly Dictionary<char, int> _ids;

    private Alphabet(string symbols)
    {
        Symbols = symbols;
        _ids = new Dictionary<char, int>(symbols.Length);
        for (int i = 0; i < symbols.Length; i++) _ids[symbols[i]] = i;
    }

    /// <summary>The characters in id order.</summary>
    public string Symbols { get; }

    /// <summary>Number of characters.</summary>
    public int Count => Symbols.Length;

    /// <summary>The distinct characters of <paramref name="text"/>, sorted.</summary>
    /// <exception cref="SampleException">More distinct characters than <paramref name="capacity"/>.</exception>
    public static Alphabet FromText(string text, int capacity, string source)
    {
        var distinct = new SortedSet<char>(text);
        if (distinct.Count > capacity)
        {
            throw new SampleException(
                $"{source} has {distinct.Count} distinct characters but the models have room for {capacity}; " +
                $"reduce the character set (e.g. to ASCII) or declare a model with a larger vocabulary.");
        }
        return new Alphabet(string.Concat(distinct));
    }

    /// <summary>An alphabet saved by <see cref="Symbols"/>.</summary>
    /// <exception cref="SampleException">Empty, duplicated characters or more than <paramref name="capacity"/>.</exception>
    public static Alphabet FromSymbols(string symbols, int capacity, string source)
    {
        if (symbols.Length == 0 || symbols.Length > capacity || new HashSet<char>(symbols).Count != symbols.Length)
            throw new SampleException($"{source}: the saved alphabet is invalid ({symbols.Length} symbols, capacity {capacity}).");
        return new Alphabet(symbols);
    }

    /// <summary>True when <paramref name="c"/> has an id.</summary>
    public bool Contains(char c) => _ids.ContainsKey(c);

    /// <summary>The id of <paramref name="c"/>.</summary>
    public int Id(char c) => _ids[c];

    /// <summary>The character of <paramref name="id"/>.</summary>
    public char Char(int id) => Symbols[id];

    /// <summary>Ids of every character of <paramref name="text"/>.</summary>
    /// <exception cref="SampleException">A character is not in the alphabet (the message lists them).</exception>
    public int[] Encode(string text, string what)
    {
        string unknown = Unknown(text);
        if (unknown.Length > 0)
            throw new SampleException($"{what} has characters the model has never seen: {Describe(unknown)}.");
        var ids = new int[text.Length];
        for (int i = 0; i < text.Length; i++) ids[i] = _ids[text[i]];
        return ids;
    }

    /// <summary>The distinct characters of <paramref name="text"/> that are not in the alphabet, in order of appearance.</summary>
    public string Unknown(string text)
    {
        var seen = new HashSet<char>();
        var unknown = new StringBuilder();
        foreach (char c in text)
            if (!_ids.ContainsKey(c) && seen.Add(c)) unknown.Append(c);
        return unknown.ToString();
    }

    /// <summary>Characters listed readably: quoted, control characters and non-ASCII as U+XXXX.</summary>
    public static string Describe(string characters, int max = 12)
    {
        var parts = characters.Take(max).Select(c => c switch
        {
            '\n' => "'\\n'",
            '\r' => "'\\r'",
            '\t' => "'\\t'",
            _ when c < ' ' || c > '~' => $"U+{(int)c:X4}",
            _ => $"'{c}'",
        });
        string list = string.Join(", ", parts);
        return characters.Length > max ? $"{list} and {characters.Length - max} more" : list;
    }
}
