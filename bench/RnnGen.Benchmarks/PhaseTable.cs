namespace RnnGen.Benchmarks;

/// <summary>
/// The frame of the phase commands (forward-phases, backward-phases): <c>--configs a,b</c> (the LSTM peer
/// configurations unless given) and <c>--rounds N</c> (5), a Markdown header, then one row per configuration from
/// the command's own timing.
/// </summary>
public static class PhaseTable
{
    public static int Print(string[] args, string[] columns, Func<Workload, int, string> row)
    {
        int rounds = PeerComparison.IntOption(args, "--rounds", 5);
        string[] configs = PeerComparison.StringOption(args, "--configs")?.Split(',') ?? Workload.LstmPeerConfigs;
        Console.WriteLine("| " + string.Join(" | ", columns) + " |");
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", columns.Length)));
        foreach (string key in configs) Console.WriteLine(row(Workload.Create(key), rounds));
        return 0;
    }
}
