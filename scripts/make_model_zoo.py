#!/usr/bin/python3
# The model zoo of the tests: one model of every convolutional classification family of
# torchvision 0.14 plus a small encoder-decoder, exported to ONNX with a reference input and
# torch's output. Start at main(); the list of models is ZOO.
#
#   scripts/make_model_zoo.py [--out DIR]                     build the zoo (or find it cached)
#   scripts/make_model_zoo.py --out DIR --only NAME,...       export just these models
#   scripts/make_model_zoo.py --print-dir                     print the default DIR and exit
#
# Weights are seeded random (weights=None, torch.manual_seed per model) with trained-like
# BatchNorm statistics, so activations neither blow up nor vanish, and random LayerNorm parameters
# and biases where torchvision initialises them to constants (trained_like()). Per model DIR gets
# NAME.onnx, NAME.input.npy (1x3xHxW, N(0,1) like a normalised image) and NAME.output.npy
# (torch's output, eval mode); DIR/manifest.tsv lists them and is written last, so a DIR with a
# complete manifest is a finished zoo and is reused as it is. The zoo is about 1.6 GB: it lives
# outside the clone, by default in ${XDG_CACHE_HOME:-~/.cache}/convscope/zoo-<the first 12 hex
# digits of this file's sha256>, so an edit of this file builds a new zoo and old ones can be
# deleted by hand. Exit codes: 0 done (or cached), 2 bad arguments or a failed export, 77 the
# Python modules are missing (ctest's skip code; the message says "skipped").
import argparse
import fcntl
import hashlib
import os
import sys
import time
import zlib

MANIFEST = "manifest.tsv"
# The manifest's columns, in order. `ops` lists the ONNX op types of the exported graph.
COLUMNS = ["name", "opset", "input_shape", "output_shape", "onnx_bytes", "input_bytes",
           "output_bytes", "export_seconds", "torch", "torchvision", "onnx", "ops", "note"]

# name, opset, input side. Most at opset 11; a few at 13 and 17 so the importer sees them:
# convnext_tiny at 17, where torch 1.13 can emit LayerNormalization natively (the manifest's
# note says whether it did); mobilenet_v2 at 11, where ReLU6 becomes Clip with min/max inputs,
# and again at 10 (Clip with attributes), which OpenCV 4.6 reads: the depthwise network beside a
# peer (bench/zoo_table.py). A name's "_opsetN" suffix only names the export.
ZOO = [
    ("alexnet", 11, 224),
    ("vgg11", 11, 224),
    ("resnet18", 13, 224),
    ("resnet50", 11, 224),
    ("resnext50_32x4d", 11, 224),
    ("wide_resnet50_2", 11, 224),
    ("squeezenet1_1", 11, 224),
    ("densenet121", 11, 224),
    ("googlenet", 11, 224),
    ("inception_v3", 11, 299),
    ("mobilenet_v2", 11, 224),
    ("mobilenet_v2_opset10", 10, 224),
    ("mobilenet_v3_small", 13, 224),
    ("mnasnet0_5", 11, 224),
    ("shufflenet_v2_x0_5", 13, 224),
    ("efficientnet_b0", 13, 224),
    ("efficientnet_v2_s", 17, 224),
    ("regnet_x_400mf", 11, 224),
    ("convnext_tiny", 17, 224),
    ("encoder_decoder", 11, 224),
]


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def default_dir():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "convscope", "zoo-" + script_hash())


def read_manifest(path):
    """The manifest's rows as dicts, or None when it is absent or malformed."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    except OSError:
        return None
    if not lines or lines[0].split("\t") != COLUMNS:
        return None
    rows = [dict(zip(COLUMNS, l.split("\t"))) for l in lines[1:]]
    return rows if all(len(r) == len(COLUMNS) for r in rows) else None


def complete(out, names):
    """True when out holds a manifest listing every model in names, each file of the size listed."""
    rows = read_manifest(os.path.join(out, MANIFEST))
    if rows is None or {r["name"] for r in rows} != set(names):
        return False
    for r in rows:
        for suffix, key in ((".onnx", "onnx_bytes"), (".input.npy", "input_bytes"),
                            (".output.npy", "output_bytes")):
            p = os.path.join(out, r["name"] + suffix)
            if not os.path.isfile(p) or os.path.getsize(p) != int(r[key]):
                return False
    return True


def build_model(name):
    from torch import nn
    import torchvision.models as tvm

    if name == "encoder_decoder":
        # conv -> ReLU -> conv stride 2 (down) -> ConvTranspose stride 2 with output_padding and
        # groups (up, back to the input size) -> conv: the transposed convolution in a graph.
        return nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1, groups=4),
            nn.ReLU(),
            nn.Conv2d(16, 3, 3, padding=1))
    kwargs = {"weights": None}
    if name in ("googlenet", "inception_v3"):
        # No auxiliary heads (eval ignores them anyway); PyTorch's default initialisation instead
        # of the truncated-normal pass, which is slow and warns when left unset.
        kwargs.update(aux_logits=False, init_weights=False)
    return getattr(tvm, name.split("_opset")[0])(**kwargs)


def trained_like(model, generator):
    """Parameters like a trained network's where torchvision's initialisation leaves constants.
    Every BatchNorm gets random statistics: with PyTorch's defaults (mean 0, var 1, weight 1,
    bias 0) eval mode is almost the identity and deep nets drift to 0 or blow up; random ones also
    make a wrong channel order or epsilon in an importer visible. LayerNorm's weight and bias
    likewise. Conv and Linear biases that are all zero get small random values, any other constant
    parameter is scaled by U(0.5, 1.5) elementwise: constants test nothing, and torch.onnx.export
    deduplicates equal initializers into Identity nodes (OpenCV 4.6 cannot read an Identity of an
    initializer), which no trained model has."""
    import torch
    from torch import nn
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
                m.running_var.copy_(torch.rand(c, generator=generator) + 0.5)
                if m.affine:
                    m.weight.copy_(torch.rand(c, generator=generator) + 0.5)
                    m.bias.copy_(torch.randn(c, generator=generator) * 0.1)
            elif isinstance(m, nn.LayerNorm) and m.elementwise_affine:
                m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.1)
            elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)) and \
                    m.bias is not None and not m.bias.any():
                m.bias.copy_(torch.randn(m.bias.shape, generator=generator) * 0.01)
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                # ConvNeXt starts its residual branches at 1e-6: the blocks would be invisible in
                # the output; trained ones are ~0.1.
                p.copy_(torch.rand(p.shape, generator=generator) * 0.2 + 0.05)
            elif p.numel() > 1 and bool((p == p.flatten()[0]).all()):
                p.mul_(torch.rand(p.shape, generator=generator) + 0.5)  # no constant tensors


def export_one(name, opset, side, out, versions):
    import numpy as np
    import onnx
    import torch

    seed = zlib.crc32(name.encode())  # stable per model, whatever its place in ZOO
    start = time.monotonic()
    torch.manual_seed(seed)
    model = build_model(name)
    trained_like(model, torch.Generator().manual_seed(seed + 1))
    model.eval()
    x = torch.randn(1, 3, side, side, generator=torch.Generator().manual_seed(seed + 2))
    with torch.no_grad():
        y = model(x)
    if not torch.isfinite(y).all():
        raise RuntimeError(f"{name}: torch's output has NaN or infinite values")
    if float(y.max() - y.min()) <= 1e-6 * max(1.0, float(y.abs().max())):
        raise RuntimeError(f"{name}: torch's output is (nearly) all equal: {float(y.min())}")

    onnx_path = os.path.join(out, name + ".onnx")
    tmp = onnx_path + ".partial"
    with torch.no_grad():
        torch.onnx.export(model, x, tmp, opset_version=opset, do_constant_folding=True,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(tmp)
    graph = onnx.load(tmp, load_external_data=False).graph
    ops = sorted({n.op_type for n in graph.node})
    initializers = {i.name for i in graph.initializer}
    shared = sum(1 for n in graph.node if n.op_type == "Identity" and n.input[0] in initializers)
    os.replace(tmp, onnx_path)
    np.save(os.path.join(out, name + ".input.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(out, name + ".output.npy"), y.numpy().astype(np.float32))
    seconds = time.monotonic() - start

    note = f"output range [{float(y.min()):.4g}, {float(y.max()):.4g}], std {float(y.std()):.4g}"
    if shared:
        note += f"; {shared} Identity nodes of shared initializers"
    if name == "convnext_tiny":
        note += ("; LayerNormalization native" if "LayerNormalization" in ops else
                 "; LayerNorm decomposed (ReduceMean/Sub/Pow/Sqrt/Div)")
    size = lambda suffix: os.path.getsize(os.path.join(out, name + suffix))
    return {"name": name, "opset": str(opset),
            "input_shape": "x".join(map(str, x.shape)), "output_shape": "x".join(map(str, y.shape)),
            "onnx_bytes": str(size(".onnx")), "input_bytes": str(size(".input.npy")),
            "output_bytes": str(size(".output.npy")), "export_seconds": f"{seconds:.2f}",
            "torch": versions[0], "torchvision": versions[1], "onnx": versions[2],
            "ops": ",".join(ops), "note": note}


def main():
    p = argparse.ArgumentParser(description="Export the ConvScope model zoo (ONNX + reference "
                                "input and output) for the tests.")
    p.add_argument("--out", help="output directory (default: %(default)s)", default=default_dir())
    p.add_argument("--print-dir", action="store_true",
                   help="print the output directory and exit (CMake asks this)")
    p.add_argument("--only", help="comma-separated model names: export just these into --out "
                   "(no cache check; the manifest lists only them)")
    args = p.parse_args()
    if args.print_dir:
        print(args.out)
        return 0
    if args.only and args.out == default_dir():
        print("make_model_zoo: --only needs --out DIR: a partial zoo would replace the cached "
              "one's manifest", file=sys.stderr)
        return 2

    zoo = ZOO
    if args.only:
        wanted = args.only.split(",")
        unknown = [n for n in wanted if n not in {z[0] for z in ZOO}]
        if unknown:
            print(f"make_model_zoo: unknown model(s) {', '.join(unknown)}; the zoo has "
                  + ", ".join(z[0] for z in ZOO), file=sys.stderr)
            return 2
        zoo = [z for z in ZOO if z[0] in wanted]
    names = [z[0] for z in zoo]
    out = args.out
    if not args.only and complete(out, names):
        print(f"make_model_zoo: {out} already holds the complete zoo ({len(names)} models); "
              "nothing to do")
        return 0

    try:
        import numpy  # noqa: F401
        import onnx
        import torch
        import torchvision
    except ImportError as e:
        print(f"make_model_zoo: skipped: python3-torch/torchvision/onnx not installed ({e}); "
              "install python3-torch python3-torchvision python3-onnx python3-numpy "
              "(scripts/run.sh test does)")
        return 77

    os.makedirs(out, exist_ok=True)
    # One builder per directory: a second ctest run waits, then finds the zoo complete.
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not args.only and complete(out, names):
            print(f"make_model_zoo: {out} was completed by another run; nothing to do")
            return 0
        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
        versions = (torch.__version__, torchvision.__version__, onnx.__version__)
        print(f"make_model_zoo: exporting {len(zoo)} models into {out} (torch {versions[0]}, "
              f"torchvision {versions[1]}, onnx {versions[2]})", flush=True)
        manifest = os.path.join(out, MANIFEST)
        if os.path.exists(manifest):
            os.remove(manifest)  # an incomplete zoo must not look complete while it is rebuilt
        rows, total = [], time.monotonic()
        for i, (name, opset, side) in enumerate(zoo, 1):
            try:
                row = export_one(name, opset, side, out, versions)
            except Exception as e:  # one line naming the model, then stop: the zoo is incomplete
                print(f"make_model_zoo: {name} failed: {type(e).__name__}: {e}", file=sys.stderr)
                return 2
            rows.append(row)
            print(f"[{i:2}/{len(zoo)}] {name:20} opset {opset:2}  {row['input_shape']:>12} -> "
                  f"{row['output_shape']:<12} {int(row['onnx_bytes']) / 2**20:8.1f} MiB  "
                  f"{row['export_seconds']:>6} s", flush=True)
        tmp = manifest + ".partial"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("# ConvScope model zoo, written by scripts/make_model_zoo.py " + script_hash()
                    + "\n")
            f.write("\t".join(COLUMNS) + "\n")
            for r in rows:
                f.write("\t".join(r[c] for c in COLUMNS) + "\n")
        os.replace(tmp, manifest)
        size = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
        print(f"make_model_zoo: {len(rows)} models, {size / 2**20:.0f} MiB in {out}, "
              f"{time.monotonic() - total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
