#!/usr/bin/env python3
"""Helpers for bench/run.sh (standard library only).

Subcommands:
  files CORPUS [--part K/N]     list the files attache would index, sorted; with --part,
                                a deterministic K/N share of them (by a hash of the path)
  ndjson LIST OUT               tantivy-cli input from a file list: one {path,title,body}
                                per paragraph (paragraphs = runs of non-blank lines after
                                the headline line, as attache splits them)
  queries LIST OUT N            N realistic queries built from words of the listed files
  edit LIST SHARE ROUND         append a sentence to every 1/SHARE-th file of LIST
  link LIST SRC DST             hard-link the listed files (and the manifest.jsonl files
                                beside them) from SRC into the same places under DST
  bytes LIST                    total size of the listed files in MB
  timev FILE                    `/usr/bin/time -v` output -> "wall_seconds max_rss_kb"
  hyperfine JSON                hyperfine --export-json -> one "name median_s" line per command
  segments INDEX                "N segments (docs a segment: min-max)" from a tantivy meta.json
  report RAW OUT                the results table (markdown) from the raw measurements

The texts in ../shared are for testing only: this script reads them where they are (or
from the copy under target/bench) and never writes any of them into the repository.
"""

import hashlib
import json
import os
import random
import re
import statistics
import sys

EXTS = {"txt", "md", "text"}


def indexable(corpus):
    """The files `attache index` considers: extension txt/md/text, no hidden entries,
    symbolic links followed, sorted by path."""
    out = []
    for root, dirs, files in os.walk(corpus, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.startswith("."):
                continue
            ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if ext in EXTS:
                out.append(os.path.join(root, name))
    out.sort()
    return out


def share(path, k, n):
    """True for a deterministic k/n share of paths (nested: 1/4 is inside 2/4)."""
    h = int(hashlib.md5(os.path.basename(path).encode()).hexdigest()[:8], 16)
    return h % n < k


def read_text(path):
    """The file as text, or None when attache would skip it (binary, not UTF-8, empty)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        if b"\0" in data[:8192]:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    text = text.lstrip("\ufeff")
    return text if text.strip() else None


def paragraphs(text):
    """(headline, [paragraph]): the first non-blank line, then runs of non-blank lines."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = lines[i].strip() if i < len(lines) else ""
    paras, cur = [], []
    for line in lines[i + 1:]:
        if line.strip():
            cur.append(line)
        elif cur:
            paras.append("\n".join(cur).strip())
            cur = []
    if cur:
        paras.append("\n".join(cur).strip())
    if not paras and title:
        paras = [title]
    return title, paras


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def cmd_files(args):
    corpus = args[0]
    files = indexable(corpus)
    if len(args) >= 3 and args[1] == "--part":
        k, n = (int(x) for x in args[2].split("/"))
        files = [p for p in files if share(p, k, n)]
    for p in files:
        print(p)


def cmd_ndjson(args):
    listing, out = args
    files = paras_n = nbytes = 0
    with open(out, "w", encoding="utf-8") as w:
        for path in read_list(listing):
            text = read_text(path)
            if text is None:
                continue
            files += 1
            nbytes += len(text.encode("utf-8"))
            title, paras = paragraphs(text)
            for p in paras:
                w.write(json.dumps({"path": path, "title": title, "body": p}, ensure_ascii=False))
                w.write("\n")
                paras_n += 1
    print(f"{files} files, {paras_n} paragraphs, {nbytes / 1e6:.1f} MB", file=sys.stderr)


WORD = re.compile(r"[^\W\d_]{4,}")


def cmd_queries(args):
    listing, out, n = args[0], args[1], int(args[2])
    rng = random.Random(4)
    files = read_list(listing)
    sample = files[:: max(1, len(files) // 3000)]
    df = {}
    paras = []
    for path in sample:
        text = read_text(path)
        if text is None:
            continue
        _, ps = paragraphs(text)
        seen = set()
        for p in ps:
            words = [w.lower() for w in WORD.findall(p)]
            if len(words) >= 6:
                paras.append(words)
            seen.update(words)
        for w in seen:
            df[w] = df.get(w, 0) + 1
    ranked = sorted(df, key=lambda w: (-df[w], w))
    # Skip the ~150 most common words (stop words), keep the next band: words a user
    # would type, that match somewhere between a handful and many thousand passages.
    band = ranked[150:6000]
    band_set = set(band)
    queries = []
    while len(queries) < n:
        r = rng.random()
        if r < 0.5:
            queries.append(rng.choice(band))
        else:
            words = rng.choice(paras)
            cands = [i for i in range(len(words) - 1)
                     if words[i] in band_set and words[i + 1] in band_set]
            if not cands:
                continue
            i = rng.choice(cands)
            if r < 0.8:
                # Two words from the same paragraph, not adjacent: an AND query.
                j = rng.randrange(len(words))
                if words[j] == words[i] or words[j] not in band_set:
                    continue
                queries.append(f"{words[i]} {words[j]}")
            else:
                queries.append(f'"{words[i]} {words[i + 1]}"')
    with open(out, "w", encoding="utf-8") as w:
        w.write("\n".join(queries) + "\n")


def cmd_edit(args):
    listing, every, rnd = args[0], int(args[1]), args[2]
    files = read_list(listing)
    edited = files[::every]
    for path in edited:
        with open(path, "a", encoding="utf-8") as f:
            f.write(f" The delegation added a remark in benchmark round {rnd}.\n")
    print(len(edited))


def cmd_link(args):
    listing, src, dst = args
    src = os.path.abspath(src)
    made = set()
    for path in read_list(listing):
        rel = os.path.relpath(path, src)
        target = os.path.join(dst, rel)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
            manifest = os.path.join(os.path.dirname(path), "manifest.jsonl")
            if os.path.exists(manifest):
                os.link(manifest, os.path.join(folder, "manifest.jsonl"))
        os.link(path, target)


def cmd_bytes(args):
    print(f"{sum(os.path.getsize(p) for p in read_list(args[0])) / 1e6:.1f}")


def cmd_timev(args):
    wall = rss = None
    with open(args[0], encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1]
                parts = [float(x) for x in v.split(":")]
                wall = 0.0
                for x in parts:
                    wall = wall * 60 + x
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1])
    if wall is None or rss is None:
        sys.exit(f"no /usr/bin/time -v figures in {args[0]}")
    print(f"{wall:.3f} {rss}")


def cmd_hyperfine(args):
    with open(args[0], encoding="utf-8") as f:
        data = json.load(f)
    for r in data["results"]:
        print(f"{r['command']}\t{r['median']:.6f}")


def cmd_segments(args):
    with open(os.path.join(args[0], "meta.json"), encoding="utf-8") as f:
        docs = [s["max_doc"] for s in json.load(f)["segments"]]
    spread = f" ({min(docs):,}-{max(docs):,} docs each)" if docs else ""
    print(f"{len(docs)} segments{spread}")


# ---------------------------------------------------------------- the report


def load_raw(path):
    """RAW: one measurement a line: KEY<TAB>VALUE (several lines per key = repeats)."""
    vals, notes = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            key, _, value = line.partition("\t")
            if key.startswith("note:"):
                notes[key[5:]] = value
                continue
            try:
                vals.setdefault(key, []).append(float(value))
            except ValueError:
                notes[key] = value
    return vals, notes


def med(vals, key):
    v = vals.get(key)
    return statistics.median(v) if v else None


def fmt_s(x):
    if x is None:
        return "—"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.0f} MB"


def fmt_bytes(b):
    return "—" if b is None else f"{b / 1e6:.0f} MB"


def cmd_report(args):
    raw, out = args
    v, notes = load_raw(raw)
    rows = []

    def row(measure, a, peer, ratio, target, ok, n=""):
        verdict = "—" if ok is None else ("PASS" if ok else "FAIL")
        rows.append(f"| {measure} | {a} | {peer} | {ratio} | {target} | {verdict} | {n} |")

    def ratio(a, b):
        return None if a is None or b is None or b == 0 else a / b

    def rfmt(r, suffix="×"):
        return "—" if r is None else f"{r:.2f}{suffix}"

    # Full index.
    aw, tw = med(v, "attache.index.wall"), med(v, "tcli.index.wall")
    r = ratio(aw, tw)
    row("full index: wall time", fmt_s(aw), f"tantivy-cli {fmt_s(tw)}", rfmt(r), "≤ 1.0×",
        None if r is None else r <= 1.0, f"n={len(v.get('attache.index.wall', []))}")
    ar, tr = med(v, "attache.index.rss"), med(v, "tcli.index.rss")
    r = ratio(ar, tr)
    row("full index: peak RSS", fmt_mb(ar), f"tantivy-cli {fmt_mb(tr)}", rfmt(r), "≤ 1.0×",
        None if r is None else r <= 1.0, "")
    asz, tsz = med(v, "attache.index.size"), med(v, "tcli.index.size")
    r = ratio(asz, tsz)
    row("index size (du -sb)", fmt_bytes(asz), f"tantivy-cli {fmt_bytes(tsz)}", rfmt(r), "≤ 1.2×",
        None if r is None else r <= 1.2, "")
    # Re-index.
    nc = med(v, "attache.reindex.nochange.wall")
    r = ratio(nc, aw)
    row("re-index, nothing changed", fmt_s(nc), f"attache full {fmt_s(aw)}", rfmt(r * 100 if r else None, " %"),
        "≤ 3 %", None if r is None else r <= 0.03, f"n={len(v.get('attache.reindex.nochange.wall', []))}")
    ed = med(v, "attache.reindex.edit.wall")
    r = ratio(ed, aw)
    row(f"re-index, 1 % edited ({notes.get('edited', '?')} files)", fmt_s(ed), f"attache full {fmt_s(aw)}",
        rfmt(r * 100 if r else None, " %"), "≤ 10 %", None if r is None else r <= 0.10,
        f"n={len(v.get('attache.reindex.edit.wall', []))}")
    # Search.
    names = sorted({k.split(".", 2)[2] for k in v if k.startswith("search.attache.")})
    a_all, rg_all = [], []
    for q in names:
        a, g = med(v, f"search.attache.{q}"), med(v, f"search.rg.{q}")
        if a is not None:
            a_all.append(a)
        if g is not None:
            rg_all.append(g)
        r = ratio(g, a)
        ins = med(v, f"search.instructions.{q}")
        row(f"search `{q}`", fmt_s(a), f"rg -F -i {fmt_s(g)}", rfmt(r) + " faster" if r else "—",
            "≤ 10 ms", None if a is None else a <= 0.010,
            "" if ins is None else f"{ins / 1e6:.1f} M instructions")
    if a_all:
        a, g = statistics.median(a_all), statistics.median(rg_all) if rg_all else None
        r = ratio(g, a)
        row("search, median over queries", fmt_s(a), f"rg -F -i {fmt_s(g)}",
            rfmt(r) + " faster" if r else "—", "≤ 10 ms, ≥ 25× faster than rg",
            a <= 0.010 and (r or 0) >= 25, "hyperfine medians")
    b = med(v, "batch.1000.wall")
    if b is not None:
        row("1,000 queries (`--queries`, --json)", fmt_s(b), "—", "—", "≤ 1 s", b <= 1.0,
            f"n={len(v.get('batch.1000.wall', []))}")
    elif "batch" in notes:
        row("1,000 queries (`--queries`)", notes["batch"], "—", "—", "≤ 1 s", None, "")
    # Scaling.
    scales = [k.split(".")[1] for k in v if k.startswith("scale.") and k.endswith(".attache.wall")]
    order = {"25": 0, "50": 1, "100": 2, "rep4": 3}
    scale_rows = []
    for s in sorted(set(scales), key=lambda s: order.get(s, 9)):
        aw_s, tw_s = med(v, f"scale.{s}.attache.wall"), med(v, f"scale.{s}.tcli.wall")
        ar_s, tr_s = med(v, f"scale.{s}.attache.rss"), med(v, f"scale.{s}.tcli.rss")
        sz = med(v, f"scale.{s}.attache.size")
        q = med(v, f"scale.{s}.search")
        mb = med(v, f"scale.{s}.mb")
        label = "4× replicated" if s == "rep4" else f"{s} %"
        scale_rows.append(
            f"| {label} | {'—' if mb is None else f'{mb:.0f}'} | {fmt_s(aw_s)} | {fmt_s(tw_s)} | "
            f"{rfmt(ratio(aw_s, tw_s))} | {fmt_mb(ar_s)} | {fmt_mb(tr_s)} | {fmt_bytes(sz)} | {fmt_s(q)} |")

    lines = []
    lines.append("# attache benchmark")
    lines.append("")
    for k in ("date", "machine", "corpus", "attache", "tantivy-cli", "rg", "hyperfine", "segments", "load", "steal"):
        if k in notes:
            lines.append(f"- {k}: {notes[k]}")
    lines.append("")
    lines.append("| measure | attache | peer | ratio | target | verdict | runs |")
    lines.append("|---|---|---|---|---|---|---|")
    lines.extend(rows)
    if scale_rows:
        lines.append("")
        lines.append("How cost grows (one run each; search = median of the hyperfine medians of the search queries):")
        lines.append("")
        lines.append("| corpus | MB | attache index | tantivy-cli index | ratio | attache RSS | tantivy-cli RSS | attache index size | attache search |")
        lines.append("|---|---|---|---|---|---|---|---|---|")
        lines.extend(scale_rows)
    lines.append("")
    lines.append("Medians of the runs shown; wall time and peak RSS from `/usr/bin/time -v`; search from `hyperfine`; "
                 "instructions of one search from valgrind's callgrind, when installed.")
    text = "\n".join(lines) + "\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


COMMANDS = {
    "files": cmd_files,
    "ndjson": cmd_ndjson,
    "queries": cmd_queries,
    "edit": cmd_edit,
    "link": cmd_link,
    "bytes": cmd_bytes,
    "timev": cmd_timev,
    "hyperfine": cmd_hyperfine,
    "segments": cmd_segments,
    "report": cmd_report,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
