#!/usr/bin/env bash
# bench/run.sh — attache against its peers on the scale corpus (issue 4).
#
#   bench/run.sh              the default run (about 10-15 minutes on 2 cores)
#   bench/run.sh --scaling    also index/search 25 %, 50 %, 100 % and 4× replicated (slow)
#
# What it does, all under target/bench/ (nothing is written into the repository):
#   1. checks the tools: tantivy-cli (`cargo install tantivy-cli`), ripgrep and hyperfine
#      (Debian packages) and GNU time; installs the missing ones;
#   2. unpacks ../shared/bench/un_general_debates.tar.xz and copies every corpus in
#      ../shared/corpus into target/bench/corpus (once; a marker file records it);
#   3. builds attache in release mode;
#   4. writes tantivy-cli's input (NDJSON, one {path,title,body} per paragraph after the
#      headline, as attache splits passages) and a tantivy-cli index with a comparable
#      schema (path raw + stored; title and body en_stem with positions, stored);
#   5. times full indexing, tantivy-cli vs attache, alternating, both with $THREADS threads:
#      wall time and peak RSS from /usr/bin/time -v, index size from du -sb;
#   6. times attache re-indexing with nothing changed, then with 1 % of files edited
#      (a sentence appended; the files are restored afterwards);
#   7. times `attache search --json -n 10` against `rg -F -i` over the same files with
#      hyperfine, counts each search's instructions with valgrind's callgrind (when
#      installed: a figure the machine's load hardly moves), and times a batch of 1,000
#      queries with `attache search --queries`;
#   8. with --scaling: the same on 25/50/100 % of the files and on the corpus 4× under
#      other names (hard links);
#   9. prints one markdown table of medians and ratios, with the load and the CPU time the
#      hypervisor took from the VM during the run (steal), and writes it to
#      target/bench/results.md (raw measurements: target/bench/raw.tsv, logs: target/bench/log/).
#
# Knobs (environment): THREADS (2), INDEX_RUNS (3), REINDEX_RUNS (3), SEARCH_RUNS (30),
# RG_RUNS (10), BATCH_RUNS (5), TCLI_MEM (tantivy-cli's budget in bytes, its default
# 1000000000), ATTACHE_HEAP (MB; empty = attache's default), ATTACHE_MERGE (1: index with
# --merge, one segment per thread however large; 0: with --no-merge, the segments as
# written; empty: attache's default), SHARED (../shared), BENCH_DIR (target/bench).
# Not part of `cargo test`.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
B="${BENCH_DIR:-$ROOT/target/bench}"
TOOL="python3 $ROOT/bench/benchtool.py"
THREADS="${THREADS:-2}"
INDEX_RUNS="${INDEX_RUNS:-3}"
REINDEX_RUNS="${REINDEX_RUNS:-3}"
SEARCH_RUNS="${SEARCH_RUNS:-30}"
RG_RUNS="${RG_RUNS:-10}"
BATCH_RUNS="${BATCH_RUNS:-5}"
TCLI_MEM="${TCLI_MEM:-1000000000}"
ATTACHE_HEAP="${ATTACHE_HEAP:-}"
SCALING=0

for arg in "$@"; do
  case "$arg" in
    --scaling) SCALING=1 ;;
    -h|--help) sed -n '2,/^$/p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*" >&2; }

# ------------------------------------------------------------------ 1. tools
say "tools"
if ! command -v tantivy >/dev/null; then
  echo "installing tantivy-cli (cargo install tantivy-cli, a few minutes)" >&2
  cargo install tantivy-cli
fi
missing=()
command -v rg >/dev/null || missing+=(ripgrep)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} (apt-get)" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get install -y "${missing[@]}"
fi
for t in tantivy rg hyperfine python3; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 2; }; done

mkdir -p "$B/log"
RAW="$B/raw.tsv"
: > "$RAW"
rec() { printf '%s\t%s\n' "$1" "$2" >> "$RAW"; }   # rec KEY VALUE: one measurement

# ------------------------------------------------------------------ 2. corpus
CORPUS="$B/corpus"
if [ ! -f "$B/corpus.done" ]; then
  say "unpacking the scale corpus into $CORPUS"
  [ -f "$SHARED/bench/un_general_debates.tar.xz" ] || { echo "no $SHARED/bench/un_general_debates.tar.xz" >&2; exit 2; }
  rm -rf "$CORPUS" "$B/edit-backup.tar"
  mkdir -p "$CORPUS"
  tar -xJf "$SHARED/bench/un_general_debates.tar.xz" -C "$CORPUS"
  for d in "$SHARED"/corpus/*/; do cp -r "$d" "$CORPUS/"; done
  touch "$B/corpus.done"
fi
# A run interrupted during the edit step left edited files: put the originals back.
if [ -f "$B/edit-backup.tar" ]; then
  tar -xpf "$B/edit-backup.tar" -C /
  rm -f "$B/edit-backup.tar"
fi

# ------------------------------------------------------------------ 3. build
say "building attache (release)"
(cd "$ROOT" && cargo build --release --bin attache)
ATTACHE="${CARGO_TARGET_DIR:-$ROOT/target}/release/attache"
[[ "$ATTACHE" = /* ]] || ATTACHE="$ROOT/$ATTACHE"
HEAP_ARGS=()
[ -n "$ATTACHE_HEAP" ] && HEAP_ARGS=(--heap "$ATTACHE_HEAP")
[ "${ATTACHE_MERGE:-}" = 1 ] && HEAP_ARGS+=(--merge)
[ "${ATTACHE_MERGE:-}" = 0 ] && HEAP_ARGS+=(--no-merge)

# ------------------------------------------------------------------ 4. peers' input
FILES="$B/files.txt"
$TOOL files "$CORPUS" > "$FILES"
if [ ! -s "$B/corpus.ndjson" ] || ! cmp -s "$FILES" "$B/files.ndjson.list"; then
  say "writing tantivy-cli's NDJSON"
  $TOOL ndjson "$FILES" "$B/corpus.ndjson"
  cp "$FILES" "$B/files.ndjson.list"
fi
[ -s "$B/queries.txt" ] || $TOOL queries "$FILES" "$B/queries.txt" 1000

# tantivy-cli index folder with the comparable schema.
tcli_new() {
  rm -rf "$1"; mkdir -p "$1"
  cat > "$1/meta.json" <<'EOF'
{"index_settings":{"docstore_compression":"lz4","docstore_blocksize":16384},"segments":[],"schema":[
{"name":"path","type":"text","options":{"indexing":{"record":"basic","fieldnorms":true,"tokenizer":"raw"},"stored":true,"fast":false}},
{"name":"title","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}},
{"name":"body","type":"text","options":{"indexing":{"record":"position","fieldnorms":true,"tokenizer":"en_stem"},"stored":true,"fast":false}}
],"opstamp":0}
EOF
}

# timev LOG CMD...: runs CMD under /usr/bin/time -v (stdout to LOG.out, stderr to LOG.err)
# and prints "wall_seconds max_rss_kb".
timev() {
  local log="$1"; shift
  /usr/bin/time -v -o "$log.time" "$@" > "$log.out" 2> "$log.err" || {
    echo "failed: $* (see $log.err)" >&2; tail -5 "$log.err" >&2; return 1; }
  $TOOL timev "$log.time"
}

index_tcli() {   # index_tcli NDJSON DIR LOG -> "wall rss"
  tcli_new "$2"
  timev "$3" tantivy index -i "$2" -t "$THREADS" -m "$TCLI_MEM" -f "$1"
}
index_attache() {   # index_attache CORPUS DIR LOG -> "wall rss"
  rm -rf "$2"
  timev "$3" "$ATTACHE" index "$1" --index "$2" --threads "$THREADS" "${HEAP_ARGS[@]}" --json
}

# Notes for the report header.
rec note:date "$(date -u '+%Y-%m-%d %H:%M UTC')"
# CPU time the hypervisor took from this VM during the run (the steal column of /proc/stat,
# in clock ticks): on a shared host it slows every wall time of the run, peers' alike.
steal_ticks() { awk '/^cpu /{print $9}' /proc/stat; }
STEAL0=$(steal_ticks)
START0=$(date +%s)
rec note:machine "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"
rec note:corpus "$(wc -l < "$FILES") files, $($TOOL bytes "$FILES") MB, $(wc -l < "$B/corpus.ndjson") paragraphs (NDJSON lines)"
rec note:attache "$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && [ -n "$(git status --porcelain -- src Cargo.toml 2>/dev/null)" ] && echo ' + uncommitted changes'), --threads $THREADS ${HEAP_ARGS[*]:-(default heap)}"
rec note:tantivy-cli "$(tantivy --version 2>&1 | head -1), -t $THREADS -m $TCLI_MEM, NDJSON from a file"
rec note:rg "$(rg --version | head -1)"
rec note:hyperfine "$(hyperfine --version)"

# Warm the page cache so that neither side pays for the first read of the corpus.
cat "$B/corpus.ndjson" > /dev/null
rg -c -F 'zzqqxxnotthere' "$CORPUS" > /dev/null || true

# ------------------------------------------------------------------ 5. full index
AIDX="$B/attache-index"
TIDX="$B/tcli-index"
for i in $(seq 1 "$INDEX_RUNS"); do
  say "full index, run $i/$INDEX_RUNS: tantivy-cli"
  read -r w r < <(index_tcli "$B/corpus.ndjson" "$TIDX" "$B/log/tcli-index.$i")
  rec tcli.index.wall "$w"; rec tcli.index.rss "$r"; rec tcli.index.size "$(du -sb "$TIDX" | cut -f1)"
  echo "tantivy-cli: $w s, $r kB" >&2
  say "full index, run $i/$INDEX_RUNS: attache"
  read -r w r < <(index_attache "$CORPUS" "$AIDX" "$B/log/attache-index.$i")
  rec attache.index.wall "$w"; rec attache.index.rss "$r"; rec attache.index.size "$(du -sb "$AIDX" | cut -f1)"
  echo "attache: $w s, $r kB: $(cat "$B/log/attache-index.$i.out")" >&2
done
# Segments left by the last full run of each: a search pays a fixed cost for every one.
rec note:segments "attache $($TOOL segments "$AIDX"), tantivy-cli $($TOOL segments "$TIDX")"

# ------------------------------------------------------------------ 6. re-index
for i in $(seq 1 "$REINDEX_RUNS"); do
  say "re-index, nothing changed, run $i/$REINDEX_RUNS"
  read -r w r < <(timev "$B/log/attache-reindex.$i" "$ATTACHE" index "$CORPUS" --index "$AIDX" --threads "$THREADS" "${HEAP_ARGS[@]}" --json)
  rec attache.reindex.nochange.wall "$w"
  echo "$w s: $(cat "$B/log/attache-reindex.$i.out")" >&2
done

# Every 100th file gets a sentence appended, a new one each round; originals are kept in
# a tar (with their mtimes) and restored at the end, or at the start of the next run.
sed -n '1~100p' "$FILES" > "$B/edit-list.txt"
tar -cpf "$B/edit-backup.tar" -T "$B/edit-list.txt" 2>/dev/null
for i in $(seq 1 "$REINDEX_RUNS"); do
  say "re-index, 1 % of files edited, run $i/$REINDEX_RUNS"
  n=$($TOOL edit "$B/edit-list.txt" 1 "$i")
  read -r w r < <(timev "$B/log/attache-edit.$i" "$ATTACHE" index "$CORPUS" --index "$AIDX" --threads "$THREADS" "${HEAP_ARGS[@]}" --json)
  rec attache.reindex.edit.wall "$w"
  echo "$w s: $(cat "$B/log/attache-edit.$i.out")" >&2
done
rec note:edited "$n"
tar -xpf "$B/edit-backup.tar" -C /
rm -f "$B/edit-backup.tar"
# Bring the index back in line with the restored files (not timed).
"$ATTACHE" index "$CORPUS" --index "$AIDX" --threads "$THREADS" > /dev/null

# ------------------------------------------------------------------ 7. search
# Realistic queries for diplomatic speeches and news; rg looks for the same words as one
# case-insensitive literal (its best case: one pass, no ranking).
QUERIES=('"human rights"' 'nuclear disarmament' '"climate change"' 'Security Council reform' 'apartheid sanctions')
search_latency() {   # search_latency INDEX CORPUS KEYPREFIX [rg]
  local idx="$1" corpus="$2" key="$3" with_rg="${4:-}" q lit slug
  for q in "${QUERIES[@]}"; do
    lit="${q//\"/}"
    slug="$(printf '%s' "$lit" | tr ' ' '_')"
    (cd "$ROOT" && hyperfine -N -i --style none --warmup 3 --min-runs "$SEARCH_RUNS" \
        --export-json "$B/log/hf-$key-$slug.json" \
        "$(printf '%q ' "$ATTACHE" search --index "$idx" --json -n 10 -- "$q")" > "$B/log/hf-$key-$slug.txt")
    rec "$key.$lit" "$($TOOL hyperfine "$B/log/hf-$key-$slug.json" | cut -f2)"
    if [ -n "$with_rg" ]; then
      hyperfine -N -i --style none --warmup 1 --min-runs "$RG_RUNS" \
          --export-json "$B/log/hf-rg-$slug.json" \
          "$(printf '%q ' rg -F -i --no-messages -- "$lit" "$corpus")" > "$B/log/hf-rg-$slug.txt"
      rec "search.rg.$lit" "$($TOOL hyperfine "$B/log/hf-rg-$slug.json" | cut -f2)"
    fi
  done
}
say "search latency (hyperfine): attache search --json -n 10 vs rg -F -i"
search_latency "$AIDX" "$CORPUS" search.attache rg

# Instructions of each search, counted by valgrind's callgrind: for the same binary, index
# and query they move by about 0.2 % from run to run (random hash seeds), however busy the
# machine is, so two builds can be compared where wall times drown in noise. Skipped when
# valgrind is not installed.
if command -v valgrind >/dev/null; then
  say "instructions per search (valgrind --tool=callgrind)"
  for q in "${QUERIES[@]}"; do
    lit="${q//\"/}"
    slug="$(printf '%s' "$lit" | tr ' ' '_')"
    (cd "$ROOT" && valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$ATTACHE" search --index "$AIDX" --json -n 10 -- "$q" > /dev/null 2> "$B/log/cg-$slug.txt")
    rec "search.instructions.$lit" "$(sed -n 's/.*refs: *//p' "$B/log/cg-$slug.txt" | tr -d ,)"
  done
fi

if "$ATTACHE" search --help 2>/dev/null | grep -q -- '--queries'; then
  say "1,000 queries in one process (attache search --queries)"
  for i in $(seq 1 "$BATCH_RUNS"); do
    read -r w r < <(cd "$ROOT" && timev "$B/log/batch.$i" "$ATTACHE" search --index "$AIDX" --queries "$B/queries.txt" --json -n 10 || true)
    [ -n "${w:-}" ] && rec batch.1000.wall "$w"
  done
  rec note:batch-hits "$(grep -c '"type":"hit"' "$B/log/batch.1.out" || true) hits"
else
  rec note:batch "attache search has no --queries yet"
fi

# ------------------------------------------------------------------ 8. scaling
if [ "$SCALING" -eq 1 ]; then
  S="$B/scale"
  rm -rf "$S"; mkdir -p "$S"
  scale_one() {   # scale_one NAME CORPUSDIR FILELIST
    local name="$1" dir="$2" list="$3" w r
    say "scaling: $name"
    rec "scale.$name.mb" "$($TOOL bytes "$list")"
    $TOOL ndjson "$list" "$S/$name.ndjson" 2> "$S/$name.ndjson.log"
    read -r w r < <(index_tcli "$S/$name.ndjson" "$S/$name-tcli" "$B/log/scale-$name-tcli")
    rec "scale.$name.tcli.wall" "$w"; rec "scale.$name.tcli.rss" "$r"
    rm -rf "$S/$name-tcli" "$S/$name.ndjson"
    read -r w r < <(index_attache "$dir" "$S/$name-attache" "$B/log/scale-$name-attache")
    rec "scale.$name.attache.wall" "$w"; rec "scale.$name.attache.rss" "$r"
    rec "scale.$name.attache.size" "$(du -sb "$S/$name-attache" | cut -f1)"
    local before; before=$(wc -l < "$RAW")
    SEARCH_RUNS=10 search_latency "$S/$name-attache" "$dir" "scale.$name.q"
    # One figure per scale: the median over the queries.
    tail -n +"$((before + 1))" "$RAW" | awk -F'\t' -v k="scale.$name.search" '{print k "\t" $2}' > "$S/tmp"
    sed -i "$((before + 1)),\$d" "$RAW"
    sort -t$'\t' -k2,2g "$S/tmp" | awk -v n="${#QUERIES[@]}" 'NR == int((n + 1) / 2)' >> "$RAW"
    rm -rf "$S/$name-attache"
  }
  for part in 1 2; do
    pct=$((part * 25))
    $TOOL files "$CORPUS" --part "$part/4" > "$S/list-$pct.txt"
    $TOOL link "$S/list-$pct.txt" "$CORPUS" "$S/c$pct"
    $TOOL files "$S/c$pct" > "$S/list-$pct.txt"
    scale_one "$pct" "$S/c$pct" "$S/list-$pct.txt"
    rm -rf "$S/c$pct"
  done
  scale_one 100 "$CORPUS" "$FILES"
  mkdir -p "$S/rep4"
  for k in 1 2 3 4; do cp -al "$CORPUS" "$S/rep4/copy$k"; done
  $TOOL files "$S/rep4" > "$S/list-rep4.txt"
  scale_one rep4 "$S/rep4" "$S/list-rep4.txt"
  rm -rf "$S/rep4"
fi

# ------------------------------------------------------------------ 9. report
rec note:load "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
rec note:steal "$(awk -v ticks="$(( $(steal_ticks) - STEAL0 ))" -v hz="$(getconf CLK_TCK)" \
  -v wall="$(( $(date +%s) - START0 ))" -v cores="$(nproc)" 'BEGIN {
    s = ticks / hz
    printf "%.0f s of CPU time taken by the hypervisor (steal, /proc/stat) in %d s on %d cores: %.0f %% of the machine",
      s, wall, cores, (wall > 0 ? 100 * s / (wall * cores) : 0)
  }')"
say "results"
$TOOL report "$RAW" "$B/results.md"
echo "(written to $B/results.md)" >&2
