#!/bin/sh
# Builds the benchmark's oneDNN peer (onednn_peer.cpp) against Debian's oneDNN (libdnnl-dev, 2.6 on bookworm), and
# fma_peak (fma_peak.c: this core's FMA peak from a C loop, the cross-check of the figure `peers` measures in C#).
#
#   sh bench/peers/build-onednn.sh [output-folder]      (default: bench/peers/bin, ignored by git)
#
# Installs libdnnl-dev and g++ with apt-get when they are missing (apt-get update first only if the install fails
# without it; needs root). Compiles with -O3 -march=native: the binaries run where they are built. oneDNN's RNN kernels
# are its own, JIT-compiled at run time for the CPU's instruction set; -march only affects the peer's small loops.
# Prints the peer binary's path on its last line (the benchmark reads it).
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/bin}
mkdir -p "$out"
out=$(cd "$out" && pwd)

need=""
{ [ -f /usr/include/oneapi/dnnl/dnnl.hpp ] && ls /usr/lib/*/libdnnl.so >/dev/null 2>&1; } || need="$need libdnnl-dev"
command -v g++ >/dev/null 2>&1 || need="$need g++"
if [ -n "$need" ]; then
  echo "installing$need" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq $need >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $need >/dev/null; }
fi

g++ -O3 -march=native -std=c++17 "$here/onednn_peer.cpp" -ldnnl -o "$out/onednn_peer"
# The C FMA loop is optional: a missing gcc (g++ brings it) or a failed build only loses the cross-check.
gcc -O3 -march=native "$here/fma_peak.c" -o "$out/fma_peak" 2>/dev/null || echo "fma_peak not built (the benchmark still measures its own peak)" >&2
echo "$out/onednn_peer"
