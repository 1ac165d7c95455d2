namespace RnnGen.Sample.Tests;

/// <summary>A small checkpoint trained once (a second or two) for the tests that need one.</summary>
public sealed class TrainedCheckpoint : IDisposable
{
    public TrainedCheckpoint()
    {
        Folder = new TempFolder();
        TextPath = Folder.Write("tiny.txt", Sample.TinyText(12_000));
        Training = Sample.Run(Folder.Path, "train", "tiny.txt", "--shape", "small", "--batch", "16", "--epochs", "1", "--length", "40", "--prompt", "the ");
        Path = Folder.File(System.IO.Path.Combine("output", "char-model.safetensors"));
    }

    public TempFolder Folder { get; }

    public string TextPath { get; }

    public RunResult Training { get; }

    /// <summary>output/char-model.safetensors of the training run.</summary>
    public string Path { get; }

    /// <summary>output/char-model.optimizer.safetensors: the optimizer state the run saved beside the checkpoint.</summary>
    public string OptimizerPath => Folder.File(System.IO.Path.Combine("output", "char-model.optimizer.safetensors"));

    /// <summary>A copy of the checkpoint in <paramref name="folder"/>.</summary>
    public string CopyTo(TempFolder folder, string name = "model.safetensors")
    {
        string target = folder.File(name);
        File.Copy(Path, target);
        return target;
    }

    public void Dispose() => Folder.Dispose();
}
