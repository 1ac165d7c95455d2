using System.Globalization;
using System.Text;
using RnnGen.Randomness;

namespace RnnGen.Sample.Classify;

/// <summary>One labelled word.</summary>
/// <param name="Language">Class index into <see cref="LangIdData.Codes"/>.</param>
/// <param name="Word">The word (lower case, NFC).</param>
public readonly record struct LabelledWord(int Language, string Word);

/// <summary>
/// The bundled language-identification data (<c>Data/langid-words.tsv</c>: <c>code&lt;TAB&gt;word</c> per line; see
/// Data/README.md for where it comes from), its alphabet and a fixed held-out split, and the encoding of a batch of
/// words into the model's time-major <c>[Steps, Batch]</c> token ids.
/// </summary>
public sealed class LangIdData
{
    /// <summary>The bundled file's name (next to the program, in <c>Data/</c>).</summary>
    public const string FileName = "langid-words.tsv";

    /// <summary>Steps of the model: the longest word, in letters.</summary>
    public const int Steps = 16;

    /// <summary>Words per batch.</summary>
    public const int Batch = 32;

    /// <summary>Token ids the model reads: 0 is the pad, letters are 1 to <see cref="Vocabulary"/> − 1.</summary>
    public const int Vocabulary = 48;

    /// <summary>The pad token.</summary>
    public const int Pad = 0;

    /// <summary>Languages (classes).</summary>
    public const int Classes = 4;

    /// <summary>Fraction of each language held out for evaluation.</summary>
    public const double HeldOutFraction = 0.2;

    /// <summary>Seed of the held-out split: fixed, so every run (whatever its <c>--seed</c>) is scored on the same words.</summary>
    public const ulong SplitSeed = 20261206;

    /// <summary>The language codes in class order.</summary>
    public static IReadOnlyList<string> Codes { get; } = ["en", "es", "nl", "pl"];

    /// <summary>The languages' names in class order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["English", "Spanish", "Dutch", "Polish"];

    private readonly Dictionary<char, int> _ids;

    private LangIdData(IReadOnlyList<LabelledWord> all, string symbols, IReadOnlyList<LabelledWord> train, IReadOnlyList<LabelledWord> heldOut)
    {
        All = all;
        Symbols = symbols;
        Train = train;
        HeldOut = heldOut;
        _ids = new Dictionary<char, int>();
        for (int i = 0; i < symbols.Length; i++) _ids[symbols[i]] = i + 1;
    }

    /// <summary>Every word, in file order.</summary>
    public IReadOnlyList<LabelledWord> All { get; }

    /// <summary>The letters in id order (id = index + 1), sorted by code point.</summary>
    public string Symbols { get; }

    /// <summary>Training words (each language's words not held out, in file order).</summary>
    public IReadOnlyList<LabelledWord> Train { get; }

    /// <summary>Held-out words (<see cref="HeldOutFraction"/> of each language, chosen with <see cref="SplitSeed"/>; in file order).</summary>
    public IReadOnlyList<LabelledWord> HeldOut { get; }

    /// <summary>Words per language in <paramref name="words"/>, in class order.</summary>
    public static int[] CountPerClass(IEnumerable<LabelledWord> words)
    {
        var counts = new int[Classes];
        foreach (LabelledWord w in words) counts[w.Language]++;
        return counts;
    }

    /// <summary>The id of letter <paramref name="c"/>.</summary>
    public int Id(char c) => _ids[c];

    /// <summary>The bundled file: in <c>Data/</c> next to the program.</summary>
    public static string BundledPath => Path.Combine(AppContext.BaseDirectory, "Data", FileName);

    /// <summary>Reads and splits the file at <paramref name="path"/>; <paramref name="shown"/> names it in errors.</summary>
    public static LangIdData Load(string path, string shown)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, new UTF8Encoding(false, throwOnInvalidBytes: true));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new SampleException($"cannot read the classify data {shown}: {ex.Message}");
        }
        return Parse(text, shown);
    }

    /// <summary>
    /// Parses <c>code&lt;TAB&gt;word</c> lines (a final newline is optional) and makes the split. Every line must hold a
    /// known language code and a word of 1 to <see cref="Steps"/> letters; at most <see cref="Vocabulary"/> − 1 distinct
    /// letters in all; every language needs at least two words (one to train on, one held out).
    /// </summary>
    public static LangIdData Parse(string text, string shown)
    {
        var words = new List<LabelledWord>();
        var letters = new SortedSet<char>();
        string[] lines = text.Split('\n');
        int count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (int n = 0; n < count; n++)
        {
            string line = lines[n].TrimEnd('\r');
            string where = $"{shown}:{n + 1}";
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new SampleException($"{where}: expected 'code<TAB>word', got '{Clip(line)}'.");
            string code = line[..tab], word = line[(tab + 1)..];
            int language = IndexOf(code);
            if (language < 0) throw new SampleException($"{where}: unknown language code '{Clip(code)}' (known: {string.Join(", ", Codes)}).");
            if (word.Length is 0 or > Steps) throw new SampleException($"{where}: a word must have 1 to {Steps} letters, '{Clip(word)}' has {word.Length}.");
            foreach (char c in word)
            {
                if (!char.IsLetter(c)) throw new SampleException($"{where}: '{Clip(word)}' holds '{c}' (U+{(int)c:X4}), which is not a letter.");
                letters.Add(c);
            }
            words.Add(new LabelledWord(language, word));
        }
        if (letters.Count > Vocabulary - 1) throw new SampleException($"{shown} has {letters.Count} distinct letters; the model reads at most {Vocabulary - 1}.");
        int[] counts = CountPerClass(words);
        for (int k = 0; k < Classes; k++)
            if (counts[k] < 2) throw new SampleException($"{shown} has {counts[k]} {Names[k]} words; every language needs at least 2 (one to train on, one held out).");

        // The split: per language, a seeded shuffle of its words' positions; the first HeldOutFraction (at least one) are held out.
        var heldOut = new bool[words.Count];
        var random = new Xoshiro256StarStar(SplitSeed);
        for (int k = 0; k < Classes; k++)
        {
            int[] positions = [.. Enumerable.Range(0, words.Count).Where(i => words[i].Language == k)];
            random.Shuffle(positions.AsSpan());
            int held = Math.Clamp((int)Math.Round(positions.Length * HeldOutFraction), 1, positions.Length - 1);
            foreach (int i in positions.AsSpan(0, held)) heldOut[i] = true;
        }
        var train = new List<LabelledWord>();
        var test = new List<LabelledWord>();
        for (int i = 0; i < words.Count; i++) (heldOut[i] ? test : train).Add(words[i]);
        return new LangIdData(words, string.Concat(letters), train, test);
    }

    private static int IndexOf(string code)
    {
        for (int k = 0; k < Codes.Count; k++)
            if (string.Equals(Codes[k], code, StringComparison.Ordinal)) return k;
        return -1;
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>
    /// Writes up to <see cref="Batch"/> words, <paramref name="words"/>[<paramref name="order"/>[start + b]], into the
    /// time-major <paramref name="tokens"/> <c>[Steps, Batch]</c>: each lane's letters from step 0, then pads (right-padded).
    /// <paramref name="targets"/>
    /// gets each lane's language and <paramref name="lengths"/> its letter count; lanes past the end of
    /// <paramref name="order"/> are all pads with length 0 (target 0). Returns the number of real lanes.
    /// </summary>
    public int Encode(IReadOnlyList<LabelledWord> words, ReadOnlySpan<int> order, int start, Span<int> tokens, Span<int> targets, Span<int> lengths)
    {
        tokens[..(Steps * Batch)].Fill(Pad);
        int real = Math.Clamp(order.Length - start, 0, Batch);
        for (int b = 0; b < Batch; b++)
        {
            if (b >= real)
            {
                targets[b] = 0;
                lengths[b] = 0;
                continue;
            }
            LabelledWord w = words[order[start + b]];
            for (int t = 0; t < w.Word.Length; t++) tokens[t * Batch + b] = Id(w.Word[t]);
            targets[b] = w.Language;
            lengths[b] = w.Word.Length;
        }
        return real;
    }

    /// <summary>"2,500 English, 2,500 Spanish, …".</summary>
    public static string Describe(IEnumerable<LabelledWord> words)
    {
        int[] counts = CountPerClass(words);
        return string.Join(", ", Enumerable.Range(0, Classes).Select(k => counts[k].ToString("N0", CultureInfo.InvariantCulture) + " " + Names[k]));
    }
}
