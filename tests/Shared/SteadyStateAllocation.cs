namespace RnnGen.Tests.Shared;

/// <summary>
/// What a call allocates on the calling thread once everything is warm, for the zero-allocation tests of the runtime
/// and of the generated models.
/// </summary>
/// <remarks>
/// A single window of calls is not enough under tiered compilation: while a method moves from tier 0 to tier 1 the
/// runtime can allocate a few kilobytes on the calling thread (measured: 2.4–6.5 KB in about half the runs of the
/// model allocation tests, in a window where the shared kernels crossed the tier-up call count; never with
/// <c>DOTNET_TieredCompilation=0</c>). That happens once per method, so the measure is the least any of several windows
/// allocates: a call that allocates every time shows in every window and still fails.
/// </remarks>
public static class SteadyStateAllocation
{
    /// <summary>Windows measured at most before giving up on a clean one.</summary>
    public const int MaxWindows = 40;

    /// <summary>
    /// Calls <paramref name="action"/> once (JIT, lazily allocated state), then in windows of
    /// <paramref name="callsPerWindow"/> calls until a window allocates nothing (at most <see cref="MaxWindows"/>), and
    /// returns the fewest bytes a window allocated.
    /// </summary>
    public static long Bytes(Action action, int callsPerWindow = 5)
    {
        action();
        long least = long.MaxValue;
        for (int window = 0; window < MaxWindows && least > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerWindow; i++) action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
