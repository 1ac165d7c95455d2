using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// The generated <c>Threads</c> property: products split across worker threads write disjoint blocks, so training
/// with two threads must give the very same bits as with one; the setter validates, and Dispose stops the workers.
/// </summary>
public class ThreadsTests
{
    // CharLstm (H=128, B=16, T=32, two layers) has layer-2 input projections and weight-gradient products far above
    // the one-million multiply-add threshold, so with Threads = 2 work really is split.
    private static float[] Train(int threads, out float lastLoss)
    {
        using var model = new CharLstm(seed: 7);
        model.Threads = threads;
        Assert.Equal(threads, model.Threads);
        var d = new ModelDriver<float>(model, 11);
        var adam = new Adam<float>(3e-3f);
        lastLoss = 0;
        for (int i = 0; i < 6; i++) lastLoss = model.TrainStep(d.Tokens, d.ClassTargets, adam, 5f);
        model.Forward(d.Tokens);
        float[] result = [.. model.Parameters, .. model.Output];
        return result;
    }

    [Fact]
    public void Two_threads_train_bit_identically_to_one()
    {
        float[] one = Train(1, out float lossOne);
        float[] two = Train(2, out float lossTwo);
        Assert.Equal(lossOne, lossTwo);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
            if (BitConverter.SingleToInt32Bits(one[i]) != BitConverter.SingleToInt32Bits(two[i]))
                Assert.Fail($"value {i} differs: {one[i]:R} with one thread, {two[i]:R} with two");
    }

    /// <summary>Step splits its large products too (W_hh of an LSTM 256 at batch 1), with the very same bits.</summary>
    [Fact]
    public void Step_with_two_threads_splits_its_products_and_matches_one_thread()
    {
        using var one = new SplitStepLstm(seed: 3);
        using var two = new SplitStepLstm(seed: 3) { Threads = 2 };
        foreach (int token in new[] { 4, 29, 0, 17, 17, 8 })
            Assert.Equal(one.Step(token).ToArray(), two.Step(token).ToArray());
        var workers = (RnnGen.Kernels.GemmWorkers)typeof(SplitStepLstm)
            .GetField("_rnnWorkers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(two)!;
        Assert.True(workers.ProductsSplit >= 6, $"{workers.ProductsSplit} products split in six steps");
    }

    [Fact]
    public void Threads_can_change_between_passes_and_back_to_one()
    {
        using var model = new CharLstm(seed: 3);
        var d = new ModelDriver<float>(model, 5);
        model.Forward(d.Tokens);
        float[] reference = model.Output.ToArray();

        model.Threads = 2;
        model.Forward(d.Tokens);
        Assert.Equal(reference, model.Output.ToArray());

        model.Threads = 1;
        Assert.Equal(1, model.Threads);
        model.Forward(d.Tokens);
        Assert.Equal(reference, model.Output.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(33)]
    public void Out_of_range_thread_counts_throw_and_change_nothing(int threads)
    {
        using var model = new CharLstm();
        model.Threads = 2;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Threads = threads);
        Assert.Contains("Threads", error.Message);
        Assert.Equal(2, model.Threads);
    }

    [Fact]
    public void Dispose_stops_the_workers_and_later_settings_throw()
    {
        var model = new CharLstm();
        model.Threads = 2;
        model.Dispose();
        Assert.Equal(1, model.Threads);
        Assert.Throws<ObjectDisposedException>(() => model.Threads = 2);
        model.Dispose(); // idempotent
    }

    [Fact]
    public void Training_with_two_threads_allocates_nothing_in_steady_state()
    {
        using var model = new CharLstm();
        model.Threads = 2;
        var d = new ModelDriver<float>(model, 1);
        var adam = new Adam<float>(1e-3f);
        Assert.Equal(0, RnnGen.Tests.Shared.SteadyStateAllocation.Bytes(() => model.TrainStep(d.Tokens, d.ClassTargets, adam, 5f)));
    }
}
