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
The projected LSTM fixtures (lstmp*, nn.LSTM(proj_size=P): weight_hr_l{k} [P, H], h of width P) also hold
  * golden.final_state  h_n then c_n flattened (RnnGen's FinalState layout; h is P wide, c H wide).

The *_lengths fixtures (IVariableLengthModel: Forward(inputs, lengths)) run PyTorch on
pack_padded_sequence(x, lengths, enforce_sorted=False) and pad_packed_sequence(..., total_length=T), and hold besides
  * golden.lengths      [B] each lane's number of real steps (as float64), 0 = an unused lane;
  * golden.final_state  h_n (then c_n for LSTMs) flattened, RnnGen's FinalState layout: every layer's h (forward, then
                        reverse), each [B, H], then every layer's c; each lane's state after its last real step;
  * golden.output       0 at padded steps (many-to-many) and for unused lanes;
  * golden.loss         summed over real output steps (the same per-step terms as above), divided by the number of
                        lanes with a length above 0 instead of the batch.
Many-to-one reads PyTorch's h_n per lane: h_n[-1] (unidirectional: after step len-1) or cat(h_n[-2], h_n[-1])
(bidirectional: forward after step len-1, reverse after step 0, the reverse direction starting at step len-1).
Padded positions hold garbage that must be ignored: inputs of magnitude ~1e3 (vector inputs; token inputs hold random
valid ids there), targets of magnitude ~1e3 (value targets; class targets hold random valid ids there).
PyTorch refuses a length of 0, so an unused lane is not given to PyTorch at all: it runs on the used lanes only, and
the results are placed back so that an unused lane has output 0, no loss term, no gradient and final state 0 (the
initial state, which PyTorch's default and RnnGen's fresh model both take as 0).

Run once with Debian's python3-torch (bench/peers/setup.sh installs it):
    /usr/bin/python3 tests/golden/make_golden.py
The fixtures are committed; CI does not need PyTorch. A rerun rewrites every fixture, and the gradients of the existing
ones may then differ in their last bits (about 1e-17; PyTorch 1.13's CPU kernels are not bitwise reproducible from run
to run): commit only the fixtures a change adds or means to change.
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
    def __init__(self, cell, inp, hidden, layers, bidirectional, classes, vocab=0, embedding=0, nonlinearity="tanh", proj=0):
        super().__init__()
        self.vocab, self.embed = vocab, embedding
        width = embedding or vocab or inp
        if embedding:
            self.embedding = torch.nn.Embedding(vocab, embedding)
        kinds = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
        extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {"proj_size": proj} if proj else {}
        self.rnn = kinds[cell](width, hidden, num_layers=layers, bidirectional=bidirectional, **extra)
        # A projected LSTM's h (its output, and what the head reads) has width proj_size.
        self.head = torch.nn.Linear((proj or hidden) * (2 if bidirectional else 1), classes)
        self.bidirectional = bidirectional

    def forward(self, x, many_to_one):
        if self.embed:
            x = self.embedding(x)
        elif self.vocab:
            x = F.one_hot(x, self.vocab).to(torch.float64)
        out, state = self.rnn(x)
        self.state = state
        if many_to_one:
            h_n = state[0] if isinstance(state, tuple) else state
            feat = torch.cat([h_n[-2], h_n[-1]], dim=-1) if self.bidirectional else out[-1]
            return self.head(feat).unsqueeze(0)
        return self.head(out)


def fixture(name, cell, hidden, layers, steps, batch, classes, head, inp=0, vocab=0, embedding=0,
            bidirectional=False, many_to_one=False, nonlinearity="tanh", proj=0):
    m = Model(cell, inp, hidden, layers, bidirectional, classes, vocab, embedding, nonlinearity, proj)
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
    if proj:
        # Projected fixtures also hold (h_n, c_n) flattened, RnnGen's FinalState layout: h is proj wide, c hidden wide.
        tensors["golden.final_state"] = torch.cat([f.detach().reshape(-1) for f in m.state])
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


def lengths_fixture(name, cell, hidden, layers, steps, lengths, classes, head, inp=0, vocab=0, embedding=0,
                    bidirectional=False, many_to_one=False, proj=0):
    """A fixture of a run with per-lane lengths (see the docstring at the top); lengths[b] = 0 is an unused lane."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    batch = len(lengths)
    m = Model(cell, inp, hidden, layers, bidirectional, classes, vocab, embedding, proj=proj)
    lens = torch.tensor(lengths)
    real = torch.arange(steps).unsqueeze(1) < lens.unsqueeze(0)                 # [T, B]: step t of lane b is real
    if vocab:
        x = torch.randint(0, vocab, (steps, batch))                             # padded ids: random, but valid
    else:
        x = torch.randn(steps, batch, inp)
        x = torch.where(real.unsqueeze(-1), x, 1e3 * torch.randn(steps, batch, inp))   # garbage at padded steps
    used = [b for b in range(batch) if lengths[b] > 0]
    lanes_used = len(used)

    # PyTorch on the used lanes only (it refuses length 0); the results are scattered back into the full batch.
    xe = x[:, used]
    if m.embed:
        xe = m.embedding(xe)
    elif m.vocab:
        xe = F.one_hot(xe, m.vocab).to(torch.float64)
    packed = pack_padded_sequence(xe, lens[used], enforce_sorted=False)
    out_packed, state = m.rnn(packed)
    out, _ = pad_packed_sequence(out_packed, total_length=steps)               # [T, U, dirs*H], 0 at padded steps
    h_n = state[0] if isinstance(state, tuple) else state                       # [layers*dirs, U, H], per lane
    if many_to_one:
        feat = torch.cat([h_n[-2], h_n[-1]], dim=-1) if bidirectional else h_n[-1]
        z_used = m.head(feat).unsqueeze(0)                                      # [1, U, C]
        real_out = torch.ones(1, batch, dtype=torch.bool)
        out_steps = 1
    else:
        z_used = m.head(out)                                                    # [T, U, C]
        real_out = real
        out_steps = steps
    real_used = real_out[:, used]                                               # [OT, U]

    if head == "softmax":
        y = torch.randint(0, classes, (out_steps, batch))                       # padded targets: random, but valid
        terms = F.cross_entropy(z_used[real_used], y[:, used][real_used], reduction="sum")
        act = torch.softmax(z_used, dim=-1)
    elif head == "linear":
        y = torch.randn(out_steps, batch, classes)
        y = torch.where(real_out.unsqueeze(-1) & (lens > 0).view(1, -1, 1), y, 1e3 * torch.randn(out_steps, batch, classes))
        terms = ((z_used[real_used] - y[:, used][real_used]) ** 2).sum()
        act = z_used
    else:
        y = torch.rand(out_steps, batch, classes)
        y = torch.where(real_out.unsqueeze(-1) & (lens > 0).view(1, -1, 1), y, 1e3 * torch.randn(out_steps, batch, classes))
        terms = F.binary_cross_entropy_with_logits(z_used[real_used], y[:, used][real_used], reduction="sum")
        act = torch.sigmoid(z_used)
    loss = terms / lanes_used
    loss.backward()

    output = torch.zeros(out_steps, batch, classes)
    output[:, used] = (act * real_used.unsqueeze(-1)).detach()                  # 0 at padded steps
    final = [torch.zeros(layers * (2 if bidirectional else 1), batch, proj or hidden)]
    final[0][:, used] = h_n.detach()
    if cell == "lstm":
        c = torch.zeros(layers * (2 if bidirectional else 1), batch, hidden)
        c[:, used] = state[1].detach()
        final.append(c)

    tensors = {k: v for k, v in m.state_dict().items()}
    tensors["golden.lengths"] = lens.to(torch.float64)
    tensors["golden.inputs"] = x.to(torch.float64)
    tensors["golden.targets"] = y.to(torch.float64)
    tensors["golden.output"] = output
    tensors["golden.loss"] = loss.reshape(1)
    tensors["golden.final_state"] = torch.cat([f.reshape(-1) for f in final])
    for k, p in m.named_parameters():
        tensors["golden.grad." + k] = p.grad
    save_safetensors(os.path.join(HERE, name + ".safetensors"), tensors,
                     {"made_by": "tests/golden/make_golden.py", "torch": torch.__version__})
    print(name, float(loss), lengths)


# Appended after the fixtures above, so their random draws (and bytes) stay as they were.
lengths_fixture("lstm_m2m_vector_softmax_lengths", "lstm", hidden=4, layers=1, steps=5, lengths=[5, 2, 0], classes=3, head="softmax", inp=3)
lengths_fixture("gru2_bi_m2o_embedding_softmax_lengths", "gru", hidden=3, layers=2, steps=5, lengths=[3, 5, 0, 1], classes=3, head="softmax", vocab=6, embedding=3, bidirectional=True, many_to_one=True)
lengths_fixture("rnn_bi_m2m_vector_linear_lengths", "rnn", hidden=4, layers=1, steps=4, lengths=[4, 0, 2], classes=2, head="linear", inp=3, bidirectional=True)
lengths_fixture("lstm2_bi_m2m_onehot_sigmoid_lengths", "lstm", hidden=3, layers=2, steps=4, lengths=[2, 4, 3], classes=2, head="sigmoid", vocab=5, bidirectional=True)
lengths_fixture("rnn2_m2o_vector_linear_lengths", "rnn", hidden=4, layers=2, steps=4, lengths=[1, 4, 0], classes=2, head="linear", inp=2, many_to_one=True)
lengths_fixture("gru_m2m_onehot_softmax_lengths", "gru", hidden=4, layers=1, steps=5, lengths=[3, 0, 5, 1], classes=4, head="softmax", vocab=4)
lengths_fixture("lstm_bi_m2o_vector_sigmoid_lengths", "lstm", hidden=3, layers=1, steps=4, lengths=[2, 4, 0], classes=2, head="sigmoid", inp=3, bidirectional=True, many_to_one=True)

# Projected LSTMs (proj_size; weight_hr_l{k} [P, H] after each direction's biases). Appended, so the draws above stay.
fixture("lstmp_m2m_onehot_softmax", "lstm", hidden=4, proj=2, layers=1, steps=5, batch=2, classes=5, head="softmax", vocab=5)
fixture("lstmp2_bi_m2o_vector_linear", "lstm", hidden=4, proj=3, layers=2, steps=4, batch=2, classes=2, head="linear", inp=3, bidirectional=True, many_to_one=True)
lengths_fixture("lstmp2_bi_m2m_embedding_softmax_lengths", "lstm", hidden=4, proj=2, layers=2, steps=5, lengths=[3, 5, 0, 1], classes=3, head="softmax", vocab=6, embedding=3, bidirectional=True)


class Seq2Seq(torch.nn.Module):
    """An encoder-decoder with attention (the README's "Sequence to sequence"): state_dict names encoder.embedding,
    encoder.rnn, decoder.embedding, decoder.rnn, decoder.attention.*, decoder.head. A bidirectional encoder starts a
    decoder of twice the width, each layer's h (and c) being cat(forward, reverse) of the encoder's h_n (OpenNMT's
    bridge). Attention (Luong et al. 2015) of the decoder's top h_t over the encoder's top outputs e_s, masked past each
    lane's source length: dot h.e, general (h W_a).e with W_a = attention.weight [D, E], additive
    v.tanh(query(h) + key(e)); a = softmax, c = sum a e, h~ = tanh(out([c ; h])), z = head(h~)."""

    def __init__(self, cell, vocab, embedding, hidden, layers, bidirectional, kind, classes, feed=False):
        super().__init__()
        self.feed = feed
        kinds = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
        self.cell, self.vocab, self.classes, self.kind = cell, vocab, classes, kind
        self.encoder, self.decoder = torch.nn.Module(), torch.nn.Module()
        if embedding:
            self.encoder.embedding = torch.nn.Embedding(vocab, embedding)
        self.encoder.rnn = kinds[cell](embedding or vocab, hidden, num_layers=layers, bidirectional=bidirectional)
        dirs = 2 if bidirectional else 1
        d = e = hidden * dirs
        if embedding:
            self.decoder.embedding = torch.nn.Embedding(classes + 1, embedding)
        # Input feeding: the first layer reads [x_t ; h~_(t-1)] (RnnGen splits weight_ih_l0 into its x and h~ columns).
        self.decoder.rnn = kinds[cell]((embedding or classes + 1) + (d if feed else 0), d, num_layers=layers)
        self.decoder.attention = torch.nn.Module()
        att = self.decoder.attention
        if kind == "general":
            att.weight = torch.nn.Parameter(torch.empty(d, e).uniform_(-e ** -0.5, e ** -0.5))
        if kind == "additive":
            att.query = torch.nn.Linear(d, d)
            att.key = torch.nn.Linear(e, d, bias=False)
            att.v = torch.nn.Linear(d, 1, bias=False)
        att.out = torch.nn.Linear(e + d, d, bias=False)
        self.decoder.head = torch.nn.Linear(d, classes)
        self.dirs, self.layers = dirs, layers

    def embed(self, part, ids, width):
        return part.embedding(ids) if hasattr(part, "embedding") else F.one_hot(ids, width).to(torch.float64)

    def forward(self, x, src_lens, dec_in):
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
        steps = x.shape[0]
        packed = pack_padded_sequence(self.embed(self.encoder, x, self.vocab), src_lens, enforce_sorted=False)
        out_packed, state = self.encoder.rnn(packed)
        memory, _ = pad_packed_sequence(out_packed, total_length=steps)                   # [T, B, E], 0 at padding

        def bridge(s):                                                                     # [layers*dirs, B, H] -> [layers, B, dirs*H]
            if self.dirs == 1:
                return s
            return torch.cat([s[0::2], s[1::2]], dim=-1)
        init = tuple(bridge(s) for s in state) if self.cell == "lstm" else bridge(state)
        x = self.embed(self.decoder, dec_in, self.classes + 1)
        mem = memory.transpose(0, 1)                                                       # [B, T, E]
        if not self.feed:
            h, _ = self.decoder.rnn(x, init)                                               # [OT, B, D]
            h_tilde, a = self.attend(h.transpose(0, 1), mem, src_lens, steps)
        else:
            tildes, weights, prev, st = [], [], torch.zeros(x.shape[1], self.decoder.head.in_features), init
            for t in range(x.shape[0]):
                h, st = self.decoder.rnn(torch.cat([x[t], prev], dim=-1).unsqueeze(0), st)
                prev, a_t = self.attend(h.transpose(0, 1), mem, src_lens, steps)
                tildes.append(prev)
                weights.append(a_t)
                prev = prev.squeeze(1)
            h_tilde, a = torch.cat(tildes, dim=1), torch.cat(weights, dim=1)
        self.weights = a.transpose(0, 1)                                                   # [OT, B, T]
        return self.decoder.head(h_tilde).transpose(0, 1)                                 # [OT, B, C]

    def attend(self, q, mem, src_lens, steps):
        """q [B, n, D] over mem [B, T, E]: h~ [B, n, D] and the weights [B, n, T]."""
        att = self.decoder.attention
        if self.kind == "dot":
            scores = q @ mem.transpose(1, 2)
        elif self.kind == "general":
            scores = (q @ att.weight) @ mem.transpose(1, 2)
        else:
            scores = att.v(torch.tanh(att.query(q).unsqueeze(2) + att.key(mem).unsqueeze(1))).squeeze(-1)
        mask = torch.arange(steps).view(1, 1, -1) >= src_lens.view(-1, 1, 1)               # [B, 1, T]
        a = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)                 # [B, OT, T]
        c = a @ mem
        return torch.tanh(att.out(torch.cat([c, q], dim=-1))), a


def seq2seq_fixture(name, cell, vocab, embedding, hidden, layers, bidirectional, kind, classes, steps, out_steps, src_lens, tgt_lens, feed=False):
    """Teacher forcing over sources and targets of different lengths (all at least 1: PyTorch refuses 0). Holds the
    state_dict, golden.inputs [T, B], golden.targets [OT, B] (0 past a lane's target length, which is also what RnnGen
    feeds its decoder there), golden.source_lengths, golden.target_lengths, golden.output [OT, B, C] (softmax),
    golden.attention [OT, B, T], golden.loss (summed over real target steps, divided by the lanes) and golden.grad.*."""
    batch = len(src_lens)
    m = Seq2Seq(cell, vocab, embedding, hidden, layers, bidirectional, kind, classes, feed)
    x = torch.randint(0, vocab, (steps, batch))
    y = torch.randint(0, classes, (out_steps, batch))
    tl = torch.tensor(tgt_lens)
    real = torch.arange(out_steps).unsqueeze(1) < tl.unsqueeze(0)                          # [OT, B]
    y = torch.where(real, y, torch.zeros_like(y))
    dec_in = torch.cat([torch.full((1, batch), classes), y[:-1]])                          # start token, then targets
    z = m(x, torch.tensor(src_lens), dec_in)
    loss = F.cross_entropy(z[real], y[real], reduction="sum") / batch
    loss.backward()
    tensors = {k: v for k, v in m.state_dict().items()}
    grads = {"golden.grad." + k: p.grad for k, p in m.named_parameters()}
    if feed:
        # RnnGen keeps the h~ columns of the first decoder layer's input weights as decoder.attention.feed.weight.
        width = embedding or classes + 1
        for prefix, table in (("", tensors), ("golden.grad.", grads)):
            w = table.pop(prefix + "decoder.rnn.weight_ih_l0")
            table[prefix + "decoder.rnn.weight_ih_l0"] = w[:, :width]
            table[prefix + "decoder.attention.feed.weight"] = w[:, width:]
    tensors["golden.inputs"] = x.to(torch.float64)
    tensors["golden.targets"] = y.to(torch.float64)
    tensors["golden.source_lengths"] = torch.tensor(src_lens).to(torch.float64)
    tensors["golden.target_lengths"] = tl.to(torch.float64)
    tensors["golden.output"] = torch.softmax(z, dim=-1).detach()
    tensors["golden.attention"] = m.weights.detach()
    tensors["golden.loss"] = loss.reshape(1)
    tensors.update(grads)
    save_safetensors(os.path.join(HERE, name + ".safetensors"), tensors,
                     {"made_by": "tests/golden/make_golden.py", "torch": torch.__version__})
    print(name, float(loss), src_lens, tgt_lens)


# Encoder-decoders with attention (appended, so the draws above stay).
seq2seq_fixture("s2s_lstm2_bi_general", "lstm", vocab=6, embedding=3, hidden=3, layers=2, bidirectional=True, kind="general", classes=5, steps=5, out_steps=4, src_lens=[3, 5, 1], tgt_lens=[4, 2, 3])
seq2seq_fixture("s2s_gru_additive", "gru", vocab=6, embedding=0, hidden=4, layers=1, bidirectional=False, kind="additive", classes=5, steps=5, out_steps=4, src_lens=[5, 2, 4], tgt_lens=[1, 4, 3])
seq2seq_fixture("s2s_rnn_bi_dot", "rnn", vocab=6, embedding=3, hidden=4, layers=1, bidirectional=True, kind="dot", classes=5, steps=5, out_steps=4, src_lens=[2, 5, 4], tgt_lens=[4, 4, 2])
# Input feeding: the first decoder layer reads [x_t ; h~_(t-1)], h~_(-1) = 0 (appended, so the draws above stay).
seq2seq_fixture("s2s_lstm2_feed_general", "lstm", vocab=6, embedding=3, hidden=3, layers=2, bidirectional=False, kind="general", classes=5, steps=5, out_steps=4, src_lens=[3, 5, 1], tgt_lens=[4, 2, 3], feed=True)
seq2seq_fixture("s2s_gru_bi_feed_additive", "gru", vocab=6, embedding=0, hidden=3, layers=1, bidirectional=True, kind="additive", classes=5, steps=5, out_steps=4, src_lens=[5, 2, 4], tgt_lens=[1, 4, 3], feed=True)
