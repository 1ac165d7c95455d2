using System.Runtime.ExceptionServices;

namespace RnnGen.Sample.Training;

/// <summary>
/// Two independent training runs (each its own model, optimizer and data stream), as <c>classify</c> and <c>translate</c>
/// compare them: side by side on two cores, one after the other on one.
/// </summary>
internal static class SideBySide
{
    /// <summary>Runs <paramref name="run"/>(0) and <paramref name="run"/>(1); returns what each threw (null: it finished).</summary>
    public static Exception?[] Run(Action<int> run)
    {
        var errors = new Exception?[2];
        void One(int i)
        {
            try
            {
                run(i);
            }
            catch (Exception ex)
            {
                errors[i] = ex;
            }
        }
        if (Environment.ProcessorCount >= 2)
        {
            var threads = new[] { new Thread(() => One(0)) { IsBackground = true }, new Thread(() => One(1)) { IsBackground = true } };
            foreach (Thread t in threads) t.Start();
            foreach (Thread t in threads) t.Join();
        }
        else
        {
            One(0);
            One(1);
        }
        return errors;
    }

    /// <summary>Rethrows the first run's failure: a diverged run as the command's one-line error, anything else as it was.</summary>
    public static void ThrowFirst(Exception?[] errors)
    {
        foreach (Exception? ex in errors)
        {
            if (ex is TrainingDivergedException d)
                throw new SampleException($"training diverged (loss {d.Loss:G3}, gradient norm {d.GradientNorm:G3}); nothing was written. Try another --seed.");
            if (ex is not null) ExceptionDispatchInfo.Capture(ex).Throw();
        }
    }
}
