using System;
using System.Text;

namespace RnnGen.Generator;

/// <summary>An indented source writer, as System.Text.Json's generator uses: lines, blocks and nothing else.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public void Line() => _sb.Append('\n');

    public void Line(string text)
    {
        if (text.Length == 0) { _sb.Append('\n'); return; }
        _sb.Append(' ', 4 * _indent).Append(text).Append('\n');
    }

    public void Lines(string text)
    {
        foreach (string line in text.Split('\n')) Line(line.TrimEnd('\r'));
    }

    public void Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
    }

    public void Open()
    {
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _sb.ToString();
}
