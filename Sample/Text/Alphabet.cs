using System.Globalization;
using System.Text;

namespace RnnGen.Sample.Text;

/// <summary>
/// The symbols a model knows, in id order: the distinct Unicode code points of a training text (whole code points, so an
/// emoji outside the Basic Multilingual Plane is one symbol, not two UTF-16 halves; a combining accent is a symbol of its
/// own), sorted by code point so the same text always gives the same ids, and saved in the checkpoint so <c>sample</c>
/// maps ids back to the same symbols.
/// </summary>
public sealed class Alphabet
{
    private readonly Dictionary<Rune, int> _ids;
    private readonly string[] _symbols;

    private Alphabet(IReadOnlyList<Rune> runes)
    {
        _symbols = [.. runes.Select(r => r.ToString())];
        _ids = new Dictionary<Rune, int>(runes.Count);
        for (int i = 0; i < runes.Count; i++) _ids[runes[i]] = i;
        Symbols = string.Concat(_symbols);
    }

    /// <summary>The symbols in id order, concatenated (what a checkpoint saves).</summary>
    public string Symbols { get; }

    /// <summary>Number of symbols.</summary>
    public int Count => _symbols.Length;

    /// <summary>The distinct code points of <paramref name="text"/>, sorted.</summary>
    /// <exception cref="SampleException">More distinct symbols than <paramref name="capacity"/>, or a lone surrogate.</exception>
    public static Alphabet FromText(string text, int capacity, string source)
    {
        var distinct = new SortedSet<Rune>(Runes(text, source));
        if (distinct.Count > capacity)
        {
            throw new SampleException(
                $"{source} has {distinct.Count} distinct characters but the models have room for {capacity}; " +
                $"reduce the character set (e.g. to ASCII) or declare a model with a larger vocabulary.");
        }
        return new Alphabet([.. distinct]);
    }

    /// <summary>An alphabet saved by <see cref="Symbols"/>.</summary>
    /// <exception cref="SampleException">Empty, a lone surrogate, duplicated symbols or more than <paramref name="capacity"/>.</exception>
    public static Alphabet FromSymbols(string symbols, int capacity, string source)
    {
        var runes = new List<Rune>();
        foreach (Rune r in Runes(symbols, source + ": the saved alphabet")) runes.Add(r);
        if (runes.Count == 0 || runes.Count > capacity || new HashSet<Rune>(runes).Count != runes.Count)
            throw new SampleException($"{source}: the saved alphabet is invalid ({runes.Count} symbols, capacity {capacity}, {runes.Count - new HashSet<Rune>(runes).Count} repeated).");
        return new Alphabet(runes);
    }

    /// <summary>The code points of <paramref name="text"/>; a lone surrogate (not text) is refused.</summary>
    private static IEnumerable<Rune> Runes(string text, string what)
    {
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out Rune rune, out int used) != System.Buffers.OperationStatus.Done)
                throw new SampleException($"{what} has a lone UTF-16 surrogate U+{(int)text[index]:X4} at index {index}; it is not text.");
            yield return rune;
            index += used;
        }
    }

    /// <summary>True when <paramref name="symbol"/> has an id.</summary>
    public bool Contains(Rune symbol) => _ids.ContainsKey(symbol);

    /// <summary>The id of <paramref name="symbol"/>.</summary>
    public int Id(Rune symbol) => _ids[symbol];

    /// <summary>The symbol of <paramref name="id"/> (one code point: one or two UTF-16 units).</summary>
    public string Symbol(int id) => _symbols[id];

    /// <summary>Ids of every code point of <paramref name="text"/>.</summary>
    /// <exception cref="SampleException">A symbol is not in the alphabet (the message lists them).</exception>
    public int[] Encode(string text, string what)
    {
        string unknown = Unknown(text);
        if (unknown.Length > 0)
            throw new SampleException($"{what} has characters the model has never seen: {Describe(unknown)}.");
        var ids = new List<int>(text.Length);
        foreach (Rune r in Runes(text, what)) ids.Add(_ids[r]);
        return [.. ids];
    }

    /// <summary>The distinct code points of <paramref name="text"/> that are not in the alphabet, in order of appearance.</summary>
    public string Unknown(string text)
    {
        var seen = new HashSet<Rune>();
        var unknown = new StringBuilder();
        int index = 0;
        while (index < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(index), out Rune r, out int used) != System.Buffers.OperationStatus.Done) r = Rune.ReplacementChar;
            if (!_ids.ContainsKey(r) && seen.Add(r)) unknown.Append(r.ToString());
            index += Math.Max(used, 1);
        }
        return unknown.ToString();
    }

    /// <summary>Symbols listed readably: quoted, control characters and non-ASCII as U+XXXX.</summary>
    public static string Describe(string characters, int max = 12)
    {
        var all = new List<Rune>();
        int index = 0;
        while (index < characters.Length)
        {
            if (Rune.DecodeFromUtf16(characters.AsSpan(index), out Rune r, out int used) != System.Buffers.OperationStatus.Done) r = Rune.ReplacementChar;
            all.Add(r);
            index += Math.Max(used, 1);
        }
        var parts = all.Take(max).Select(r => r.Value switch
        {
            '\n' => "'\\n'",
            '\r' => "'\\r'",
            '\t' => "'\\t'",
            < ' ' or > '~' => "U+" + r.Value.ToString(r.Value > 0xFFFF ? "X5" : "X4", CultureInfo.InvariantCulture),
            _ => $"'{r}'",
        });
        string list = string.Join(", ", parts);
        return all.Count > max ? $"{list} and {all.Count - max} more" : list;
    }
}
