using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RnnGen.Sample.Translate;

/// <summary>
/// One way people write a date: a pattern of literal text and fields in braces, rendered from a date and parsed back
/// by the same rule. Fields: <c>{d}</c> day (1–31), <c>{dd}</c> day of two digits, <c>{do}</c> ordinal day (1st, 2nd,
/// 3rd, 4th, …, 11th, 12th, 13th, 21st), <c>{m}</c> / <c>{mm}</c> month number, <c>{yyyy}</c> year, <c>{yy}</c> year of
/// two digits (00–49 are 20xx, 50–99 19xx: formats with it are only written for 1950–2049), <c>{Month}</c> / <c>{Mon}</c>
/// English month name / abbreviation, <c>{Weekday}</c> / <c>{Wkd}</c> English weekday, <c>{mois}</c> / <c>{jour}</c>
/// French month / weekday, <c>{Monat}</c> German month (ä written ae), <c>{mes}</c> Spanish month.
/// </summary>
/// <param name="Name">Short name, e.g. <c>us-short</c>.</param>
/// <param name="Pattern">The pattern, e.g. <c>{mm}/{dd}/{yy}</c>.</param>
public sealed record DateFormat(string Name, string Pattern)
{
    /// <summary>True when the pattern has a two-digit year: written only for <see cref="TwoDigitYearMin"/>–<see cref="TwoDigitYearMax"/>.</summary>
    public bool TwoDigitYear => Pattern.Contains("{yy}", StringComparison.Ordinal);

    /// <summary>True when the pattern writes letters (so upper- and lower-case variants differ).</summary>
    public bool HasLetters => Render(new DateOnly(2000, 1, 1)).Any(char.IsLetter);

    /// <summary>First year a two-digit-year format is written for.</summary>
    public const int TwoDigitYearMin = 1950;

    /// <summary>Last year a two-digit-year format is written for.</summary>
    public const int TwoDigitYearMax = 2049;

    /// <summary>True when this format is written for <paramref name="date"/> (two-digit years only within 1950–2049).</summary>
    public bool Covers(DateOnly date) => !TwoDigitYear || date.Year is >= TwoDigitYearMin and <= TwoDigitYearMax;

    /// <summary>The date written in this format (as the pattern spells it; callers vary the case).</summary>
    public string Render(DateOnly date)
    {
        var text = new StringBuilder();
        foreach ((bool field, string part) in Parts(Pattern))
            text.Append(field ? Field(part, date) : part);
        return text.ToString();
    }

    /// <summary>
    /// Reads <paramref name="text"/> by this format's rule (case-insensitive): the date, or null when the text is not in this
    /// format, names a day that does not exist, or names the wrong weekday or ordinal suffix.
    /// </summary>
    public DateOnly? Parse(string text)
    {
        var regex = new StringBuilder("^");
        var fields = new List<string>();
        foreach ((bool field, string part) in Parts(Pattern))
        {
            if (!field) { regex.Append(Regex.Escape(part)); continue; }
            fields.Add(part);
            regex.Append('(').Append(FieldRegex(part)).Append(')');
        }
        Match match = Regex.Match(text, regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!match.Success) return null;
        int day = 0, month = 0, year = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            string v = match.Groups[i + 1].Value;
            switch (fields[i])
            {
                case "d" or "dd": day = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "do": day = int.Parse(v[..^2], CultureInfo.InvariantCulture); break;
                case "m" or "mm": month = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "yyyy": year = int.Parse(v, CultureInfo.InvariantCulture); break;
                case "yy": int yy = int.Parse(v, CultureInfo.InvariantCulture); year = yy < 50 ? 2000 + yy : 1900 + yy; break;
                case "Month" or "Mon" or "mois" or "Monat" or "mes": month = 1 + IndexOf(Names(fields[i]), v); break;
                default: break; // weekdays: checked below, by writing the date again
            }
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        var date = new DateOnly(year, month, day);
        // Padding, ordinal suffixes and weekdays must be the ones this format writes for that date.
        return string.Equals(Render(date), text, StringComparison.OrdinalIgnoreCase) ? date : null;
    }

    private static int IndexOf(string[] names, string v)
    {
        for (int i = 0; i < names.Length; i++)
            if (string.Equals(names[i], v, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    private static IEnumerable<(bool Field, string Part)> Parts(string pattern)
    {
        int i = 0;
        while (i < pattern.Length)
        {
            int open = pattern.IndexOf('{', i);
            if (open < 0) { yield return (false, pattern[i..]); yield break; }
            if (open > i) yield return (false, pattern[i..open]);
            int close = pattern.IndexOf('}', open);
            yield return (true, pattern[(open + 1)..close]);
            i = close + 1;
        }
    }

    private static string Field(string field, DateOnly date) => field switch
    {
        "d" => date.Day.ToString(CultureInfo.InvariantCulture),
        "dd" => date.Day.ToString("00", CultureInfo.InvariantCulture),
        "do" => Ordinal(date.Day),
        "m" => date.Month.ToString(CultureInfo.InvariantCulture),
        "mm" => date.Month.ToString("00", CultureInfo.InvariantCulture),
        "yyyy" => date.Year.ToString("0000", CultureInfo.InvariantCulture),
        "yy" => (date.Year % 100).ToString("00", CultureInfo.InvariantCulture),
        "Weekday" or "Wkd" or "jour" => Names(field)[(int)date.DayOfWeek],
        _ => Names(field)[date.Month - 1],
    };

    private static string FieldRegex(string field) => field switch
    {
        "d" or "m" => @"\d{1,2}",
        "dd" or "mm" or "yy" => @"\d{2}",
        "do" => @"\d{1,2}(?:st|nd|rd|th)",
        "yyyy" => @"\d{4}",
        _ => string.Join('|', Names(field).Select(Regex.Escape)),
    };

    /// <summary>English ordinal of a day: 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd, 23rd … 31st.</summary>
    public static string Ordinal(int day)
    {
        string suffix = (day % 100) is 11 or 12 or 13 ? "th" : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
        return day.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    private static string[] Names(string field) => field switch
    {
        "Month" => EnglishMonths,
        "Mon" => [.. EnglishMonths.Select(m => m[..3])],
        "Weekday" => EnglishWeekdays,
        "Wkd" => [.. EnglishWeekdays.Select(m => m[..3])],
        "mois" => FrenchMonths,
        "jour" => FrenchWeekdays,
        "Monat" => GermanMonths,
        "mes" => SpanishMonths,
        _ => throw new ArgumentException($"unknown date field {{{field}}}", nameof(field)),
    };

    private static readonly string[] EnglishMonths = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] EnglishWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]; // DayOfWeek order
    private static readonly string[] FrenchMonths = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"];
    private static readonly string[] FrenchWeekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
    private static readonly string[] GermanMonths = ["Januar", "Februar", "Maerz", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"];
    private static readonly string[] SpanishMonths = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"];

    /// <summary>
    /// Every format the generator writes. Each string means one date: numeric formats with slashes are US (month first),
    /// with dots German and with dashes day first — except year-first ISO, told apart by its four-digit year in front.
    /// </summary>
    public static IReadOnlyList<DateFormat> All { get; } =
    [
        new("iso", "{yyyy}-{mm}-{dd}"),
        new("iso-basic", "{yyyy}{mm}{dd}"),
        new("ymd-slash", "{yyyy}/{mm}/{dd}"),
        new("us-long", "{Month} {d}, {yyyy}"),
        new("us-ordinal", "{Month} {do}, {yyyy}"),
        new("us-abbr", "{Mon} {d} {yyyy}"),
        new("us-weekday", "{Weekday}, {Month} {d} {yyyy}"),
        new("us-numeric", "{m}/{d}/{yyyy}"),
        new("us-short", "{mm}/{dd}/{yy}"),
        new("uk-long", "{d} {Month} {yyyy}"),
        new("uk-ordinal", "the {do} of {Month} {yyyy}"),
        new("uk-weekday", "{Weekday} the {do} of {Month}, {yyyy}"),
        new("uk-abbr", "{Wkd} {d} {Mon} {yyyy}"),
        new("d-mon-yy", "{d}-{Mon}-{yy}"),
        new("dmy-dash", "{dd}-{mm}-{yyyy}"),
        new("de-numeric", "{d}.{m}.{yyyy}"),
        new("de-short", "{dd}.{mm}.{yy}"),
        new("de-long", "{d}. {Monat} {yyyy}"),
        new("fr-long", "{d} {mois} {yyyy}"),
        new("fr-weekday", "{jour} {d} {mois} {yyyy}"),
        new("es-long", "{d} de {mes} de {yyyy}"),
    ];
}
