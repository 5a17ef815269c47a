#!/usr/bin/python3
"""Whole networks against OpenCV dnn, in the same run, as a Markdown table (the README's).

For each model and each --method, runs `convscope bench --model M --compare opencv --json` (the
engine and OpenCV dnn timed alike, one after the other, in one process) for --rounds interleaved
rounds, and prints per row the engine's and OpenCV's medians and the ratio ours / theirs (the
range over the rounds when there are several). A model OpenCV 4.6 cannot read gets its reason.

    bench/zoo_table.py --binary build/app/convscope [--threads 2] [--repeat 20] [--rounds 2]
                       [--method auto --method im2col] [--isa avx2] MODEL.onnx ...

The models: the zoo that `ctest -L zoo` writes (~/.cache/convscope/zoo-*/NAME.onnx, see
scripts/make_model_zoo.py), or any file `convscope bench --model` reads.
"""
import argparse
import json
import os
import subprocess
import sys


def bench(args, model, method):
    cmd = [args.binary, "bench", "--model", model, "--threads", str(args.threads), "--repeat",
           str(args.repeat), "--method", method, "--compare", "opencv", "--json"]
    if args.isa:
        cmd += ["--isa", args.isa]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        # convscope's own line (OpenCV logs its own first), cut before OpenCV's details.
        lines = [l for l in (run.stderr or run.stdout).splitlines() if l.startswith("convscope")]
        reason = lines[0].split(": ", 1)[-1] if lines else "exit %d" % run.returncode
        return None, reason.split(": >")[0][:120]
    return json.loads(run.stdout), None


def span(values, digits):
    lo, hi = min(values), max(values)
    fmt = "%%.%df" % digits
    return fmt % lo if fmt % lo == fmt % hi else (fmt + "–" + fmt) % (lo, hi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--method", action="append")
    ap.add_argument("--isa")
    ap.add_argument("models", nargs="+")
    args = ap.parse_args()
    methods = args.method or ["auto"]
    results = {}  # (model, method) -> list of (ours, theirs, ratio, diff) or an error
    for _ in range(args.rounds):
        for model in args.models:
            for method in methods:
                data, error = bench(args, model, method)
                key = (model, method)
                if error:
                    results[key] = error
                    continue
                peer = data.get("peer", {})
                row = (data["total"]["median_ms"], peer.get("median_ms", float("nan")),
                       peer.get("ratio", float("nan")), peer.get("max_abs_diff", float("nan")),
                       data["kernels"])
                results.setdefault(key, [])
                if isinstance(results[key], list):
                    results[key].append(row)
    print("| model | method | kernels | ConvScope ms | OpenCV dnn ms | ours / OpenCV | max abs diff |")
    print("|---|---|---|---|---|---|---|")
    for model in args.models:
        name = os.path.splitext(os.path.basename(model))[0]
        for method in methods:
            r = results.get((model, method))
            if isinstance(r, str):
                print("| %s | %s | | | | %s | |" % (name, method, r.replace("|", "/")))
                continue
            print("| %s | %s | %s | %s | %s | **%s** | %.1e |" % (
                name, method, r[0][4], span([x[0] for x in r], 2), span([x[1] for x in r], 2),
                span([x[2] for x in r], 2), max(x[3] for x in r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
