#!/usr/bin/env bash
# Checks that need ../shared: the seed article's top hit, and indexing the whole shared corpus
# (no crash, skipped files named, a second run that changes nothing and is much faster).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
bin=$root/target/release/attache
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== seed: index and search \"Substantial NATO-Georgia Package\""
"$bin" --index "$tmp/seed" index "$shared/corpus/seed"
"$bin" --index "$tmp/seed" search "Substantial NATO-Georgia Package" --json > "$tmp/seed.jsonl"
python3 - "$tmp/seed.jsonl" <<'PY'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
top = hits[0]
phrase = "Substantial NATO-Georgia Package"
ok = True
def check(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok &= cond
check(phrase in top["passage"], "top hit is the passage containing the phrase")
check("a NATO official" in top["speakers"], "speaker 'a NATO official' (got %s)" % top["speakers"])
check("Europetime" in top["sources"], "outlet Europetime (got %s)" % top["sources"])
marked = [top["passage"].encode()[s:e].decode() for s, e in top["highlights"]]
check(phrase in marked, "the phrase is highlighted (got %s)" % marked)
sys.exit(0 if ok else 1)
PY

echo "== whole shared corpus: index twice"
start=$(date +%s.%N)
"$bin" --index "$tmp/all" index "$shared/corpus" > "$tmp/first.txt" 2> "$tmp/first.err"
mid=$(date +%s.%N)
"$bin" --index "$tmp/all" index "$shared/corpus" > "$tmp/second.txt" 2> "$tmp/second.err"
end=$(date +%s.%N)
cat "$tmp/first.txt" "$tmp/second.txt"
echo "skipped files named on stderr: $(grep -c 'skipped' "$tmp/first.err" || true)"
grep -q '^nothing changed' "$tmp/second.txt" || { echo "FAIL second run changed something"; exit 1; }
python3 - "$start" "$mid" "$end" <<'PY'
import sys
a, b, c = map(float, sys.argv[1:])
first, second = b - a, c - b
print("first run %.2f s, second run %.2f s (%.1f%%)" % (first, second, 100 * second / first))
sys.exit(0 if second < first / 3 else 1)
PY
