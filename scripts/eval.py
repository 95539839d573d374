#!/usr/bin/env python3
"""Score `attache extract` on every dev gold set in ../shared and print one table.

    scripts/eval.py [--bin target/release/attache] [--shared ../shared] [--floors scripts/eval-floors.json]

Each figure is compared with its recorded floor: the run fails (exit 1) when a figure falls
more than 0.02 below it. Raise a floor in eval-floors.json when extraction improves.
"""
import argparse, json, os, subprocess, sys

# (gold set, task, extra flags, figures to report)
RUNS = [
    ("polnear-dev", "quotes", [], ["quote_f1", "e2e_f1"]),
    ("polnear-dev", "quotes", ["--all-quotes"], ["quote_f1", "e2e_f1"]),
    ("dewikinews-dev", "quotes", [], ["quote_f1", "e2e_f1"]),
    ("te3-tbaq", "dates", [], ["date_f1"]),
    ("meantime-en", "dates", [], ["date_f1"]),
    ("meantime-en", "published", [], ["published_acc"]),
]
SLACK = 0.02


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "attache"))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--floors", default=os.path.join(here, "eval-floors.json"))
    a = ap.parse_args()
    floors = json.load(open(a.floors)) if os.path.exists(a.floors) else {}
    scorer = os.path.join(a.shared, "tools", "score_extraction.py")
    failed = []
    print("%-16s %-10s %-13s %-14s %7s %7s" % ("set", "task", "mode", "figure", "value", "floor"))
    for gold, task, flags, figures in RUNS:
        cmd = [sys.executable, scorer, os.path.join(a.shared, "gold", gold), "--cmd", a.bin + " extract",
               "--task", task, "--json"] + flags
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode != 0:
            print("scorer failed on %s %s: %s" % (gold, task, out.stderr.strip()[:300]), file=sys.stderr)
            return 2
        res = json.loads(out.stdout.strip().splitlines()[-1])
        if res.get("failures"):
            failed.append("%s: %d documents failed to extract" % (gold, res["failures"]))
        mode = "all-quotes" if flags else ("direct" if task == "quotes" else "")
        for fig in figures:
            key = "%s/%s/%s" % (gold, task + ("+all" if flags else ""), fig)
            floor = floors.get(key)
            value = res[fig]
            print("%-16s %-10s %-13s %-14s %7.3f %7s" % (gold, task, mode, fig, value,
                                                        "%.3f" % floor if floor is not None else "-"))
            if floor is not None and value < floor - SLACK:
                failed.append("%s = %.3f, more than %.2f below its floor %.3f" % (key, value, SLACK, floor))
    for f in failed:
        print("REGRESSION: " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
