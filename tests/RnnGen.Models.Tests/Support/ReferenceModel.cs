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

    public ReferenceModel(Func<string, double[]> tensor) => _tensor = tensor;

    /// <summary>Outputs [outputSteps, batch, classes] and the final h (and c) per layer.</summary>
    public (double[] Output, List<double[]> FinalH, List<double[]> FinalC) Run(
        double[][][] x, IReadOnlyList<(Cell Cell, int Hidden)> layers, Head head, bool manyToOne)
    {
        int steps = x.Length, batch = x[0].Length;
        double[][][] input = x;
        var finalH = new List<double[]>();
        var finalC = new List<double[]>();
        for (int k = 0; k < layers.Count; k++)
        {
            (Cell cell, int hidden) = layers[k];
            double[] wih = _tensor($"rnn.weight_ih_l{k}"), whh = _tensor($"rnn.weight_hh_l{k}");
            double[] bih = _tensor($"rnn.bias_ih_l{k}"), bhh = _tensor($"rnn.bias_hh_l{k}");
            int inWidth = input[0][0].Length;
            var output = new double[steps][][];
            var hLast = new double[batch * hidden];
            var cLast = new double[batch * hidden];
            for (int b = 0; b < batch; b++)
            {
                var h = new double[hidden];
                var c = new double[hidden];
                for (int t = 0; t < steps; t++)
                {
                    output[t] ??= new double[batch][];
                    double[] xt = input[t][b];
                    // Row r of (W x + b) for gate block `gate`.
                    double Wx(int gate, int j) { int r = gate * hidden + j; double s = bih[r]; for (int i = 0; i < inWidth; i++) s += wih[r * inWidth + i] * xt[i]; return s; }
                    double Wh(int gate, int j) { int r = gate * hidden + j; double s = bhh[r]; for (int i = 0; i < hidden; i++) s += whh[r * hidden + i] * h[i]; return s; }
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
                    output[t][b] = h;
                }
                Array.Copy(h, 0, hLast, b * hidden, hidden);
                Array.Copy(c, 0, cLast, b * hidden, hidden);
            }
            finalH.Add(hLast);
            if (cell == Cell.Lstm) finalC.Add(cLast);
            input = output;
        }

        double[] w = _tensor("head.weight"), bias = _tensor("head.bias");
        int classes = bias.Length, width = input[0][0].Length;
        int firstStep = manyToOne ? steps - 1 : 0;
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
