using System.Globalization;
using RnnGen.Randomness;

namespace RnnGen.Sample.Translate;

/// <summary>One example: a date, the format it was written in, and the text (with its case variant).</summary>
/// <param name="Date">The date.</param>
/// <param name="Format">The format it was written in.</param>
/// <param name="Text">What the model reads.</param>
public sealed record DateExample(DateOnly Date, DateFormat Format, string Text)
{
    /// <summary>The target: the date in ISO 8601, YYYY-MM-DD.</summary>
    public string Iso => DateData.Iso(Date);
}

/// <summary>
/// The data of <c>translate</c>: dates between 1900 and 2099 written by people (<see cref="DateFormat.All"/>), read one
/// character per step, and their ISO 8601 form written one character per output step, then the end token. The sizes
/// here are the models' compile-time constants.
/// </summary>
public static class DateData
{
    /// <summary>The characters a source may hold, in id order (id = position + 1; 0 is the pad).</summary>
    public const string SourceAlphabet = " ,-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Source ids: the pad and <see cref="SourceAlphabet"/>.</summary>
    public const int SourceVocabulary = 68;

    /// <summary>The pad id: never read (sources are passed with their lengths).</summary>
    public const int Pad = 0;

    /// <summary>The output characters in class order; then the end token.</summary>
    public const string TargetAlphabet = "0123456789-";

    /// <summary>The end token's class: after the ten characters of YYYY-MM-DD.</summary>
    public const int EndId = 11;

    /// <summary>Output classes: digits, '-', the end token.</summary>
    public const int TargetClasses = 12;

    /// <summary>Characters of YYYY-MM-DD.</summary>
    public const int IsoLength = 10;

    /// <summary>Output steps: the ten characters and the end token.</summary>
    public const int OutputSteps = IsoLength + 1;

    /// <summary>Encoder steps: the longest source ("Wednesday the 23rd of September, 2099"); shorter ones are padded.</summary>
    public const int Steps = 37;

    /// <summary>Lanes per step.</summary>
    public const int Batch = 32;

    /// <summary>Embedding width of the source characters.</summary>
    public const int Embedding = 16;

    /// <summary>Units of each direction of the encoder GRU (the decoder is twice as wide).</summary>
    public const int EncoderHidden = 64;

    /// <summary>First date written.</summary>
    public static readonly DateOnly First = new(1900, 1, 1);

    /// <summary>Last date written.</summary>
    public static readonly DateOnly Last = new(2099, 12, 31);

    /// <summary>Source-length buckets of the report: (label, shortest, longest).</summary>
    public static IReadOnlyList<(string Label, int Min, int Max)> Buckets { get; } =
        [("≤ 10", 0, 10), ("11–15", 11, 15), ("16–20", 16, 20), ("21–25", 21, 25), ("> 25", 26, Steps)];

    /// <summary>The bucket index of a source of <paramref name="length"/> characters.</summary>
    public static int Bucket(int length)
    {
        for (int k = 0; k < Buckets.Count; k++)
            if (length <= Buckets[k].Max) return k;
        return Buckets.Count - 1;
    }

    /// <summary>YYYY-MM-DD.</summary>
    public static string Iso(DateOnly date) => date.ToString("yyyy'-'MM'-'dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// True for the tenth of the dates (by a hash of the day) that only the held-out set uses: the test scores dates the
    /// models never saw, in any format.
    /// </summary>
    public static bool IsHeldOutDate(DateOnly date)
    {
        ulong z = (ulong)date.DayNumber + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (z ^ (z >> 31)) % 10 == 0;
    }

    /// <summary>The source id of <paramref name="c"/>, or −1 when it is not in the alphabet.</summary>
    public static int SourceId(char c)
    {
        int i = SourceAlphabet.IndexOf(c, StringComparison.Ordinal);
        return i < 0 ? -1 : i + 1;
    }

    /// <summary>The target classes of an ISO date: ten characters, then the end token.</summary>
    public static int[] EncodeTarget(string iso)
    {
        if (iso.Length != IsoLength) throw new ArgumentException($"an ISO date has {IsoLength} characters: '{iso}'", nameof(iso));
        var ids = new int[OutputSteps];
        for (int t = 0; t < IsoLength; t++)
        {
            int k = TargetAlphabet.IndexOf(iso[t], StringComparison.Ordinal);
            if (k < 0) throw new ArgumentException($"'{iso[t]}' is not an ISO date character", nameof(iso));
            ids[t] = k;
        }
        ids[IsoLength] = EndId;
        return ids;
    }

    /// <summary>The text of decoded classes: characters up to the end token (or all of them); other ids as '?'.</summary>
    public static string DecodeTarget(ReadOnlySpan<int> ids)
    {
        var text = new System.Text.StringBuilder(ids.Length);
        foreach (int id in ids)
        {
            if (id == EndId) break;
            text.Append(id >= 0 && id < TargetAlphabet.Length ? TargetAlphabet[id] : '?');
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes <paramref name="examples"/>[start..] into a batch: sources time-major <c>[Steps, Batch]</c> padded with
    /// <see cref="Pad"/>, targets <c>[OutputSteps, Batch]</c>, source lengths and target lengths (0 for unused lanes).
    /// Returns the lanes used.
    /// </summary>
    public static int Encode(IReadOnlyList<DateExample> examples, int start, int[] tokens, int[] targets, int[] sourceLengths, int[] targetLengths)
    {
        Array.Clear(tokens);
        Array.Clear(targets);
        Array.Clear(sourceLengths);
        Array.Clear(targetLengths);
        int used = Math.Clamp(examples.Count - start, 0, Batch);
        for (int b = 0; b < used; b++)
        {
            DateExample e = examples[start + b];
            for (int t = 0; t < e.Text.Length; t++)
            {
                int id = SourceId(e.Text[t]);
                if (id < 0) throw new InvalidOperationException($"'{e.Text[t]}' of \"{e.Text}\" is not in the source alphabet");
                tokens[t * Batch + b] = id;
            }
            int[] target = EncodeTarget(e.Iso);
            for (int t = 0; t < OutputSteps; t++) targets[t * Batch + b] = target[t];
            sourceLengths[b] = e.Text.Length;
            targetLengths[b] = OutputSteps;
        }
        return used;
    }
}

/// <summary>
/// An endless, deterministic stream of written dates: for a seed, the same sequence on every machine. A date is drawn
/// uniformly from 1900-01-01 to 2099-12-31 (the training stream skips the held-out tenth, the held-out stream takes only
/// those), a format uniformly among those that write it, and for formats with letters the case: as the format writes it
/// (70%), lower case (15%) or upper case (15%).
/// </summary>
public sealed class DateGenerator(ulong seed, bool heldOut)
{
    private readonly Xoshiro256StarStar _random = new(seed);

    /// <summary>The next example.</summary>
    public DateExample Next()
    {
        int days = DateData.Last.DayNumber - DateData.First.DayNumber + 1;
        DateOnly date;
        do date = DateOnly.FromDayNumber(DateData.First.DayNumber + _random.NextInt(days));
        while (DateData.IsHeldOutDate(date) != heldOut);
        DateFormat format;
        do format = DateFormat.All[_random.NextInt(DateFormat.All.Count)];
        while (!format.Covers(date));
        string text = format.Render(date);
        if (format.HasLetters)
        {
            double u = _random.NextDouble();
            if (u >= 0.85) text = text.ToUpperInvariant();
            else if (u >= 0.7) text = text.ToLowerInvariant();
        }
        return new DateExample(date, format, text);
    }

    /// <summary>The next <paramref name="count"/> examples.</summary>
    public List<DateExample> Take(int count)
    {
        var list = new List<DateExample>(count);
        for (int i = 0; i < count; i++) list.Add(Next());
        return list;
    }
}
