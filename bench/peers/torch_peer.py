#!/usr/bin/python3
"""The benchmark's PyTorch peer: RnnGen's peer workload in PyTorch on the CPU, timed.

Workload (the one bench/RnnGen.Benchmarks/PeerModels.cs declares): vector input of I values, one LSTM, GRU or tanh RNN
layer of H units, a Linear(H, C) head with softmax cross-entropy summed over the steps and averaged over the batch;
time-major inputs [T, B, I]. A train step is zero-grad, forward, loss, backward, clipping to global norm 5 and an SGD
update; forward is the inference pass with the softmax.

    /usr/bin/python3 bench/peers/torch_peer.py --cell lstm --input 65 --hidden 128 --steps 32 --batch 16 [--classes C] [--threads 1] [--reps 30]
        [--lengths 9,64,...]

With --lengths (one length in [1, steps] per lane), both passes run the batch as a packed sequence, the way a PyTorch
training loop over lanes of different lengths does: pack_padded_sequence(x, lengths, enforce_sorted=False) into the
recurrent layer, the head on the packed rows only, the targets packed the same way, the loss summed over the real steps
and averaged over the lanes (RnnGen's IVariableLengthModel loss). The packing is part of each timed call.

Prints one JSON line: the median milliseconds of "forward_ms" and "train_ms", the forward FLOPs as the benchmark counts
them, and the process's peak resident memory in MB. Install the peer with bench/peers/setup.sh.
"""
import argparse
import json
import resource
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
parser.add_argument("--input", type=int, default=65)
parser.add_argument("--hidden", type=int, default=128)
parser.add_argument("--steps", type=int, default=32)
parser.add_argument("--batch", type=int, default=1)
parser.add_argument("--classes", type=int, default=0)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--reps", type=int, default=30)
parser.add_argument("--lengths", default="", help="comma-separated length of each lane: run packed sequences")
args = parser.parse_args()
classes = args.classes or args.input

torch.manual_seed(0)
torch.set_num_threads(args.threads)  # the caller also pins OpenBLAS's own pool through the environment
cells = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}
rnn = cells[args.cell](args.input, args.hidden)
head = torch.nn.Linear(args.hidden, classes)
parameters = list(rnn.parameters()) + list(head.parameters())
sgd = torch.optim.SGD(parameters, lr=0.01)
x = torch.randn(args.steps, args.batch, args.input)
targets = torch.randint(0, classes, (args.steps, args.batch))
lengths = None
if args.lengths:
    lengths = torch.tensor([int(v) for v in args.lengths.split(",")], dtype=torch.int64)
    if lengths.numel() != args.batch or int(lengths.min()) < 1 or int(lengths.max()) > args.steps:
        parser.error(f"--lengths needs {args.batch} values in [1, {args.steps}]")
    pack = torch.nn.utils.rnn.pack_padded_sequence


def forward():
    with torch.no_grad():
        h, _ = rnn(x)
        return torch.softmax(head(h), dim=-1)


def forward_packed():
    with torch.no_grad():
        h, _ = rnn(pack(x, lengths, enforce_sorted=False))
        return torch.softmax(head(h.data), dim=-1)


def train_step_packed():
    sgd.zero_grad(set_to_none=True)
    h, _ = rnn(pack(x, lengths, enforce_sorted=False))
    logits = head(h.data)
    packed_targets = pack(targets, lengths, enforce_sorted=False).data
    loss = torch.nn.functional.cross_entropy(logits, packed_targets, reduction="sum") / args.batch
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, 5.0)
    sgd.step()


def train_step():
    sgd.zero_grad(set_to_none=True)
    h, _ = rnn(x)
    logits = head(h).reshape(args.steps * args.batch, classes)
    loss = torch.nn.functional.cross_entropy(logits, targets.reshape(-1), reduction="sum") / args.batch
    loss.backward()
    torch.nn.utils.clip_grad_norm_(parameters, 5.0)
    sgd.step()


def median_ms(step):
    for _ in range(3):
        step()
    times = []
    for _ in range(args.reps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2] * 1e3


gates = {"lstm": 4, "gru": 3, "rnn": 1}[args.cell]
result = {
    "peer": f"pytorch {torch.__version__}", "cell": args.cell, "input": args.input, "hidden": args.hidden,
    "steps": args.steps, "batch": args.batch, "classes": classes, "threads": args.threads,
    "forward_ms": median_ms(forward if lengths is None else forward_packed),
    "train_ms": median_ms(train_step if lengths is None else train_step_packed),
    "forward_flops": args.steps * args.batch * (2 * gates * args.hidden * (args.input + args.hidden) + 2 * args.hidden * classes),
}
if lengths is not None:
    result["lengths"] = lengths.tolist()
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
