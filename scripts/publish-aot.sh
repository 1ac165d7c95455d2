#!/usr/bin/env bash
# Publishes the Sample as a Native AOT executable for linux-x64 into artifacts/aot, then runs a short training run and a
# sampling pass with it.
#
#   scripts/publish-aot.sh [minutes]    # minutes of training for the run afterwards (default 0.25)
#   ISA=x86-64-v3 scripts/publish-aot.sh  # instruction set of the binary (default: native, this machine's CPU)
#
# Native AOT needs a C toolchain to link: clang (the linker driver ILCompiler calls) and zlib1g-dev. They are installed from
# Debian's packages when missing. The ILCompiler packages themselves come from NuGet at restore (the SDK picks the version).
# Publishing takes a few minutes on two cores; the result is one self-contained executable, artifacts/aot/RnnGen.Sample
# (its native debug symbols are beside it in RnnGen.Sample.dbg).
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:-0.25}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

missing=()
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q 'install ok installed' || missing+=(zlib1g-dev)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "+ installing ${missing[*]} (Debian packages)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

out=artifacts/aot
rm -rf "$out"
# NativeAot=true sets PublishAot=true in the Sample's project file only (see the comment there: -p:PublishAot=true on the
# command line would also reach the netstandard2.0 generator project and fail with NETSDK1207).
# IlcInstructionSet=native: Native AOT fixes the SIMD width at compile time (Vector256/Vector512.IsHardwareAccelerated
# become constants), and its default target, x86-64-v2, has 128-bit vectors only. This binary is built to run here, so it
# targets this CPU; for one that runs on any x64 with AVX2, pass ISA=x86-64-v3 (ISA= for the default).
isa="${ISA-native}"
args=(Sample/RnnGen.Sample.csproj -c Release -r linux-x64 -p:NativeAot=true -o "$out")
[ -n "$isa" ] && args+=(-p:IlcInstructionSet="$isa")
echo "+ dotnet publish ${args[*]}"
start=$(date +%s%N)
dotnet publish "${args[@]}"
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
printf 'published in %d.%d s: %s, %s bytes\n' $((ms / 1000)) $((ms % 1000 / 100)) "$out/RnnGen.Sample" "$(stat -c %s "$out/RnnGen.Sample")"

work=$(mktemp -d)
echo "+ $out/RnnGen.Sample train --shape small --minutes $minutes --output $work"
"$out/RnnGen.Sample" train --shape small --minutes "$minutes" --output "$work"
echo "+ $out/RnnGen.Sample sample --checkpoint $work/char-model.safetensors --length 200"
"$out/RnnGen.Sample" sample --checkpoint "$work/char-model.safetensors" --length 200
rm -rf "$work"
