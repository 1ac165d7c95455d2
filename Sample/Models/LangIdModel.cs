namespace RnnGen.Sample.Models;

/// <summary>
/// The <c>classify</c> model: language identification of single words. A word is read one letter per step (a learned
/// embedding of 16 over <see cref="Classify.LangIdData.Vocabulary"/> ids, 0 the pad), one LSTM layer of 128 units,
/// and after the last step (many-to-one) a softmax over the four languages.
/// </summary>
[RnnModel(Steps = Classify.LangIdData.Steps, Batch = Classify.LangIdData.Batch, Topology = Topology.ManyToOne)]
[TokenInput(Classify.LangIdData.Vocabulary, Embedding = 16)]
[Lstm(128)]
[SoftmaxOutput(Classify.LangIdData.Classes)]
public partial class LangIdModel { }
