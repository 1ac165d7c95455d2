#!/usr/bin/env bash
# The sweep that chose the Sample's default character model: each shape of CharShapes.Sweep trained for the same
# wall-clock budget (default 2 minutes) with the same seed, one after another on an otherwise quiet machine, then a
# table of held-out and train bits per character (the kept model: early stopping by validation).
#   scripts/char-sweep.sh [minutes] [shape ...]
# Needs a Release build of the Sample (dotnet build Sample -c Release). Each run's output stays in $out/<shape>/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-2}
shift || true
shapes=("$@")
if [ ${#shapes[@]} -eq 0 ]; then
  shapes=(lstm256 lstm256-d20 lstm256-d35 lstm256-d50 lstm256-d35-r20 lstm384-d50 2lstm256-d35)
fi
out=${SWEEP_OUT:-output/sweep}
mkdir -p "$out"
printf '| shape | layers | parameters | held-out bits/char | train bits/char | kept step / steps | chars/s |\n|---|---|---|---|---|---|---|\n' > "$out/table.md"
for shape in "${shapes[@]}"; do
  log="$out/$shape.log"
  dotnet run --project Sample -c Release --no-build -- train --shape "$shape" --minutes "$minutes" --seed 1 --output "$out/$shape" > "$log" 2>&1
  model=$(grep -m1 '^  model ' "$log" | sed -E 's/^  model +[^:]+: (.*) over .*, ([0-9,]+) parameters.*/\1|\2/')
  valid=$(grep -m1 '^  validation ' "$log" | sed -E 's/^  validation ([0-9.]+).*/\1/')
  train=$(grep -m1 '^  train  ' "$log" | sed -E 's/^  train +([0-9.]+).*/\1/')
  steps=$(grep -m1 '^  validation ' "$log" | sed -E 's/.*; ([0-9,]+) steps.*/\1/')
  rate=$(grep -m1 '^  validation ' "$log" | sed -E 's/.* ([0-9,]+) chars\/s\)$/\1/')
  kept=$(grep -m1 '^  kept ' "$log" | sed -E 's/.*of step ([0-9,]+).*/\1/; s/.*the last step.*/last/')
  printf '| %s | %s | %s | %s | %s | %s / %s | %s |\n' "$shape" "${model%%|*}" "${model##*|}" "$valid" "$train" "$kept" "$steps" "$rate" >> "$out/table.md"
  tail -1 "$out/table.md"
done
cat "$out/table.md"
