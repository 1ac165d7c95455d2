using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

public class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Gru()
    {
        var m = new TinyGruClassifier(3);
        int[] x = { 1, 2, 3, 4, 5, 0, 1, 1, 2, 3, 3, 5 };
        int[] y = { 1, 0, 1 };
        var (err, where) = GradientCheck.Parameters(m, () => { m.Forward(x); return m.Loss(y); }, () => { m.Forward(x); m.Backward(y); });
        output.WriteLine($"{err} {where}");
        Assert.True(err < 1e-6, where);
    }
}
