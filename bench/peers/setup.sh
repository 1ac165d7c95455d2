#!/bin/sh
# Installs what the benchmark's PyTorch and ONNX Runtime peers need from Debian's packages: PyTorch, and OpenBLAS's
# threaded build (without it Debian's PyTorch falls back to a reference BLAS, many times slower). ONNX Runtime itself
# comes with the benchmark project's package references.
set -e
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread >/dev/null
/usr/bin/python3 -c "import torch; print('peer ready: pytorch', torch.__version__)"
