#!/usr/bin/env bash
# A scripted hostile run of the Sample: kill -9 at five moments (during training, and inside each save: the checkpoint,
# the optimizer state, the loss curve, and between the checkpoint's and the optimizer's renames), a full disk, a
# read-only folder, and each bad input the reliability issue lists. Every scenario checks what must hold afterwards
# (exit code, one-line error, files unchanged or still usable, no temporary file left after the next save) and the
# script ends with a results table.
#
#   scripts/hostile-run.sh            # builds the Sample (Release), runs everything in a temporary folder
#
# The full-disk and read-only scenarios mount a small tmpfs and a read-only bind mount, which needs root; without it
# they are skipped with a message. The kills use the Sample's test hook RNNGEN_TEST_PAUSE_IN_SAVE=<stage>, which makes it
# wait inside the save (temporary file written, not yet renamed) so the kill lands there.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "+ dotnet build Sample -c Release"
dotnet build Sample -c Release -v q -nologo >/tmp/hostile-build.log 2>&1 || { tail -20 /tmp/hostile-build.log; exit 1; }
dll="$repo/Sample/bin/Release/net10.0/RnnGen.Sample.dll"

work=$(mktemp -d /tmp/rnngen-hostile.XXXXXX)
mounts=()
cleanup() {
    for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

S() { dotnet "$dll" "$@"; }
hash() { sha256sum "$@" 2>/dev/null | cut -c1-16 | tr '\n' ' '; }
tmps() { find "${1:-.}" -maxdepth 1 -name '.*.tmp' | wc -l; }

results=()
pass=0 fail=0 skip=0
record() { # name, expected, got, ok(0/1), detail
    local verdict=FAIL
    if [ "$4" = skip ]; then verdict=SKIP; skip=$((skip + 1))
    elif [ "$4" -eq 1 ]; then verdict=PASS; pass=$((pass + 1))
    else fail=$((fail + 1)); fi
    results+=("| $1 | $2 | $3 | $verdict | $5 |")
}
# One line on stderr starting "error:", no stack trace.
one_line_error() { [ "$(grep -c . "$1")" -eq 1 ] && grep -q '^error: ' "$1" && ! grep -q '   at ' "$1"; }
first_line() { head -c 160 "$1" | head -1 | tr '|' '/'; }

# ------------------------------------------------------------------------------------------------- a baseline checkpoint
head -c 70000 "$repo/Sample/Data/sherlock.txt" > t.txt
mkdir base
S train t.txt --shape small --batch 16 --epochs 1 --length 10 --checkpoint base/model.safetensors --output base/curves >base.out 2>base.err
if [ ! -f base/model.safetensors ] || [ ! -f base/model.optimizer.safetensors ]; then
    echo "baseline training failed:"; cat base.err; exit 1
fi
echo "+ baseline: $(grep validation base.out | head -1 | sed 's/^ *//')"

fresh() { rm -rf "$1"; cp -r base "$1"; }

# ------------------------------------------------------------------------------------------------- kill -9 at five moments
kill_at() { # folder, stage (training | checkpoint | optimizer | curve | commit)
    local dir=$1 stage=$2 pid
    if [ "$stage" = training ]; then
        S train t.txt --resume "$dir/model.safetensors" --epochs 50 --length 5 --output "$dir/curves" >"$dir.run.out" 2>"$dir.run.err" &
        pid=$!
        for _ in $(seq 1 200); do grep -q 'step' "$dir.run.out" 2>/dev/null && break; sleep 0.1; done
        sleep 1
    else
        RNNGEN_TEST_PAUSE_IN_SAVE=$stage RNNGEN_TEST_PAUSE_SECONDS=60 \
            S train t.txt --resume "$dir/model.safetensors" --epochs 0.5 --length 5 --output "$dir/curves" >"$dir.run.out" 2>"$dir.run.err" &
        pid=$!
        for _ in $(seq 1 600); do grep -q 'test pause' "$dir.run.err" 2>/dev/null && break; sleep 0.1; done
    fi
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

for stage in training checkpoint optimizer curve commit; do
    dir="kill-$stage"
    fresh "$dir"
    before_model=$(hash "$dir/model.safetensors"); before_opt=$(hash "$dir/model.optimizer.safetensors")
    kill_at "$dir" "$stage"
    after_model=$(hash "$dir/model.safetensors"); after_opt=$(hash "$dir/model.optimizer.safetensors")
    left=$(tmps "$dir"; tmps "$dir/curves" 2>/dev/null)
    left=$(echo $left | awk '{s=0; for(i=1;i<=NF;i++) s+=$i; print s}')
    S sample --checkpoint "$dir/model.safetensors" --length 20 >"$dir.sample.out" 2>"$dir.sample.err"; sample_exit=$?
    S train t.txt --resume "$dir/model.safetensors" --epochs 0.3 --length 5 --output "$dir/curves" >"$dir.next.out" 2>"$dir.next.err"; next_exit=$?
    optimizer_line=$(grep -o 'the optimizer [^)]*' "$dir.next.out" | head -1)
    after_next=$(( $(tmps "$dir") + $(tmps "$dir/curves") ))
    if [ "$stage" = commit ]; then
        # The checkpoint was renamed, the optimizer file was not: the pair is out of step and the resume must say so.
        ok=0; [ "$before_model" != "$after_model" ] && [ "$before_opt" = "$after_opt" ] && [ $sample_exit -eq 0 ] && [ $next_exit -eq 0 ] \
            && echo "$optimizer_line" | grep -q 'starts afresh.*another save' && [ "$after_next" -eq 0 ] && ok=1
        record "kill -9 between the checkpoint's and the optimizer's rename" "new model, old optimizer refused" "sample $sample_exit, resume $next_exit" $ok "$optimizer_line; temporaries left by the kill: $left, after the next save: $after_next"
    else
        ok=0; [ "$before_model" = "$after_model" ] && [ "$before_opt" = "$after_opt" ] && [ $sample_exit -eq 0 ] && [ $next_exit -eq 0 ] \
            && echo "$optimizer_line" | grep -q 'continues' && [ "$after_next" -eq 0 ] && ok=1
        where="during training"; [ "$stage" != training ] && where="inside the $stage save"
        record "kill -9 $where" "files unchanged, resumable" "sample $sample_exit, resume $next_exit" $ok "$optimizer_line; temporaries left by the kill: $left, after the next save: $after_next"
    fi
done

# ------------------------------------------------------------------------------------------------- full disk and read-only folder
if [ "$(id -u)" -eq 0 ] && mkdir -p full && mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then
    mounts+=("$work/full")
    umount full; mounts=()
    # Room for the two files and the new checkpoint's temporary file, not for the optimizer's: the disk fills between the saves.
    model_kb=$(( ($(stat -c %s base/model.safetensors) + 4095) / 4096 * 4 ))
    opt_kb=$(( ($(stat -c %s base/model.optimizer.safetensors) + 4095) / 4096 * 4 ))
    mount -t tmpfs -o size=$(( 2 * model_kb + opt_kb + 96 ))k tmpfs full && mounts+=("$work/full")
    cp base/model.safetensors base/model.optimizer.safetensors full/
    before=$(hash full/model.safetensors full/model.optimizer.safetensors)
    S train t.txt --resume full/model.safetensors --epochs 0.3 --length 5 --output full >full.out 2>full.err; code=$?
    after=$(hash full/model.safetensors full/model.optimizer.safetensors)
    ok=0; [ $code -eq 1 ] && one_line_error full.err && [ "$before" = "$after" ] && [ "$(tmps full)" -eq 0 ] && ok=1
    record "full disk during the save (tmpfs $(( 2 * model_kb + opt_kb + 96 )) KB)" "exit 1, nothing replaced" "exit $code" $ok "$(first_line full.err)"

    mkdir -p ro-src ro && cp base/model.safetensors base/model.optimizer.safetensors ro-src/
    mount --bind ro-src ro && mounts+=("$work/ro") && mount -o remount,bind,ro ro
    before=$(hash ro/model.safetensors ro/model.optimizer.safetensors)
    S train t.txt --resume ro/model.safetensors --epochs 0.3 --length 5 --output ro >ro.out 2>ro.err; code=$?
    ok=0; [ $code -eq 1 ] && one_line_error ro.err && ! grep -q Evaluating ro.out && [ "$before" = "$(hash ro/model.safetensors ro/model.optimizer.safetensors)" ] && ok=1
    record "read-only folder: train --resume in it" "exit 1 before training" "exit $code" $ok "$(first_line ro.err)"
    fresh rw
    before=$(hash rw/model.safetensors rw/model.optimizer.safetensors)
    S train t.txt --resume rw/model.safetensors --epochs 0.3 --length 5 --output ro >ro2.out 2>ro2.err; code=$?
    ok=0; [ $code -eq 1 ] && one_line_error ro2.err && ! grep -q Evaluating ro2.out && [ "$before" = "$(hash rw/model.safetensors rw/model.optimizer.safetensors)" ] && ok=1
    record "read-only --output, checkpoint writable" "exit 1, checkpoint kept" "exit $code" $ok "$(first_line ro2.err)"
else
    record "full disk during the save" "exit 1, nothing replaced" "-" skip "skipped: needs root and mount (tmpfs)"
    record "read-only folder" "exit 1 before training" "-" skip "skipped: needs root and mount (read-only bind mount)"
fi

# ------------------------------------------------------------------------------------------------- bad inputs
expect() { # name, expected exit, fragment (or -), command...
    local name=$1 want=$2 fragment=$3; shift 3
    if [ "$1" = S ]; then shift; set -- dotnet "$dll" "$@"; fi # timeout runs programs, not shell functions
    local start=$SECONDS
    timeout 60 "$@" >bad.out 2>bad.err; local code=$?
    local ok=0
    if [ "$want" -eq 0 ]; then
        [ $code -eq 0 ] && ! grep -q 'unexpected' bad.err && ok=1
    else
        [ $code -eq "$want" ] && one_line_error bad.err && { [ "$fragment" = - ] || grep -qF -- "$fragment" bad.err; } && ok=1
    fi
    local detail; detail=$(first_line bad.err); [ -z "$detail" ] && detail="(no error) $(tail -c 120 bad.out | tr '\n' ' ' | tr '|' '/')"
    record "$name" "exit $want" "exit $code in $((SECONDS - start)) s" $ok "$detail"
}

# A checkpoint edited with its digests recomputed (what a tool that knows the format could write), or left stale.
forge() { # source, target, python expression over dict m (metadata), recompute digest (1/0)
    python3 - "$1" "$2" "$3" "${4:-1}" <<'PY'
import hashlib, json, struct, sys
src, dst, edit, redigest = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
b = open(src, "rb").read(); n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n]); data = b[8 + n:]
m = h["__metadata__"]; exec(edit)
if redigest:
    def num(x): return struct.pack("<q", x)
    def text(s): e = s.encode(); return num(len(e)) + e
    keys = sorted((k for k in m if k != "rnngen.header_sha256"), key=lambda k: k.encode("utf-16-be"))
    buf = num(len(keys)) + b"".join(text(k) + text(m[k]) for k in keys)
    ents = sorted(((k, v) for k, v in h.items() if k != "__metadata__"), key=lambda kv: kv[0].encode("utf-16-be"))
    buf += num(len(ents))
    for k, v in ents:
        buf += text(k) + text(v["dtype"]) + num(len(v["shape"])) + b"".join(num(d) for d in v["shape"]) + num(v["data_offsets"][0]) + num(v["data_offsets"][1])
    m["rnngen.header_sha256"] = hashlib.sha256(buf).hexdigest()
j = json.dumps(h, ensure_ascii=False, separators=(",", ":")).encode()
j += b" " * (-len(j) % 8)
open(dst, "wb").write(struct.pack("<Q", len(j)) + j + data)
PY
}

python3 - <<'PY'
import random
random.seed(3)
base = open("t.txt", encoding="utf-8").read()
open("emoji.txt", "w", encoding="utf-8").write(base.replace("Holmes", "Holmes 🕵️").replace("the ", "the\u0301 ", 50).replace("said", "said 😀"))
open("nospace.txt", "w", encoding="utf-8").write(base.replace(" ", "_"))
PY

expect "text with emoji and combining accents: train" 0 - S train emoji.txt --shape small --batch 16 --epochs 1 --length 20 --checkpoint emoji/model.safetensors --output emoji
expect "  ... then sample with an emoji prompt" 0 - S sample --checkpoint emoji/model.safetensors --prompt "Holmes 🕵️" --length 40
expect "  ... then resume" 0 - S train emoji.txt --resume emoji/model.safetensors --epochs 0.3 --length 5 --output emoji
fresh lr
before=$(hash lr/model.safetensors lr/model.optimizer.safetensors)
expect "--lr 1e30 --clip 0 (resume)" 1 "keeps its last good model" S train t.txt --resume lr/model.safetensors --lr 1e30 --clip 0 --epochs 1 --output lr/curves
[ "$before" = "$(hash lr/model.safetensors lr/model.optimizer.safetensors)" ] || record "  ... checkpoint unchanged" "unchanged" "changed" 0 ""
expect "one byte of the saved alphabet changed" 1 "does not match" bash -c "python3 -c \"
import sys; b=bytearray(open('base/model.safetensors','rb').read()); i=b.index(b'rnngen.sample.alphabet')+25; b[i]=ord('#') if b[i]!=ord('#') else ord('%'); open('tampered.safetensors','wb').write(b)\" && dotnet '$dll' sample --checkpoint tampered.safetensors --length 5"
forge base/model.safetensors dup.safetensors "pass" 0
python3 - <<'PY'
import struct
b = open("dup.safetensors", "rb").read(); n = struct.unpack("<Q", b[:8])[0]; j = b[8:8 + n].rstrip()
j = j.replace(b'"__metadata__":{', b'"__metadata__":{"rnngen.sample.prompt":"x",', 1); j += b" " * (-len(j) % 8)
open("dup.safetensors", "wb").write(struct.pack("<Q", len(j)) + j + b[8 + n:])
PY
expect "duplicate metadata key" 1 "appears twice" S sample --checkpoint dup.safetensors --length 5
forge base/model.safetensors sigmoid.safetensors "m['rnngen.architecture'] = m['rnngen.architecture'].replace('softmax head', 'sigmoid head')"
expect "checkpoint of another head kind (sigmoid)" 1 "another network" S sample --checkpoint sigmoid.safetensors --length 5
forge base/model.safetensors abc.safetensors "m['rnngen.sample.validation_bits_per_char'] = 'abc'"
expect "validation_bits_per_char: \"abc\"" 0 - S sample --checkpoint abc.safetensors --length 5
forge base/model.safetensors bigprompt.safetensors "m['rnngen.sample.prompt'] = 'the ' * 2500000"
expect "10 MB prompt in the metadata" 1 "rnngen.sample.prompt" S sample --checkpoint bigprompt.safetensors --length 5
forge base/model.safetensors lanes.safetensors "m['rnngen.sample.lanes'] = '130150528'"
expect "checkpoint with lanes 130150528 (resume)" 2 "lanes" S train t.txt --resume lanes.safetensors --epochs 1 --output lanes-out
python3 - <<'PY'
import json, struct
h = json.dumps({"rnn.weight_ih_l0": {"dtype": "F32", "shape": [2147483648, 2147483648], "data_offsets": [0, 4]}}).encode()
open("huge-shape.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"\0" * 4)
PY
expect "tensor of shape [2^31, 2^31]" 1 "too large" S sample --checkpoint huge-shape.safetensors --length 5
expect "--checkpoint output/loss-curve.csv" 2 "same file" S train t.txt --shape small --batch 16 --epochs 1 --checkpoint output/loss-curve.csv
expect "--checkpoint t.txt (the input)" 2 "same file" S train t.txt --shape small --batch 16 --epochs 1 --checkpoint t.txt
expect "train /dev/zero" 1 "not a regular file" S train /dev/zero
rm -f fifo; mkfifo fifo
expect "train on a FIFO" 1 "not a regular file" S train fifo
rm -f out.fifo; mkfifo out.fifo
expect "--checkpoint a FIFO (an output)" 2 "not a regular file" S train t.txt --shape small --batch 16 --epochs 1 --checkpoint out.fifo
mkdir -p fifo-out && rm -f fifo-out/loss-curve.png && mkfifo fifo-out/loss-curve.png
expect "a FIFO named loss-curve.png in --output" 2 "not a regular file" S train t.txt --shape small --batch 16 --epochs 1 --output fifo-out
expect "--checkpoint /dev/null (an output)" 2 "not a regular file" S train t.txt --shape small --batch 16 --epochs 1 --checkpoint /dev/null
forge base/model.safetensors inf-lr.safetensors "m['rnngen.sample.learning_rate'] = 'Infinity'"
expect "learning_rate \"Infinity\" in the checkpoint (resume)" 1 "rnngen.sample.learning_rate" S train t.txt --resume inf-lr.safetensors --epochs 0.3 --output inf-lr-out
expect "sample --length 30000: progress on stderr, text alone on stdout" 0 - bash -c "dotnet '$dll' sample --checkpoint base/model.safetensors --length 30000 >long.out 2>long.err && grep -q '30,000 of 30,000 characters generated' long.err && ! grep -q 'characters generated' long.out"
expect "--batch 130150528" 2 "--batch" S train t.txt --shape small --batch 130150528 --epochs 1
expect "sample --length 2147483647" 2 "--length" S sample --checkpoint base/model.safetensors --length 2147483647
expect "graph --steps-shown 2147483647" 2 "--steps-shown" S graph --steps-shown 2147483647
expect "text without a space, no prompt" 0 - S train nospace.txt --shape small --batch 16 --epochs 1 --length 10 --checkpoint nospace/model.safetensors --output nospace
expect "temperature 1e-30 reported as given" 0 - bash -c "dotnet '$dll' sample --checkpoint base/model.safetensors --temperature 1e-30 --length 5 2>&1 >/dev/null | grep -q 'temperature 1E-30'"
expect "out of memory (64 MB GC heap limit)" 3 "out of memory" env DOTNET_GCHeapHardLimit=0x4000000 dotnet "$dll" train --shape large --batch 512 --epochs 1 --output oom
expect "stale temporary files removed by the next save" 0 - bash -c "cp -r base stale && touch stale/.model.safetensors.0123456789abcdef0123456789abcdef.tmp && dotnet '$dll' train t.txt --resume stale/model.safetensors --epochs 0.2 --length 5 --output stale/curves >/dev/null && [ \$(find stale -maxdepth 1 -name '.*.tmp' | wc -l) -eq 0 ]"

# ------------------------------------------------------------------------------------------------- the table
echo
echo "| scenario | expected | got | verdict | detail |"
echo "|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
echo
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
