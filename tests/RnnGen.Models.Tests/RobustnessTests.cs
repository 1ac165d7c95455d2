using System.Diagnostics;
using System.Runtime.Intrinsics;
using RnnGen.Determinism.Probe;
using RnnGen.Kernels;
using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;
using RnnGen.Randomness;
using Xunit.Abstractions;

namespace RnnGen.Models.Tests;

/// <summary>Numerical safety, concurrency and determinism (issue 7).</summary>
public class RobustnessTests(ITestOutputHelper output)
{
    public static TheoryData<string> BoundedModels => new() { "CharLstm", "VectorGruTagger", "VectorRnnRegression", "OnnxBiLstmRegressor", "OnnxBiGruTagger", "EmbeddingLstmLm" };

    private static IRnnModel<float> Create(string name) => name switch
    {
        "CharLstm" => new CharLstm(1),
        "VectorGruTagger" => new VectorGruTagger(1),
        "VectorRnnRegression" => new VectorRnnRegression(1),
        "OnnxBiLstmRegressor" => new OnnxBiLstmRegressor(1),
        "OnnxBiGruTagger" => new OnnxBiGruTagger(1),
        _ => new EmbeddingLstmLm(1),
    };

    [Theory]
    [MemberData(nameof(BoundedModels))]
    public void Huge_inputs_and_parameters_give_finite_outputs_losses_and_gradients(string name)
    {
        // Inputs of magnitude 1e4 and parameters of magnitude 1e2 drive every gate and logit deep into saturation:
        // stable sigmoid, tanh, softmax (log-sum-exp) and BCE-from-logits keep everything finite.
        IRnnModel<float> model = Create(name);
        var random = new Xoshiro256StarStar(3);
        for (int i = 0; i < model.Parameters.Length; i++) model.Parameters[i] = (float)random.NextUniform(-100, 100);
        var d = new ModelDriver<float>(model, 4);
        if (d.Inputs is not null) for (int i = 0; i < d.Inputs.Length; i++) d.Inputs[i] = (float)random.NextUniform(-1e4, 1e4);
        d.Forward();
        Assert.All(model.Output.ToArray(), v => Assert.True(float.IsFinite(v), $"output {v}"));
        Assert.True(float.IsFinite(d.Loss()));
        model.ZeroGradients();
        d.Backward();
        Assert.All(model.Gradients.ToArray(), g => Assert.True(float.IsFinite(g), $"gradient {g}"));
    }

    [Fact]
    public void Clipping_holds_a_learning_rate_that_makes_gradients_explode()
    {
        var clipped = new EmbeddingLstmLm(5);
        var d = new ModelDriver<float>(clipped, 6);
        var sgd = new Sgd<float>(50f);
        float worstNorm = 0, worstClippedLoss = 0;
        for (int step = 0; step < 60; step++)
        {
            float loss = clipped.TrainStep(d.Tokens, d.ClassTargets, sgd, clipNorm: 1f);
            Assert.True(float.IsFinite(loss), $"step {step}: loss {loss}");
            worstClippedLoss = Math.Max(worstClippedLoss, loss);
            clipped.Forward(d.Tokens);
            clipped.Backward(d.ClassTargets);
            worstNorm = Math.Max(worstNorm, GradientClipping.GlobalNorm<float>(clipped.Gradients));
            clipped.ZeroGradients();
        }
        Assert.All(clipped.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
        Assert.True(worstNorm > 1f, "the gradients never needed clipping; the test would not show anything");
        float largestClipped = clipped.Parameters.ToArray().Max(Math.Abs);

        // The control: the same run without clipping blows up. Saturated softmax and gates keep the loss finite here, so
        // "blows up" is a loss and parameters far beyond the clipped run's (measured: worst loss 11311 vs 368, largest
        // parameter 15691 vs 29), or a divergence. The margins asked (3×, 10×) leave room for the chaotic trajectory to
        // differ between SIMD paths, whose rounding differs.
        var unclipped = new EmbeddingLstmLm(5);
        var plain = new Sgd<float>(50f);
        float worstUnclippedLoss = 0;
        try
        {
            for (int step = 0; step < 60; step++)
                worstUnclippedLoss = Math.Max(worstUnclippedLoss, unclipped.TrainStep(d.Tokens, d.ClassTargets, plain));
        }
        catch (TrainingDivergedException)
        {
            worstUnclippedLoss = float.PositiveInfinity;
        }
        output.WriteLine($"worst loss: {worstClippedLoss} clipped, {worstUnclippedLoss} unclipped; largest parameter: {largestClipped} clipped, {unclipped.Parameters.ToArray().Max(Math.Abs)} unclipped");
        Assert.True(worstUnclippedLoss > 3 * worstClippedLoss, $"without clipping the worst loss is {worstUnclippedLoss}, with it {worstClippedLoss}: clipping is not what holds the run");
        if (float.IsFinite(worstUnclippedLoss))
            Assert.True(unclipped.Parameters.ToArray().Max(Math.Abs) > 10 * largestClipped, "without clipping the parameters stay as small as with it");
    }

    [Fact]
    public void Independent_instances_train_on_parallel_threads_as_they_do_one_after_another()
    {
        float[] sequentialA = DeterminismRun.Train(1, 30), sequentialB = DeterminismRun.Train(2, 30);
        float[]? parallelA = null, parallelB = null;
        var a = new Thread(() => parallelA = DeterminismRun.Train(1, 30));
        var b = new Thread(() => parallelB = DeterminismRun.Train(2, 30));
        a.Start(); b.Start(); a.Join(); b.Join();
        Assert.Equal(sequentialA, parallelA);
        Assert.Equal(sequentialB, parallelB);
        Assert.NotEqual(sequentialA, sequentialB);
    }

    [Fact]
    public void Same_seed_gives_bit_identical_parameters_in_process_and_across_processes()
    {
        string inProcess = DeterminismRun.Hash(DeterminismRun.Train(7, 40));
        Assert.Equal(inProcess, DeterminismRun.Hash(DeterminismRun.Train(7, 40)));
        Assert.Equal(inProcess, RunProbe(7, 40, null, out string first).Hash);
        Assert.Equal(inProcess, RunProbe(7, 40, null, out string second).Hash);
        File.Delete(first);
        File.Delete(second);
    }

    [Fact]
    public void Simd_paths_agree_within_a_bound_after_training()
    {
        // Vector512, Vector256, Vector128 and scalar kernels round differently (fused multiply-adds, summation order,
        // the approximations of exp/tanh); after 40 Adam steps the parameters must still agree closely.
        ProbeRun widest = RunProbe(7, 40, null, out string widestFile);
        Assert.Equal(ExpectedKernelPaths(null), widest.KernelPaths);
        float[] wide = Load(widestFile);
        var runs = new List<(string Name, string KernelPaths, float[] Parameters)>();
        foreach ((string name, string variable) in new[] { ("Vector256", "DOTNET_EnableAVX512"), ("Vector128", "DOTNET_EnableAVX2"), ("scalar", "DOTNET_EnableHWIntrinsic") })
        {
            ProbeRun run = RunProbe(7, 40, variable, out string file);
            // The switch is only a request: the child must have run what it gives on this hardware.
            Assert.Equal(ExpectedKernelPaths(variable), run.KernelPaths);
            runs.Add((name, run.KernelPaths, Load(file)));
        }
        if (Vector512.IsHardwareAccelerated)
            Assert.Equal(4, runs.Select(r => r.KernelPaths).Append(widest.KernelPaths).Distinct().Count());

        foreach ((string name, string kernelPaths, float[] other) in runs)
        {
            if (kernelPaths == widest.KernelPaths)
            {
                // This machine lacks what the switch turns off, so both runs took one path: say so rather than report
                // a cross-path agreement that was never measured.
                output.WriteLine($"{name}: no other path to compare here, the switch left the kernels at {kernelPaths} (checked bit-identical)");
                Assert.Equal(wide, other);
                continue;
            }
            double worst = 0;
            for (int i = 0; i < wide.Length; i++) worst = Math.Max(worst, Math.Abs(wide[i] - other[i]) / Math.Max(1e-3, Math.Abs(wide[i])));
            bool identical = wide.AsSpan().SequenceEqual(other);
            output.WriteLine($"{name} ({kernelPaths}) vs {widest.KernelPaths}: {(identical ? "bit-identical" : $"max relative difference {worst:E2}")}");
            // Measured on an AVX-512 machine: Vector256 1.4e-5, Vector128 and scalar 3.9e-5 (the pointwise kernels dominate).
            Assert.True(worst < 1e-3, $"{name} vs {widest.KernelPaths}: max relative difference {worst:E2}");
        }
    }

    /// <summary>
    /// The kernels a child process runs with <paramref name="disabled"/> set to 0 (none: the defaults). It inherits this
    /// process's environment, so what is accelerated here bounds what it can get.
    /// </summary>
    private static string ExpectedKernelPaths(string? disabled)
    {
        bool v512 = SimdPaths.HasVector512 && disabled is null;
        bool v256 = SimdPaths.HasVector256 && disabled is null or "DOTNET_EnableAVX512";
        bool v128 = SimdPaths.HasVector128 && disabled is not "DOTNET_EnableHWIntrinsic";
        SimdPath path = v512 ? SimdPath.Vector512 : v256 ? SimdPath.Vector256 : v128 ? SimdPath.Vector128 : SimdPath.Scalar;
        return $"simd={path}";
    }

    /// <summary>What a probe process printed: the hash of its parameters and <see cref="DeterminismRun.KernelPaths"/>.</summary>
    private sealed record ProbeRun(string Hash, string KernelPaths);

    private static float[] Load(string file)
    {
        float[] values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(file)).ToArray();
        File.Delete(file);
        return values;
    }

    /// <summary>Runs the probe in a new process (with one environment variable set to 0 when given).</summary>
    private static ProbeRun RunProbe(ulong seed, int steps, string? disable, out string parametersFile)
    {
        parametersFile = Path.Combine(Path.GetTempPath(), $"rnngen-probe-{Guid.NewGuid():N}.bin");
        string probe = Path.Combine(AppContext.BaseDirectory, "RnnGen.Determinism.Probe.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{probe}\" {seed} {steps} \"{parametersFile}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (disable is not null) psi.Environment[disable] = "0";
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"probe failed: {stderr}");
        string[] lines = stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 2, $"probe printed: {stdout}");
        return new ProbeRun(lines[0], lines[1]);
    }
}
