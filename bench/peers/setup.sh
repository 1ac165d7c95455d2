#!/bin/sh
# Installs what the benchmark's PyTorch and ONNX Runtime peers need from Debian's packages: PyTorch, and OpenBLAS's
# threaded build (without it Debian's PyTorch falls back to a reference BLAS, many times slower). ONNX Runtime itself
# comes with the benchmark project's package references. libdnnl-dev and g++ are for the oneDNN peer, which
# build-onednn.sh then builds (the `peers` command also builds it the first time it is missing).
set -e
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread libdnnl-dev g++ >/dev/null
/usr/bin/python3 -c "import torch; print('peer ready: pytorch', torch.__version__)"
