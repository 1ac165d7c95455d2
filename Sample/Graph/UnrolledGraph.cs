using System.Globalization;
using System.Text;
using System.Xml;
using RnnGen.Sample.Commands;

namespace RnnGen.Sample.Graph;

/// <summary>
/// Draws a declared model's computational graph unrolled over time as SVG, from its <see cref="ModelArchitecture"/>
/// and tensor list alone: one column per drawn step (the first few, "…", the last), one row per layer and direction
/// with its cells, the recurrent arrows carrying h (and c for LSTM) from step to step (right to left for a reverse
/// direction), the inputs below and the outputs above, and every parameter tensor drawn once at the left of the row
/// that uses it, linked by a dashed line to each step: the same weights at every step.
/// </summary>
public static class UnrolledGraph
{
    private const int ColumnWidth = 150, RowHeight = 104, CellWidth = 92, CellHeight = 44, Left = 390, Top = 96;
    private const string Ink = "#222222", Flow = "#444444", Param = "#8a5a00", ParamFill = "#fff4dc", Muted = "#777777";

    /// <summary>Colour of each cell type's boxes.</summary>
    private static string CellFill(CellType cell) => cell switch { CellType.Lstm => "#dbe9f7", CellType.Gru => "#f7dede", _ => "#e6e6e6" };

    /// <summary>The steps drawn: all when there are few, else the first <paramref name="shown"/> and the last (null marks the gap).</summary>
    public static IReadOnlyList<int?> DrawnSteps(int steps, int shown)
    {
        if (shown >= steps - 1) return [.. Enumerable.Range(0, steps).Select(t => (int?)t)];
        return [.. Enumerable.Range(0, shown).Select(t => (int?)t), null, steps - 1];
    }

    /// <summary>The SVG document.</summary>
    public static string Svg(GraphModel model, int shown)
    {
        ModelArchitecture a = model.Architecture;
        if (a.Topology is not (Topology.ManyToMany or Topology.ManyToOne))
            throw new SampleException($"graph draws many-to-many and many-to-one models; {model.Name} is {a.Topology}.");
        IReadOnlyList<int?> columns = DrawnSteps(a.Steps, shown);
        bool manyToOne = a.Topology == Topology.ManyToOne;

        // Rows from the top: outputs, then layers from the top down (forward above reverse), then inputs.
        var rows = new List<(int Layer, bool Reverse)>();
        for (int k = a.Layers.Count - 1; k >= 0; k--)
        {
            rows.Add((k, false));
            if (a.Layers[k].Bidirectional) rows.Add((k, true));
        }
        int outputY = Top + RowHeight / 2;
        int RowY(int index) => Top + (index + 1) * RowHeight + RowHeight / 2;
        int inputY = RowY(rows.Count);
        int ColumnX(int c) => Left + c * ColumnWidth + ColumnWidth / 2;
        string title = $"{Short(a.Name)}: {Describe(a)}";
        int width = Math.Max(Left + columns.Count * ColumnWidth + 40, 40 + title.Length * 10);
        int height = inputY + 50;

        var svg = new StringBuilder();
        var w = new SvgWriter(svg);
        svg.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<!-- {OutputFiles.Mark}: the unrolled computational graph of {Esc(a.Name)} -->\n");
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444444\"/></marker>");
        svg.Append("<marker id=\"dot\" viewBox=\"0 0 10 10\" refX=\"5\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\"><circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#8a5a00\"/></marker></defs>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");

        string stepsText = columns.Contains(null) ? $"steps 0–{shown - 1} … {a.Steps - 1} of {a.Steps} drawn" : $"all {a.Steps} steps drawn";
        w.Text(20, 30, title, 17, Ink, weight: "bold");
        w.Text(20, 54, $"Unrolled over time ({stepsText}). Solid arrows carry activations; h{(a.Layers.Any(l => l.Cell == CellType.Lstm) ? " and c" : "")} arrows carry the recurrent state to the next step.", 13, Muted);
        w.Text(20, 74, "Each parameter tensor (left) exists once; the dashed lines link it to every step that uses it — the same weights at every step.", 13, Muted);

        // Column headers.
        for (int c = 0; c < columns.Count; c++)
            w.Text(ColumnX(c), Top - 4, columns[c] is { } t ? $"t = {t}" : "…", 13, Muted, anchor: "middle");

        // Parameter tensors, each drawn once beside the row that uses it.
        var tensorsByRow = new Dictionary<string, List<TensorInfo>>();
        foreach (TensorInfo t in model.Tensors)
        {
            string key = t.Name switch
            {
                var n when n.StartsWith("embedding", StringComparison.Ordinal) => "input",
                var n when n.StartsWith("head", StringComparison.Ordinal) => "output",
                var n => $"{LayerOf(n)}{(n.EndsWith("_reverse", StringComparison.Ordinal) ? "r" : "f")}",
            };
            if (!tensorsByRow.TryGetValue(key, out List<TensorInfo>? list)) tensorsByRow[key] = list = [];
            list.Add(t);
        }
        void Parameters(string key, int y, IReadOnlyList<(int X, int Y)> users)
        {
            if (!tensorsByRow.TryGetValue(key, out List<TensorInfo>? list)) return;
            int boxHeight = 18, gap = 3, total = list.Count * (boxHeight + gap) - gap, y0 = y - total / 2;
            int busY = y - CellHeight / 2 - 12;
            for (int i = 0; i < list.Count; i++)
            {
                TensorInfo t = list[i];
                int by = y0 + i * (boxHeight + gap);
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"param\" data-name=\"{Esc(t.Name)}\" data-uses=\"{users.Count}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"20\" y=\"{by}\" width=\"252\" height=\"{boxHeight}\" rx=\"3\" fill=\"{ParamFill}\" stroke=\"{Param}\"/>");
                w.Text(26, by + 13, $"{t.Name} [{string.Join("×", t.Shape)}]", 11, Param, family: "DejaVu Sans Mono, Consolas, monospace");
                svg.Append("</g>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"param-tie\" d=\"M272,{by + boxHeight / 2} L290,{by + boxHeight / 2} L290,{busY}\" fill=\"none\" stroke=\"{Param}\" stroke-width=\"1\"/>\n");
            }
            int lastX = users.Max(u => u.X);
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"param-bus\" data-row=\"{key}\" d=\"M290,{busY} L{lastX},{busY}\" fill=\"none\" stroke=\"{Param}\" stroke-dasharray=\"5,4\" stroke-width=\"1.2\"/>\n");
            foreach ((int ux, int uy) in users)
                svg.Append(CultureInfo.InvariantCulture, $"<path class=\"param-link\" data-row=\"{key}\" d=\"M{ux},{busY} L{ux},{uy}\" fill=\"none\" stroke=\"{Param}\" stroke-dasharray=\"3,3\" stroke-width=\"1\" marker-end=\"url(#dot)\"/>\n");
        }

        // Rows of cells with their recurrent arrows.
        for (int r = 0; r < rows.Count; r++)
        {
            (int k, bool reverse) = rows[r];
            LayerArchitecture layer = a.Layers[k];
            int y = RowY(r);
            string name = $"layer {k}{(layer.Bidirectional ? reverse ? " reverse" : " forward" : "")}";
            w.Text(Left - 8, y + CellHeight / 2 + 16, name, 11, Muted, anchor: "end");
            var users = new List<(int, int)>();
            for (int c = 0; c < columns.Count; c++)
                if (columns[c] is not null) users.Add((ColumnX(c), y - CellHeight / 2));
            Parameters($"{k}{(reverse ? "r" : "f")}", y, users);

            // Recurrent state: h (and c) from each drawn step to the next, in reading order of the direction.
            bool lstm = layer.Cell == CellType.Lstm;
            for (int c = 0; c <= columns.Count; c++)
            {
                // Arrow between column c − 1 and column c (c = 0: from the initial state; c = count: to the final state).
                int from = reverse ? c : c - 1, to = reverse ? c - 1 : c;
                double leftEdge = Left - 20, rightEdge = Left + columns.Count * ColumnWidth + 20;
                double x0 = from < 0 ? leftEdge : from >= columns.Count ? rightEdge : ColumnX(from) + (reverse ? -CellWidth / 2 : CellWidth / 2);
                double x1 = to < 0 ? leftEdge : to >= columns.Count ? rightEdge : ColumnX(to) + (reverse ? CellWidth / 2 : -CellWidth / 2);
                bool gap = (from >= 0 && from < columns.Count && columns[from] is null) || (to >= 0 && to < columns.Count && columns[to] is null);
                bool boundary = from < 0 || from >= columns.Count || to < 0 || to >= columns.Count;
                if (from >= 0 && from < columns.Count && columns[from] is null) x0 = ColumnX(from) + (reverse ? -14 : 14);
                if (to >= 0 && to < columns.Count && columns[to] is null) x1 = ColumnX(to) + (reverse ? 14 : -14);
                string kind = boundary ? (to < 0 || to >= columns.Count ? "state-out" : "state-in") : "recurrent";
                foreach ((string label, int dy) in lstm ? new[] { ("h", -9), ("c", 9) } : [("h", 0)])
                {
                    string dash = gap || boundary ? " stroke-dasharray=\"4,3\"" : "";
                    svg.Append(CultureInfo.InvariantCulture, $"<path class=\"{kind}\" data-state=\"{label}\" data-layer=\"{k}\" d=\"M{x0:0.#},{y + dy} L{x1:0.#},{y + dy}\" fill=\"none\" stroke=\"{Flow}\" stroke-width=\"1.6\"{dash} marker-end=\"url(#arrow)\"/>\n");
                    if (kind != "state-out")
                        w.Text((x0 + x1) / 2, y + dy - 3, boundary ? $"{label}₀" : label, 11, Ink, anchor: "middle", style: "italic");
                }
            }
            for (int c = 0; c < columns.Count; c++)
                if (columns[c] is null) w.Text(ColumnX(c), y + 5, "…", 18, Ink, anchor: "middle");
        }

        // Inputs below, outputs above, and the vertical flow through each drawn step.
        var inputUsers = new List<(int, int)>();
        var outputUsers = new List<(int, int)>();
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c] is not int t) continue;
            int x = ColumnX(c);
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"step\" data-t=\"{t}\">\n");
            // Input node.
            string input = a.TokenInput ? (a.Embedding > 0 ? $"x{Sub(t)} → embed" : $"one-hot x{Sub(t)}") : $"x{Sub(t)} ∈ ℝ{Sup(a.InputSize)}";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"input\" data-t=\"{t}\"><rect x=\"{x - CellWidth / 2}\" y=\"{inputY - 14}\" width=\"{CellWidth}\" height=\"28\" rx=\"14\" fill=\"#eef6e8\" stroke=\"#4d7f2a\"/>");
            w.Text(x, inputY + 4, input, 11, Ink, anchor: "middle");
            svg.Append("</g>\n");
            inputUsers.Add((x, inputY - 14));

            // The vertical flow first, so the cells drawn after it sit on top: the input (or every direction of the
            // layer underneath) into each cell, and the top layer into the head.
            for (int r = 0; r < rows.Count; r++)
            {
                (int k, bool reverse) = rows[r];
                int y = RowY(r), offset = reverse ? 10 : -10;
                IEnumerable<int> sources = k == 0 ? [inputY - 14] : rows.Select((row, i) => (row, i)).Where(p => p.row.Layer == k - 1).Select(p => RowY(p.i) - CellHeight / 2);
                foreach (int sy in sources)
                    svg.Append(CultureInfo.InvariantCulture, $"<path class=\"flow\" d=\"M{x + offset},{sy} L{x + offset},{y + CellHeight / 2}\" fill=\"none\" stroke=\"{Flow}\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>\n");
            }
            bool hasOutput = !manyToOne || t == a.Steps - 1;
            if (hasOutput)
            {
                for (int r = 0; r < rows.Count; r++)
                {
                    (int k, bool reverse) = rows[r];
                    if (k != a.Layers.Count - 1 || (reverse && manyToOne)) continue; // many-to-one reads the reverse direction at step 0 (below)
                    int offset = reverse ? 10 : -10;
                    svg.Append(CultureInfo.InvariantCulture, $"<path class=\"flow\" d=\"M{x + offset},{RowY(r) - CellHeight / 2} L{x + offset},{outputY + 16}\" fill=\"none\" stroke=\"{Flow}\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>\n");
                }
            }

            // Cells.
            for (int r = 0; r < rows.Count; r++)
            {
                (int k, bool reverse) = rows[r];
                LayerArchitecture layer = a.Layers[k];
                int y = RowY(r);
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"cell\" data-layer=\"{k}\" data-direction=\"{(reverse ? "reverse" : "forward")}\" data-t=\"{t}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x - CellWidth / 2}\" y=\"{y - CellHeight / 2}\" width=\"{CellWidth}\" height=\"{CellHeight}\" rx=\"6\" fill=\"{CellFill(layer.Cell)}\" stroke=\"{Ink}\"/>");
                string cellName = layer.Cell == CellType.Rnn ? $"RNN {layer.Nonlinearity.ToString().ToLowerInvariant()}" : layer.Cell.ToString().ToUpperInvariant();
                w.Text(x, y - 3, reverse ? $"← {cellName}" : cellName, 12, Ink, anchor: "middle", weight: "bold");
                w.Text(x, y + 13, $"H = {layer.Hidden}", 10, Muted, anchor: "middle");
                svg.Append("</g>\n");
            }

            // Output node: every step (many-to-many) or only after the last (many-to-one).
            if (hasOutput)
            {
                string head = a.Output switch { HeadKind.Softmax => "softmax", HeadKind.Sigmoid => "sigmoid", _ => "linear" };
                svg.Append(CultureInfo.InvariantCulture, $"<g class=\"output\" data-t=\"{t}\"><rect x=\"{x - CellWidth / 2}\" y=\"{outputY - 16}\" width=\"{CellWidth}\" height=\"32\" rx=\"4\" fill=\"#f1e8f7\" stroke=\"#6b3d8c\"/>");
                w.Text(x, outputY - 2, $"ŷ{Sub(t)} {head}", 11, Ink, anchor: "middle");
                w.Text(x, outputY + 11, $"{a.OutputSize} {(a.Output == HeadKind.Softmax ? "classes" : "values")}", 10, Muted, anchor: "middle");
                svg.Append("</g>\n");
                outputUsers.Add((x, outputY - 16));
            }
            svg.Append("</g>\n");
        }
        // Many-to-one with a reverse top direction: the head also reads the reverse direction after it has read step 0.
        if (manyToOne && a.Layers[^1].Bidirectional && outputUsers.Count == 1)
        {
            int y = RowY(rows.IndexOf((a.Layers.Count - 1, true)));
            int x0 = ColumnX(0), x1 = outputUsers[0].Item1;
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"flow\" d=\"M{x0 + 10},{y - CellHeight / 2} C{x0 + 10},{outputY} {x1 - 60},{outputY} {x1 - CellWidth / 2},{outputY}\" fill=\"none\" stroke=\"{Flow}\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>\n");
        }
        Parameters("input", inputY, inputUsers);
        Parameters("output", outputY, outputUsers);
        w.Text(Left - 8, inputY + 30, "inputs", 11, Muted, anchor: "end");
        w.Text(Left - 8, outputY + 30, manyToOne ? "output (last step)" : "outputs", 11, Muted, anchor: "end");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string LayerOf(string tensor)
    {
        int at = tensor.IndexOf("_l", StringComparison.Ordinal);
        if (at < 0) return "?";
        int end = at + 2;
        while (end < tensor.Length && char.IsAsciiDigit(tensor[end])) end++;
        return tensor[(at + 2)..end];
    }

    /// <summary>"token input (128, one-hot) → LSTM(128) → LSTM(128) → softmax(128); 64 steps, many-to-many".</summary>
    public static string Describe(ModelArchitecture a)
    {
        string input = a.TokenInput ? $"token input ({a.InputSize}{(a.Embedding > 0 ? $", embedding {a.Embedding}" : ", one-hot")})" : $"vector input ({a.InputSize})";
        string layers = string.Join(" → ", a.Layers.Select(l => $"{(l.Bidirectional ? "bidirectional " : "")}{l.Cell.ToString().ToUpperInvariant()}({l.Hidden})"));
        string topology = a.Topology == Topology.ManyToOne ? "many-to-one" : "many-to-many";
        return $"{input} → {layers} → {a.Output.ToString().ToLowerInvariant()}({a.OutputSize}); {a.Steps} steps, {topology}";
    }

    private static string Short(string name) => name[(name.LastIndexOf('.') + 1)..];

    private static string Sub(int n) => string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));

    private static string Sup(int n) => string.Concat(n.ToString(CultureInfo.InvariantCulture).Select(c => "⁰¹²³⁴⁵⁶⁷⁸⁹"[c - '0']));

    private static string Esc(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal).Replace("--", "-&#45;", StringComparison.Ordinal);

    private sealed class SvgWriter(StringBuilder svg)
    {
        public void Text(double x, double y, string text, int size, string fill, string anchor = "start", string weight = "normal", string style = "normal", string? family = null)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{y:0.#}\" font-size=\"{size}\" fill=\"{fill}\" text-anchor=\"{anchor}\"");
            if (weight != "normal") svg.Append(CultureInfo.InvariantCulture, $" font-weight=\"{weight}\"");
            if (style != "normal") svg.Append(CultureInfo.InvariantCulture, $" font-style=\"{style}\"");
            if (family is not null) svg.Append(CultureInfo.InvariantCulture, $" font-family=\"{family}\"");
            svg.Append('>').Append(Esc(text)).Append("</text>\n");
        }
    }

    /// <summary>Checks that <paramref name="svg"/> parses as XML (used before writing).</summary>
    public static void Validate(string svg)
    {
        using var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        while (reader.Read()) { }
    }
}
