#!/usr/bin/python3
"""Correctness check of the benchmark's oneDNN peer: onednn_peer computes what torch_peer.py computes.

For each cell (lstm, gru, rnn) and four configurations, builds torch_peer.py's model in PyTorch, writes its parameters
(PyTorch's layout and gate order), x and the targets to a file, runs `onednn_peer --check-in ... --check-out ...` on
them, and compares against PyTorch: the forward probabilities (inference), the loss and every parameter's gradient of a
train step, and the parameters after one and after two whole train steps (clip to norm 5, SGD lr 0.01).
Errors are relative to the largest magnitude of the PyTorch tensor (max |a - b| / max |b|); for the parameters after a
step, relative to the largest magnitude of PyTorch's update (new - old), a far stricter measure: the update is about
1e-3 of the weights, so float32 rounding of the weights alone shows up as 1e-5..1e-4 there, and those errors are held
to 10x the tolerance. One configuration drives the gradient norm above 5, so the clipping acts; the last has the
benchmark's layer sizes, so the same kernels and weight layouts run as in the timings.

    /usr/bin/python3 bench/peers/check_onednn.py [path/to/onednn_peer] [--tol 1e-4]

Without a path, uses bench/peers/bin/onednn_peer, building it with build-onednn.sh if it is missing.
Exit status 0 when every error is within the tolerance. Needs PyTorch (setup.sh) and NumPy (which PyTorch brings).
"""
import argparse, os, subprocess, sys, tempfile
import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("binary", nargs="?", default=None)
p.add_argument("--tol", type=float, default=1e-4)
a = p.parse_args()
if a.binary is None:
    a.binary = os.path.join(here, "bin", "onednn_peer")
    if not os.path.exists(a.binary):
        subprocess.run(["sh", os.path.join(here, "build-onednn.sh")], check=True, stdout=subprocess.DEVNULL)
torch.set_num_threads(1)

# (I, H, T, B, C, input scale): the third drives the gradient norm above 5 so clipping acts; the
# last has the benchmark's layer sizes, so the same kernels and weight layouts run.
configs = [(5, 7, 4, 3, 6, 1.0), (3, 16, 9, 1, 4, 1.0), (5, 7, 40, 1, 6, 4.0), (65, 128, 8, 4, 65, 1.0)]
NAMES = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "head.weight", "head.bias"]


def run(cell, I, H, T, B, C, scale, seed):
    torch.manual_seed(seed)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](I, H)
    head = torch.nn.Linear(H, C)
    params = [rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0, head.weight, head.bias]
    opt = torch.optim.SGD(params, lr=0.01)
    x = torch.randn(T, B, I) * scale
    y = torch.randint(0, C, (T, B))

    with tempfile.TemporaryDirectory() as d:
        fin, fout = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
        blob = [t.detach().numpy().ravel() for t in params] + [x.numpy().ravel(), y.float().numpy().ravel()]
        np.concatenate(blob).astype(np.float32).tofile(fin)
        cmd = [a.binary, "--cell", cell, "--input", str(I), "--hidden", str(H), "--steps", str(T),
               "--batch", str(B), "--classes", str(C), "--threads", "1", "--check-in", fin, "--check-out", fout]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
        got = np.fromfile(fout, dtype=np.float32)

    # PyTorch reference, exactly as torch_peer.py
    with torch.no_grad():
        out, _ = rnn(x)
        probs = torch.softmax(head(out), dim=-1)

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = rnn(x)
        logits = head(out).reshape(T * B, C)
        loss = torch.nn.functional.cross_entropy(logits, y.reshape(-1), reduction="sum") / B
        loss.backward()
        grads = [q.grad.detach().clone() for q in params]
        norm = torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        return loss.item(), grads, float(norm)

    loss1, grads1, norm1 = step()
    after1 = [q.detach().clone() for q in params]
    loss2, _, _ = step()
    after2 = [q.detach().clone() for q in params]

    # unpack the peer's answer (same order as onednn_peer.cpp's check mode)
    sizes = [q.numel() for q in params]
    pos = 0
    def take(n):
        nonlocal pos
        v = got[pos:pos + n]; pos += n
        return v
    g_probs = take(probs.numel())
    g_loss1 = take(1)[0]
    g_grads = [take(n) for n in sizes]
    g_after1 = [take(n) for n in sizes]
    g_loss2 = take(1)[0]
    g_after2 = [take(n) for n in sizes]
    assert pos == got.size, f"peer wrote {got.size} floats, expected {pos}"

    def rel(mine, ref):
        ref = ref.detach().numpy().ravel().astype(np.float64)
        return float(np.max(np.abs(mine.astype(np.float64) - ref)) / max(np.max(np.abs(ref)), 1e-30))

    def rel_step(mine, before, ref):  # error of the update itself, relative to the update's size
        d_ref = (ref - before).detach().numpy().ravel().astype(np.float64)
        d_mine = mine.astype(np.float64) - before.detach().numpy().ravel()
        return float(np.max(np.abs(d_mine - d_ref)) / max(np.max(np.abs(d_ref)), 1e-30))

    errs = {"probs": rel(g_probs, probs),
            "loss1": abs(g_loss1 - loss1) / abs(loss1),
            "loss2": abs(g_loss2 - loss2) / abs(loss2)}
    for n, g, r_ in zip(NAMES, g_grads, grads1):
        errs["d" + n] = rel(g, r_)
    errs["params1"] = max(rel_step(m, b, r_) for m, b, r_ in zip(g_after1, init_params(seed, cell, I, H, C), after1))
    errs["params2"] = max(rel_step(m, b, r_) for m, b, r_ in zip(g_after2, after1, after2))
    return errs, norm1


def init_params(seed, cell, I, H, C):
    """The initial parameters of run(seed), rebuilt (the update is checked relative to its size)."""
    torch.manual_seed(seed)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](I, H)
    head = torch.nn.Linear(H, C)
    return [q.detach().clone() for q in (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
                                         head.weight, head.bias)]


worst = 0.0
for cell in ["lstm", "gru", "rnn"]:
    for k, (I, H, T, B, C, scale) in enumerate(configs):
        errs, norm = run(cell, I, H, T, B, C, scale, seed=k + 1)
        w = max(max(v for n, v in errs.items() if not n.startswith("params")),
                max(errs["params1"], errs["params2"]) / 10)
        worst = max(worst, w)
        grad_w = max(v for n, v in errs.items() if n.startswith("d"))
        print(f"{cell:4s} I={I} H={H} T={T} B={B} C={C} x*{scale:g}: grad norm {norm:6.2f}"
              f"{' (clipped)' if norm > 5 else '          '} | probs {errs['probs']:.1e} "
              f"loss {max(errs['loss1'], errs['loss2']):.1e} grads {grad_w:.1e} "
              f"(worst {max((n for n in errs if n.startswith('d')), key=errs.get)}) "
              f"update1 {errs['params1']:.1e} update2 {errs['params2']:.1e}"
              f"{'' if w <= a.tol else '  << FAIL'}")
print(f"worst relative error {worst:.1e} (tolerance {a.tol:g}, updates 10x): {'ok' if worst <= a.tol else 'FAIL'}")
sys.exit(0 if worst <= a.tol else 1)
