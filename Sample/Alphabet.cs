namespace RnnGen.Sample;

/// <summary>Maps characters to token ids: printable ASCII (32–126) and newline; anything else becomes '?'.</summary>
public static class Alphabet
{
    /// <summary>Number of symbols: 95 printable characters and '\n'.</summary>
    public const int Size = 96;

    private const int NewlineId = 95;

    public static int ToId(char c) => c == '\n' ? NewlineId : c is >= ' ' and <= '~' ? c - ' ' : '?' - ' ';

    public static char ToChar(int id) => id == NewlineId ? '\n' : (char)(id + ' ');

    public static int[] Encode(string text) => text.Select(ToId).ToArray();
}
