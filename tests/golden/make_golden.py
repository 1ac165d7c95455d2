#!/usr/bin/python3
"""Writes the PyTorch golden fixtures of tests/RnnGen.Models.Tests/GoldenTests.cs.

Each fixture is one safetensors file (float64) holding
  * the state_dict of a module with children `embedding` (nn.Embedding), `rnn` (one nn.LSTM/GRU/RNN with
    num_layers = the stack) and `head` (nn.Linear) -- the tensor names of the README's "Save, load, and move weights", so RnnGen loads it directly;
  * golden.inputs   [T, B] token ids (as float64) or [T, B, I] vectors, time-major;
  * golden.targets  [OT, B] class ids or [OT, B, C] values;
  * golden.output   [OT, B, C] after the head's activation;
  * golden.loss     [1]: summed over output steps, averaged over the batch;
  * golden.grad.<name> for every parameter.
Many-to-one reads out[-1] (unidirectional) or cat(h_n[-2], h_n[-1]) (bidirectional: the forward direction after the
last step and the reverse direction after step 0).

Run once with Debian's python3-torch (bench/peers/setup.sh installs it):
    /usr/bin/python3 tests/golden/make_golden.py
The fixtures are committed; CI does not need PyTorch.
"""
import json, os, struct
import torch
import torch.nn.functional as F

torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def save_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float64).numpy().tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


class Model(torch.nn.Module):
    def __init__(self, cell, inp, hidden, layers, bidirectional, classes, vocab=0, embedding=0, nonlinearity="tanh"):
        super().__init__()
        self.vocab, self.embed = vocab, embedding
        width = embedding or vocab or inp
        if embedding:
            self.embedding = torch.nn.Embedding(vocab, embedding)
        kinds = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
        extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn = kinds[cell](width, hidden, num_layers=layers, bidirectional=bidirectional, **extra)
        self.head = torch.nn.Linear(hidden * (2 if bidirectional else 1), classes)
        self.bidirectional = bidirectional

    def forward(self, x, many_to_one):
        if self.embed:
            x = self.embedding(x)
        elif self.vocab:
            x = F.one_hot(x, self.vocab).to(torch.float64)
        out, state = self.rnn(x)
        if many_to_one:
            h_n = state[0] if isinstance(state, tuple) else state
            feat = torch.cat([h_n[-2], h_n[-1]], dim=-1) if self.bidirectional else out[-1]
            return self.head(feat).unsqueeze(0)
        return self.head(out)


def fixture(name, cell, hidden, layers, steps, batch, classes, head, inp=0, vocab=0, embedding=0,
            bidirectional=False, many_to_one=False, nonlinearity="tanh"):
    m = Model(cell, inp, hidden, layers, bidirectional, classes, vocab, embedding, nonlinearity)
    if vocab:
        x = torch.randint(0, vocab, (steps, batch))
    else:
        x = torch.randn(steps, batch, inp)
    out_steps = 1 if many_to_one else steps
    z = m(x, many_to_one)
    if head == "softmax":
        y = torch.randint(0, classes, (out_steps, batch))
        output = torch.softmax(z, dim=-1)
        loss = F.cross_entropy(z.reshape(-1, classes), y.reshape(-1), reduction="sum") / batch
    elif head == "linear":
        y = torch.randn(out_steps, batch, classes)
        output = z
        loss = ((z - y) ** 2).sum() / batch
    else:
        y = torch.rand(out_steps, batch, classes)
        output = torch.sigmoid(z)
        loss = F.binary_cross_entropy_with_logits(z, y, reduction="sum") / batch
    loss.backward()
    tensors = {k: v for k, v in m.state_dict().items()}
    tensors["golden.inputs"] = x.to(torch.float64)
    tensors["golden.targets"] = y.to(torch.float64)
    tensors["golden.output"] = output
    tensors["golden.loss"] = loss.reshape(1)
    for k, p in m.named_parameters():
        tensors["golden.grad." + k] = p.grad
    save_safetensors(os.path.join(HERE, name + ".safetensors"), tensors,
                     {"made_by": "tests/golden/make_golden.py", "torch": torch.__version__})
    print(name, float(loss))


fixture("lstm_m2m_vector_softmax", "lstm", hidden=4, layers=1, steps=5, batch=2, classes=3, head="softmax", inp=3)
fixture("gru_m2o_embedding_softmax", "gru", hidden=4, layers=1, steps=5, batch=3, classes=3, head="softmax", vocab=6, embedding=3, many_to_one=True)
fixture("rnn_m2m_vector_linear", "rnn", hidden=4, layers=1, steps=4, batch=2, classes=2, head="linear", inp=3)
fixture("lstm2_m2m_onehot_softmax", "lstm", hidden=3, layers=2, steps=4, batch=2, classes=5, head="softmax", vocab=5)
fixture("gru_bi_m2m_vector_sigmoid", "gru", hidden=3, layers=1, steps=4, batch=2, classes=2, head="sigmoid", inp=3, bidirectional=True)
fixture("lstm2_bi_m2o_embedding_softmax", "lstm", hidden=3, layers=2, steps=5, batch=2, classes=4, head="softmax", vocab=7, embedding=2, bidirectional=True, many_to_one=True)
fixture("rnn2_relu_m2o_vector_linear", "rnn", hidden=4, layers=2, steps=4, batch=3, classes=2, head="linear", inp=2, many_to_one=True, nonlinearity="relu")
fixture("gru2_bi_m2m_onehot_softmax", "gru", hidden=3, layers=2, steps=4, batch=2, classes=4, head="softmax", vocab=4, bidirectional=True)
