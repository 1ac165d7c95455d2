using System;
using System.Text;

namespace RnnGen.Generator;

/// <summary>
/// An indented source writer (System.Text.Json's generator has the same): lines, and blocks that close themselves.
/// <c>using (w.Block("void F()")) { … }</c> writes the header, <c>{</c>, the body one level deeper and <c>}</c>, so an
/// unbalanced brace cannot be written; <see cref="ToSourceText"/> checks that every block was closed.
/// </summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public void Line() => _sb.Append('\n');

    /// <summary>Writes <paramref name="text"/> at the current indentation; each line of a text of several lines is indented alike.</summary>
    public void Line(string text)
    {
        if (text.Length == 0) { _sb.Append('\n'); return; }
        int newline = text.IndexOf('\n');
        if (newline >= 0)
        {
            Line(text.Substring(0, newline));
            Line(text.Substring(newline + 1));
            return;
        }
        _sb.Append(' ', 4 * _indent).Append(text).Append('\n');
    }

    /// <summary>Writes <paramref name="header"/> (when given) and <c>{</c>; disposing the result writes <c>}</c> plus <paramref name="closing"/>.</summary>
    public BlockScope Block(string? header = null, string closing = "")
    {
        if (header is not null) Line(header);
        Line("{");
        _indent++;
        return new BlockScope(this, closing);
    }

    /// <summary>The source written so far; throws when a block is still open (a bug in an emitter, not in the user's model).</summary>
    public string ToSourceText()
    {
        if (_indent != 0) throw new InvalidOperationException($"The generated source has {_indent} unclosed block(s).");
        return _sb.ToString();
    }

    private void Close(string closing)
    {
        _indent--;
        Line("}" + closing);
    }

    /// <summary>Closes the block it was returned for.</summary>
    internal readonly struct BlockScope : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        public BlockScope(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose() => _writer.Close(_closing);
    }
}
