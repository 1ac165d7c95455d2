namespace RnnGen.Models.Tests.Support;

/// <summary>
/// A deliberately plain reference: one scalar loop per equation of PyTorch's nn.LSTM / nn.GRU / nn.RNN and
/// nn.Linear, reading the weights by their state_dict names. It shares no code with the runtime or the generator,
/// so agreement with a generated model checks both the math and the tensor layout.
/// </summary>
public sealed class ReferenceModel
{
    public enum Cell { Lstm, Gru, RnnTanh, RnnRelu }

    public enum Head { Softmax, Linear, Sigmoid }

    private readonly Func<string, double[]> _tensor;

    private readonly HashSet<int> _bidirectional;

    /// <param name="tensor">Reads a tensor by its state_dict name.</param>
    /// <param name="bidirectionalLayers">Indices of layers that also run a reverse direction.</param>
    public ReferenceModel(Func<string, double[]> tensor, params int[] bidirectionalLayers)
    {
        _tensor = tensor;
        _bidirectional = new HashSet<int>(bidirectionalLayers);
    }

    /// <summary>Outputs [outputSteps, batch, classes] and the final h (and c) per layer.</summary>
    public (double[] Output, List<double[]> FinalH, List<double[]> FinalC) Run(
        double[][][] x, IReadOnlyList<(Cell Cell, int Hidden)> layers, Head head, bool manyToOne,
        string prefix = "", string headPrefix = "head.", IReadOnlyList<double[]>? initialH = null, IReadOnlyList<double[]>? initialC = null)
    {
        int lstmSeen = 0;
        int steps = x.Length, batch = x[0].Length;
        double[][][] input = x;
        var finalH = new List<double[]>();
        var finalC = new List<double[]>();
        for (int k = 0; k < layers.Count; k++)
        {
            (Cell cell, int hidden) = layers[k];
            bool bidirectional = _bidirectional.Contains(k);
            var output = new double[steps][][];
            for (int t = 0; t < steps; t++) { output[t] = new double[batch][]; for (int b = 0; b < batch; b++) output[t][b] = new double[hidden * (bidirectional ? 2 : 1)]; }
            for (int d = 0; d < (bidirectional ? 2 : 1); d++)
            {
                string suffix = d == 0 ? "" : "_reverse";
                double[] wih = _tensor($"{prefix}rnn.weight_ih_l{k}{suffix}"), whh = _tensor($"{prefix}rnn.weight_hh_l{k}{suffix}");
                double[] bih = _tensor($"{prefix}rnn.bias_ih_l{k}{suffix}"), bhh = _tensor($"{prefix}rnn.bias_hh_l{k}{suffix}");
                int inWidth = input[0][0].Length;
                var hLast = new double[batch * hidden];
                var cLast = new double[batch * hidden];
                for (int b = 0; b < batch; b++)
                {
                    var h = new double[hidden];
                    var c = new double[hidden];
                    // An initial state (a decoder's: the encoder's final state), unidirectional layers only.
                    if (initialH is not null) Array.Copy(initialH[k], b * hidden, h, 0, hidden);
                    if (initialC is not null && cell == Cell.Lstm) Array.Copy(initialC[lstmSeen], b * hidden, c, 0, hidden);
                    for (int i = 0; i < steps; i++)
                    {
                        int t = d == 0 ? i : steps - 1 - i; // the reverse direction reads the sequence backwards
                        double[] xt = input[t][b];
                        // Row r of (W x + b) for gate block `gate`.
                        double Wx(int gate, int j) { int r = gate * hidden + j; double s = bih[r]; for (int q = 0; q < inWidth; q++) s += wih[r * inWidth + q] * xt[q]; return s; }
                        double Wh(int gate, int j) { int r = gate * hidden + j; double s = bhh[r]; for (int q = 0; q < hidden; q++) s += whh[r * hidden + q] * h[q]; return s; }
                        var hNew = new double[hidden];
                        var cNew = new double[hidden];
                        for (int j = 0; j < hidden; j++)
                        {
                            switch (cell)
                            {
                                case Cell.Lstm:
                                    double ig = Sigmoid(Wx(0, j) + Wh(0, j)), fg = Sigmoid(Wx(1, j) + Wh(1, j));
                                    double gg = Math.Tanh(Wx(2, j) + Wh(2, j)), og = Sigmoid(Wx(3, j) + Wh(3, j));
                                    cNew[j] = fg * c[j] + ig * gg;
                                    hNew[j] = og * Math.Tanh(cNew[j]);
                                    break;
                                case Cell.Gru:
                                    double r = Sigmoid(Wx(0, j) + Wh(0, j)), z = Sigmoid(Wx(1, j) + Wh(1, j));
                                    double n = Math.Tanh(Wx(2, j) + r * Wh(2, j));
                                    hNew[j] = (1 - z) * n + z * h[j];
                                    break;
                                case Cell.RnnTanh:
                                    hNew[j] = Math.Tanh(Wx(0, j) + Wh(0, j));
                                    break;
                                default:
                                    hNew[j] = Math.Max(0, Wx(0, j) + Wh(0, j));
                                    break;
                            }
                        }
                        h = hNew;
                        c = cNew;
                        Array.Copy(h, 0, output[t][b], d * hidden, hidden); // [forward ; reverse]
                    }
                    Array.Copy(h, 0, hLast, b * hidden, hidden);
                    Array.Copy(c, 0, cLast, b * hidden, hidden);
                }
                finalH.Add(hLast);
                if (cell == Cell.Lstm) finalC.Add(cLast);
            }
            if (cell == Cell.Lstm) lstmSeen++;
            input = output;
        }

        double[] w = _tensor(headPrefix + "weight"), bias = _tensor(headPrefix + "bias");
        int classes = bias.Length, width = input[0][0].Length;
        int firstStep = manyToOne ? steps - 1 : 0;
        if (manyToOne && _bidirectional.Contains(layers.Count - 1))
        {
            // PyTorch's h_n: the forward direction after step T−1, the reverse direction after step 0.
            int h = width / 2;
            for (int b = 0; b < batch; b++)
            {
                var joined = new double[width];
                Array.Copy(input[steps - 1][b], 0, joined, 0, h);
                Array.Copy(input[0][b], h, joined, h, h);
                input[steps - 1][b] = joined;
            }
        }
        var result = new List<double>();
        for (int t = firstStep; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                var z = new double[classes];
                for (int j = 0; j < classes; j++)
                {
                    z[j] = bias[j];
                    for (int i = 0; i < width; i++) z[j] += w[j * width + i] * input[t][b][i];
                }
                if (head == Head.Softmax)
                {
                    double sum = z.Sum(Math.Exp);
                    result.AddRange(z.Select(v => Math.Exp(v) / sum));
                }
                else if (head == Head.Sigmoid)
                {
                    result.AddRange(z.Select(Sigmoid));
                }
                else
                {
                    result.AddRange(z);
                }
            }
        }
        return (result.ToArray(), finalH, finalC);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
