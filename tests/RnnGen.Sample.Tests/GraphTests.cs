using System.Xml.Linq;
using RnnGen.Sample.Graph;

namespace RnnGen.Sample.Tests;

/// <summary>The unrolled graph: well-formed SVG with the expected steps, cells, recurrent arrows and parameter nodes.</summary>
public class GraphTests
{
    private static XElement[] Classed(XDocument svg, string cls) => [.. svg.Descendants().Where(e => (string?)e.Attribute("class") == cls)];

    [Theory]
    [InlineData("small")]
    [InlineData("medium")]
    [InlineData("large")]
    [InlineData("tagger")]
    [InlineData("adding-rnn-50")]
    [InlineData("adding-lstm-200")]
    [InlineData("adding-gru-50")]
    public void Every_model_draws_well_formed_svg_with_each_tensor_once(string name)
    {
        GraphModel model = GraphModels.Find(name)!;
        var svg = XDocument.Parse(UnrolledGraph.Svg(model, 4));
        XElement[] parameters = Classed(svg, "param");
        Assert.Equal(model.Tensors.Count, parameters.Length);
        Assert.Equal(model.Tensors.Select(t => t.Name).Order(), parameters.Select(p => (string)p.Attribute("data-name")!).Order());

        int steps = Math.Min(model.Architecture.Steps, 5);
        Assert.Equal(steps, Classed(svg, "step").Length);
        int rows = model.Architecture.Layers.Sum(l => l.Bidirectional ? 2 : 1);
        Assert.Equal(steps * rows, Classed(svg, "cell").Length);
        // Each drawn cell (and each input/output node) is linked to its row's parameters.
        int outputs = model.Architecture.Topology == Topology.ManyToOne ? 1 : steps;
        Assert.Equal(outputs, Classed(svg, "output").Length);
        Assert.Equal(steps * rows + outputs + (model.Architecture.Embedding > 0 ? steps : 0), Classed(svg, "param-link").Length);
    }

    [Fact]
    public void The_default_model_shows_the_first_steps_a_gap_and_the_last()
    {
        var svg = XDocument.Parse(UnrolledGraph.Svg(GraphModels.Find("medium")!, 4));
        Assert.Equal(["0", "1", "2", "3", "31"], Classed(svg, "step").Select(s => (string)s.Attribute("data-t")!));
        // LSTM: h and c between consecutive drawn steps (3 pairs inside, 2 across the gap), plus h0/c0 in and the final state out.
        XElement[] recurrent = Classed(svg, "recurrent");
        Assert.Equal(5 * 2, recurrent.Length);
        Assert.Equal(5, recurrent.Count(p => (string?)p.Attribute("data-state") == "c"));
        Assert.Equal(2, Classed(svg, "state-in").Length);
        Assert.Contains("<!-- RnnGen.Sample", UnrolledGraph.Svg(GraphModels.Find("medium")!, 4), StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_model_draws_every_step_and_a_bidirectional_layer_has_a_reverse_row()
    {
        GraphModel tagger = GraphModels.Find("tagger")!;
        var svg = XDocument.Parse(UnrolledGraph.Svg(tagger, 20));
        Assert.Equal(16, Classed(svg, "step").Length);
        Assert.Equal(16, Classed(svg, "cell").Count(c => (string?)c.Attribute("data-direction") == "reverse"));
        Assert.Equal(16 * 3, Classed(svg, "cell").Length);
    }

    [Fact]
    public void Gru_and_rnn_carry_only_h()
    {
        var svg = XDocument.Parse(UnrolledGraph.Svg(GraphModels.Find("adding-gru-50")!, 4));
        Assert.DoesNotContain(Classed(svg, "recurrent"), p => (string?)p.Attribute("data-state") == "c");
    }

    [Fact]
    public void Graph_command_writes_the_svg_and_a_png_when_rsvg_convert_exists()
    {
        using var folder = new TempFolder();
        RunResult r = Sample.Run(folder.Path, "graph");
        Assert.True(r.ExitCode == 0, r.Error);
        string svgPath = folder.File(Path.Combine("output", "graph-medium.svg"));
        XDocument.Parse(File.ReadAllText(svgPath));
        string pngPath = Path.ChangeExtension(svgPath, ".png");
        if (Commands.GraphCommand.FindOnPath("rsvg-convert") is null)
        {
            Assert.Contains("PNG skipped", r.Out, StringComparison.Ordinal);
            Assert.False(File.Exists(pngPath));
        }
        else
        {
            Assert.Contains("graph-medium.png", r.Out, StringComparison.Ordinal);
            Assert.True(Commands.OutputFiles.IsOurs(pngPath, Commands.OutputFiles.Kind.Png));
            PngTests.AssertValidChunks(File.ReadAllBytes(pngPath));
        }
        // Running again overwrites our own files.
        Assert.Equal(0, Sample.Run(folder.Path, "graph").ExitCode);
    }
}
