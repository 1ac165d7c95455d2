#!/usr/bin/python3
"""Writes the peer workload's inference graph as ONNX, for the benchmark's ONNX Runtime peer.

The same module as torch_peer.py (one LSTM/GRU/RNN layer, Linear head, softmax), exported by PyTorch with the standard
ONNX LSTM/GRU/RNN operators: input "x" [T, B, I] float32, output "y" [T, B, C] probabilities.

    /usr/bin/python3 bench/peers/export_onnx.py --cell lstm --input 65 --hidden 128 --steps 32 --batch 16 [--classes C] [--lengths] --out model.onnx

With --lengths the graph has a second input "lengths", int64 [B], each lane's number of real steps: the recurrent
operator gets it as its sequence_lens (the lanes need no sorting; steps past a lane's length are not run and its
hidden output there is 0). Exported from pack_padded_sequence(enforce_sorted=True), whose only trace in the graph
is that input cast to int32; the example lengths are all T.
"""
import argparse
import warnings

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
parser.add_argument("--input", type=int, default=65)
parser.add_argument("--hidden", type=int, default=128)
parser.add_argument("--steps", type=int, default=32)
parser.add_argument("--batch", type=int, default=1)
parser.add_argument("--classes", type=int, default=0)
parser.add_argument("--lengths", action="store_true", help="add the lengths input (the operator's sequence_lens)")
parser.add_argument("--out", required=True)
args = parser.parse_args()
classes = args.classes or args.input
torch.manual_seed(0)


class PeerModel(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[args.cell](args.input, args.hidden)
        self.head = torch.nn.Linear(args.hidden, classes)

    def forward(self, x, lengths=None):
        if lengths is None:
            h, _ = self.rnn(x)
        else:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=True)
            h, _ = torch.nn.utils.rnn.pad_packed_sequence(self.rnn(packed)[0], total_length=args.steps)
        return torch.softmax(self.head(h), dim=-1)


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    example = (torch.randn(args.steps, args.batch, args.input),)
    if args.lengths:
        example += (torch.full((args.batch,), args.steps, dtype=torch.int64),)
    torch.onnx.export(PeerModel().eval(), example, args.out,
                      input_names=["x", "lengths"] if args.lengths else ["x"], output_names=["y"], opset_version=14)
print(args.out)
