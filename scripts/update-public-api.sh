#!/usr/bin/env bash
# Rewrites the runtime's declared public API from its code, then the overview that lists it:
#   Runtime/PublicAPI.Unshipped.txt   every public symbol of RnnGen.Runtime not already in PublicAPI.Shipped.txt
#   docs/API.md                       the public types by namespace, each with the first sentence of its <summary>
# Run it after adding, changing or removing public API (or after merging a branch that did), then review the diff:
#   scripts/update-public-api.sh
# How: Microsoft.CodeAnalysis.PublicApiAnalyzers reports every public symbol missing from the two files as RS0016,
# with the symbol's line for the file in its message. The script empties PublicAPI.Unshipped.txt, builds the runtime
# once with warnings left as warnings, and writes the RS0016 symbols back, sorted. A symbol listed in
# PublicAPI.Shipped.txt that the code no longer has (RS0017) is printed and the script fails: removing shipped API is a
# decision (mark the line *REMOVED* in PublicAPI.Unshipped.txt), not something to regenerate away.
set -euo pipefail
cd "$(dirname "$0")/.."

unshipped=Runtime/PublicAPI.Unshipped.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT

printf '#nullable enable\n' > "$unshipped"
# --no-incremental: the analyzer must see every file; English messages, so the pattern below matches.
if ! DOTNET_CLI_UI_LANGUAGE=en dotnet build Runtime/RnnGen.Runtime.csproj -c Release --no-incremental -nologo \
     -p:TreatWarningsAsErrors=false -clp:NoSummary >"$log" 2>&1; then
  cat "$log"
  echo "update-public-api: the runtime does not build (above); $unshipped is left empty." >&2
  exit 1
fi

if grep -q 'RS0017' "$log"; then
  grep 'RS0017' "$log" | sed -E "s/.*Symbol '(.*)' is part of the declared API.*/\1/" | LC_ALL=C sort -u >&2
  echo "update-public-api: the symbols above are in PublicAPI.Shipped.txt but no longer in the code." >&2
  exit 1
fi

{
  printf '#nullable enable\n'
  grep 'warning RS0016' "$log" | sed -E "s/.*Symbol '(.*)' is not part of the declared public API.*/\1/" | LC_ALL=C sort -u
} > "$unshipped.new"
mv "$unshipped.new" "$unshipped"
echo "update-public-api: $(($(wc -l < "$unshipped") - 1)) symbols in $unshipped"

# The build the analyzer ran in also wrote the XML documentation the overview quotes.
python3 scripts/api-overview.py Runtime/PublicAPI.Shipped.txt "$unshipped" Runtime/bin/Release/net10.0/RnnGen.Runtime.xml > docs/API.md
echo "update-public-api: wrote docs/API.md"

# Any other warning (RS0026 on a new overload with optional parameters, a missing XML comment) would fail the real build.
if grep -E 'warning [A-Z]+[0-9]+' "$log" | grep -v 'RS0016' | grep -q .; then
  grep -E 'warning [A-Z]+[0-9]+' "$log" | grep -v 'RS0016' | LC_ALL=C sort -u >&2
  echo "update-public-api: the warnings above are errors in the normal build; fix them." >&2
  exit 1
fi
