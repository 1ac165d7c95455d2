using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>
/// Attention over the encoder (Luong's dot and general scores, Bahdanau's additive score) in encoder–decoder models:
/// backpropagation through it against finite differences for every score × cell × one-way or bidirectional encoder,
/// with and without source and target lengths, and what the weights are.
/// </summary>
public class AttentionTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    /// <summary>
    /// The attention's smallest gradients (1e-7, e.g. of W_k through a bidirectional encoder's tanh scores) differ from the
    /// central difference (h = 1e-3) by its truncation error, about 1e-12: a difference that small counts as agreement.
    /// </summary>
    private const double AbsoluteNoise = 1e-11;

    public static readonly Dictionary<string, Func<IRnnModel<double>>> Create = new()
    {
        ["DotAttentionRnn"] = () => new DotAttentionRnn(7),
        ["DotAttentionRnnBiEncoder"] = () => new DotAttentionRnnBiEncoder(7),
        ["DotAttentionLstm"] = () => new DotAttentionLstm(7),
        ["DotAttentionLstmBiEncoder"] = () => new DotAttentionLstmBiEncoder(7),
        ["DotAttentionGru"] = () => new DotAttentionGru(7),
        ["DotAttentionGruBiEncoder"] = () => new DotAttentionGruBiEncoder(7),
        ["GeneralAttentionRnn"] = () => new GeneralAttentionRnn(7),
        ["GeneralAttentionRnnBiEncoder"] = () => new GeneralAttentionRnnBiEncoder(7),
        ["GeneralAttentionLstm"] = () => new GeneralAttentionLstm(7),
        ["GeneralAttentionLstmBiEncoder"] = () => new GeneralAttentionLstmBiEncoder(7),
        ["GeneralAttentionGru"] = () => new GeneralAttentionGru(7),
        ["GeneralAttentionGruBiEncoder"] = () => new GeneralAttentionGruBiEncoder(7),
        ["AdditiveAttentionRnn"] = () => new AdditiveAttentionRnn(7),
        ["AdditiveAttentionRnnBiEncoder"] = () => new AdditiveAttentionRnnBiEncoder(7),
        ["AdditiveAttentionLstm"] = () => new AdditiveAttentionLstm(7),
        ["AdditiveAttentionLstmBiEncoder"] = () => new AdditiveAttentionLstmBiEncoder(7),
        ["AdditiveAttentionGru"] = () => new AdditiveAttentionGru(7),
        ["AdditiveAttentionGruBiEncoder"] = () => new AdditiveAttentionGruBiEncoder(7),
        ["GeneralAttentionProjectedLstmBiEncoder"] = () => new GeneralAttentionProjectedLstmBiEncoder(7),
        ["AdditiveAttentionGruLinear"] = () => new AdditiveAttentionGruLinear(7),
        ["DotAttentionLstmSigmoid"] = () => new DotAttentionLstmSigmoid(7),
    };

    public static TheoryData<string> Names => new(Create.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        IRnnModel<double> model = Create[name]();
        var driver = new ModelDriver<double>(model, seed: 21);
        (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, AbsoluteNoise);
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
    }

    /// <summary>Source lengths mask the attention: a short lane, an unused lane (no source, no target), a lane whose targets end early.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Parameter_gradients_with_source_and_target_lengths_match_finite_differences(string name)
    {
        IRnnModel<double> model = Create[name]();
        var driver = new ModelDriver<double>(model, seed: 22).WithTargetLengths([3, 0, 2]).WithSourceLengths([2, 0, 4]);
        (double error, string where) = GradientCheck.Parameters(model, driver.ForwardLoss, driver.ForwardBackward, AbsoluteNoise);
        output.WriteLine($"{name}: max relative error {error:E2} at {where}");
        Assert.True(error < Tolerance, $"{name}: max relative error {error:E2} at {where}");
        Assert.True(double.IsFinite(driver.ForwardLoss()), "the garbage in padded sources reached the loss");
    }
}
