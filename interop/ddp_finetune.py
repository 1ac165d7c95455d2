#!/usr/bin/env python3
"""Fine-tune an RnnGen checkpoint with PyTorch's DistributedDataParallel, then save it for RnnGen again.

RnnGen's tensor names and layouts are PyTorch's state_dict (children `embedding`, `rnn`, `head`), so a checkpoint moves
into a torch module, trains on several processes (or machines) with DDP, and comes back:

    python3 interop/ddp_finetune.py --checkpoint char.safetensors --text train.txt --out tuned.safetensors \
        --steps 300 --procs 2

    # on several machines: the same script under torchrun (one process per CPU or GPU slot)
    torchrun --nnodes 2 --nproc-per-node 8 --rdzv-endpoint HOST:29500 interop/ddp_finetune.py --checkpoint ... --torchrun

Then `Safetensors.Load(model, "tuned.safetensors")` in C#. The network (cell, layers, sizes, embedding or one-hot
input) is read from the checkpoint's tensor shapes; characters are token ids by their code (ASCII; others as '?'),
as in the rnngen-charlm template. Each process draws its own random windows of the text; DDP averages the gradients
(gloo backend: CPU, no GPU needed); rank 0 writes the result. Needs only torch (Debian: apt-get install python3-torch);
safetensors.torch is used when installed, else the format is read and written here.
"""
import argparse
import json
import math
import os
import socket
import struct

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

# ---------------------------------------------------------------- safetensors (the package, or the format by hand)

try:
    from safetensors.torch import load_file, save_file
except ImportError:
    _DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}
    _NAMES = {v: k for k, v in _DTYPES.items()}

    def load_file(filename):
        with open(filename, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        data = raw[8 + n:]
        out = {}
        for name, e in header.items():
            if name == "__metadata__":
                continue
            begin, end = e["data_offsets"]
            dtype = _DTYPES[e["dtype"]]
            width = torch.int16 if dtype in (torch.float16, torch.bfloat16) else dtype
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=width).view(dtype)
            out[name] = t.reshape(e["shape"]).clone()
        return out

    def save_file(tensors, filename, metadata=None):
        header, chunks, offset = {}, [], 0
        if metadata:
            header["__metadata__"] = metadata
        for name in sorted(tensors):
            t = tensors[name].detach().contiguous().cpu()
            data = (t.view(torch.int16) if t.element_size() == 2 else t).numpy().tobytes()
            header[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
            chunks.append(data)
            offset += len(data)
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        text += b" " * (-len(text) % 8)
        with open(filename + ".tmp", "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
        os.replace(filename + ".tmp", filename)


# ---------------------------------------------------------------- the module RnnGen's checkpoint describes


class RnnGenModule(nn.Module):
    """RnnGen's many-to-many token model as torch modules: [embedding], rnn (LSTM/GRU/RNN stack), head (Linear)."""

    def __init__(self, state):
        super().__init__()
        layers = sum(1 for k in state if k.startswith("rnn.weight_ih_l") and not k.endswith("_reverse"))
        if any(k.endswith("_reverse") for k in state):
            raise SystemExit("bidirectional layers read ahead: a language model cannot use them")
        hidden = state["rnn.weight_hh_l0"].shape[1]
        gates = state["rnn.weight_hh_l0"].shape[0] // hidden
        self.vocabulary = state["head.weight"].shape[0]
        if "embedding.weight" in state:
            self.embedding = nn.Embedding(*state["embedding.weight"].shape)
            width = state["embedding.weight"].shape[1]
        else:
            self.embedding = None
            width = state["rnn.weight_ih_l0"].shape[1]
            self.inputs = width
        cell = {4: nn.LSTM, 3: nn.GRU, 1: nn.RNN}[gates]
        self.rnn = cell(width, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, self.vocabulary)

    def forward(self, tokens):  # [T, B] → logits [T, B, V]
        x = self.embedding(tokens) if self.embedding is not None else nn.functional.one_hot(tokens, self.inputs).float()
        h, _ = self.rnn(x)
        return self.head(h)


def encode(text, vocabulary):
    return torch.tensor([ord(c) if ord(c) < vocabulary else ord("?") for c in text], dtype=torch.long)


def windows(ids, steps, batch, generator):
    starts = torch.randint(0, len(ids) - steps - 1, (batch,), generator=generator)
    x = torch.stack([ids[s:s + steps] for s in starts.tolist()], dim=1)  # [T, B], time-major as in RnnGen
    y = torch.stack([ids[s + 1:s + steps + 1] for s in starts.tolist()], dim=1)
    return x, y


# ---------------------------------------------------------------- one process of the data-parallel job


def train(rank, world, args):
    if not args.torchrun:
        os.environ["MASTER_ADDR"] = "127.0.0.1"
        os.environ["MASTER_PORT"] = str(args.port)
        dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)  # same initial module everywhere (DDP also broadcasts rank 0's parameters)
    state = load_file(args.checkpoint)
    state = {k: v.float() for k, v in state.items()}
    module = RnnGenModule(state)
    module.load_state_dict(state)  # strict: every tensor of the module, no others
    model = nn.parallel.DistributedDataParallel(module)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    with open(args.text, encoding="utf-8") as f:
        ids = encode(f.read(), module.vocabulary)
    generator = torch.Generator().manual_seed(args.seed * 1000 + rank)  # each rank its own windows
    loss_fn = nn.CrossEntropyLoss()
    for step in range(1, args.steps + 1):
        x, y = windows(ids, args.seq, args.batch, generator)
        optimizer.zero_grad()
        loss = loss_fn(model(x).reshape(-1, module.vocabulary), y.reshape(-1))
        loss.backward()  # DDP averages the gradients over the processes here
        nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        optimizer.step()
        if rank == 0 and (step % args.report == 0 or step == args.steps):
            print(f"step {step} of {args.steps}: {loss.item() / math.log(2):.3f} bits/char (rank 0's batch)", flush=True)
    if rank == 0:
        # The inner module's names (without DDP's "module."), as RnnGen names them; float32, as a float model saves.
        save_file({k: v.detach().float().contiguous() for k, v in model.module.state_dict().items()}, args.out,
                  metadata={"format": "pt", "rnngen.finetuned_by": f"ddp_finetune.py, {world} processes, {args.steps} steps"})
        print(f"wrote {args.out}", flush=True)
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", required=True, help="the RnnGen checkpoint to start from (safetensors)")
    p.add_argument("--text", required=True, help="training text (UTF-8)")
    p.add_argument("--out", required=True, help="where to write the fine-tuned checkpoint")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--seq", type=int, default=64, help="steps per window (truncated BPTT length)")
    p.add_argument("--batch", type=int, default=16, help="windows per process and step")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--clip", type=float, default=5.0)
    p.add_argument("--procs", type=int, default=2, help="processes on this machine (ignored with --torchrun)")
    p.add_argument("--threads", type=int, default=1, help="torch threads per process")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--report", type=int, default=50)
    p.add_argument("--torchrun", action="store_true", help="started by torchrun: rank and world from its environment")
    args = p.parse_args()
    if args.torchrun:
        dist.init_process_group("gloo")
        train(dist.get_rank(), dist.get_world_size(), args)
    else:
        args.port = free_port()
        mp.spawn(train, args=(args.procs, args), nprocs=args.procs, join=True)


if __name__ == "__main__":
    main()
