#!/usr/bin/python3
# The bad-input suite (issue 20): generates hostile files for every input path of convscope
# (images, models, kernel files, sessions/lessons, CLI arguments) and runs each as a command line
# under a wall-clock and memory bound. Every case must end in a clean refusal (exit 2, one line on
# stderr naming the problem) or, where the input is fine, in exit 0. Start at cases().
#
#   badinput.py generate DIR          write the files and DIR/manifest.json (for the GUI's test)
#   badinput.py run --binary B [--bound as|rss] [--dir DIR] [--only REGEX] [--mutations N]
#
# --bound as: each case under `prlimit --as` (Release); rss: peak RSS from wait4, for
# AddressSanitizer builds where an address-space limit cannot be used. Exit 0 when every case
# passes, 1 otherwise; the matrix and one line per failing case go to stdout, details to
# DIR/results.json. Needs /usr/bin/python3; python3-onnx for the ONNX cases (skipped,
# saying so, without them), ../shared/data for the mnist-8 mutations.
import argparse
import base64
import json
import os
import random
import re
import shutil
import signal
import struct
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_files as g  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
# A worktree sits beside the main clone: look there too.
if not os.path.isdir(SHARED) and os.path.isdir("/work/shared/data"):
    SHARED = "/work/shared/data"
PATHS = ["images", "models", "kernel files", "sessions/lessons", "CLI arguments"]
GIB = 1 << 30

# python3-onnx, imported by the generator only: the runner stays small, because each child it
# spawns starts from its peak RSS (the kernel carries the parent's high-water mark across a
# vfork + exec), which wait4 then reports as the child's.
TensorProto = helper = None
HAVE_ONNX = False


def load_onnx():
    global TensorProto, helper, HAVE_ONNX
    try:
        from onnx import TensorProto as tensor_proto, helper as onnx_helper
    except ImportError:
        return
    TensorProto, helper, HAVE_ONNX = tensor_proto, onnx_helper, True


def both(*parts):
    """A regex matching a line that contains every part (each itself a regex), in any order."""
    return "".join("(?=.*(?:%s))" % p for p in parts)


def dims(text):
    """A shape as messages may print it: 30000x30000, 30000 x 30000, 30000×30000, [2, 3, 3, 3]
    or (2, 3, 3, 3)."""
    d = text.split("x")
    return "|".join([r" ?[x×] ?".join(d), r"[\[(]" + ", ?".join(d) + r"[\])]"])


class Case:
    def __init__(self, path, name, argv, exit=2, msg=None, forbid=None, timeout=15.0, rss=None,
                 skip=None, gui=False, ok_msg=None, ok_warning=None):
        self.path, self.name, self.argv = path, name, [str(a) for a in argv]
        # What stdout must hold on exit 0: ok_msg, else msg when 0 is the only exit expected.
        self.ok_msg = ok_msg
        # On exit 0, stderr must hold a warning matching this (a truncated image may be opened,
        # saying so, instead of refused).
        self.ok_warning = ok_warning
        self.exit = exit if isinstance(exit, (tuple, list, set)) else (exit,)
        self.msg, self.forbid, self.timeout, self.rss, self.skip = msg, forbid, timeout, rss, skip
        self.gui = gui  # runs without a subcommand: the window must not open


class Suite:
    def __init__(self, d):
        self.dir = d
        self.cases = []
        self.manifest = []
        self.names = set()

    def f(self, *parts):
        return os.path.join(self.dir, *parts)

    def out(self, name):
        return self.f("out", name)

    def add(self, path, name, argv, **kw):
        assert name not in self.names, name
        self.names.add(name)
        self.cases.append(Case(path, name, argv, **kw))

    def mani(self, file, kind, msg, expect="refuse", **extra):
        e = {"file": os.path.relpath(file, self.dir), "kind": kind, "expect": expect,
             "message": msg}
        e.update({k: os.path.relpath(v, self.dir) if k == "config" else v
                  for k, v in extra.items()})
        self.manifest.append(e)


NOT_INTERNAL = r"unexpected error|Assertion failed|terminate called|what\(\)"


# ============================================================================================
# Images
# ============================================================================================

def image_files(s):
    """(file, expected: 'ok' or a message regex, entry subset) for every image case."""
    d = lambda n: s.f("images", n)  # noqa: E731
    items = []

    def add(name, data, msg, entries="all"):
        path = d(name)
        if data is not None:
            g.write(path, data)
        items.append((path, msg, entries))

    add("ok_16x16.png", g.png_bytes(16, 16), "ok")
    add("ok_gray_16x16.png", g.png_bytes(16, 16, color=0), "ok")
    add("ok_16x16.jpg", g.jpeg_bytes(16, 16), "ok")
    add("ok_16x16.bmp", g.bmp_bytes(16, 16), "ok")
    add("ok_16x16.tif", g.tiff_bytes(16, 16), "ok", entries="opencv")
    add("ok_16x16.pgm", g.pgm_bytes(16, 16), "ok")
    add("ok_1x1.gif", g.gif_bytes(1, 1), "ok", entries="qt")
    big = r"(too large|too big|limit|at most|exceeds|above|over|refus|maximum|largest|" \
          r"MP\b|[Mm]pixel|megapixel)"
    # Bombs: tiny files declaring huge sizes; the message names the size.
    g.png_zero_bomb(d("bomb_full_30000x30000.png"), 30000, 30000)
    items.append((d("bomb_full_30000x30000.png"), both(dims("30000x30000"), big), "all"))
    add("bomb_hdr_30000x30000_rgb.png", g.png_header_only(30000, 30000),
        both(dims("30000x30000"), big))
    add("bomb_rgba16_32000x32000.png", g.png_header_only(32000, 32000, depth=16, color=6),
        both(dims("32000x32000"), big))
    add("bomb_2147483647x1.png", g.png_header_only(2147483647, 1), both(dims("2147483647x1"), big))
    add("bomb_65000x65000.jpg", g.jpeg_bytes(65000, 65000, scan_bytes=64, eoi=False),
        both(dims("65000x65000"), big))
    add("bomb_30000x30000.bmp", g.bmp_bytes(30000, 30000, with_pixels=False),
        both(dims("30000x30000"), big))
    add("bomb_65535x65535.gif", g.gif_bytes(65535, 65535), both(dims("65535x65535"), big))
    add("bomb_100000x100000.tif", g.tiff_bytes(100000, 100000, data_len=64),
        both(dims("100000x100000"), big))
    add("bomb_100000x100000.pgm", g.pgm_bytes(100000, 100000, data_len=64),
        both(dims("100000x100000"), big))
    add("bomb_png_named.jpg", g.png_header_only(30000, 30000), both(dims("30000x30000"), big))
    # A bare VP8L bitstream (no RIFF container), which libwebp decodes (a fuzz_image finding).
    add("bomb_bare_vp8l_16384x16384.webp",
        b"\x2f" + struct.pack("<I", 16383 | 16383 << 14) + bytes(40),
        both(dims("16384x16384"), big))
    # Broken and not-images: the message says which and names the file.
    trunc = r"(truncated|premature|incomplete|ends? (early|before)|cut short|corrupt)"

    dec = r"(could not be decoded|cannot be decoded|not an image|unsupported|not a (PNG|JPEG|" \
          r"GIF|BMP|TIFF|supported)|corrupt|unknown (image )?format|invalid)"
    ok64 = g.png_bytes(64, 64)
    idat = ok64.index(b"IDAT")
    add("truncated_in_idat.png", ok64[:idat + 30], trunc)
    add("truncated_header.png", ok64[:20], rf"{dec}|{trunc}")
    add("truncated_64x64.jpg", g.jpeg_bytes(64, 64)[:-8], trunc)
    add("truncated_no_scan.jpg", g.jpeg_bytes(64, 64, scan_bytes=0, eoi=False), trunc)
    add("truncated_8x8.bmp", g.bmp_bytes(64, 64)[:200], rf"{dec}|{trunc}")
    add("truncated.tif", g.tiff_bytes(64, 64, data_len=100), rf"{dec}|{trunc}",
        entries="opencv")
    bad_crc = bytearray(g.png_bytes(16, 16))
    bad_crc[29] ^= 0xFF  # IHDR's CRC
    add("bad_crc.png", bytes(bad_crc), rf"(CRC|checksum)|{dec}")
    add("zero_width.png", g.png_header_only(0, 16), r"(0x16|width 0|empty|zero|invalid)")
    add("bmp_bpp0.bmp", g.bmp_bytes(16, 16, bpp=0), dec)
    add("bmp_negative_width.bmp", g.bmp_bytes(-16, 16, with_pixels=False), dec)
    add("bmp_height_int_min.bmp", g.bmp_bytes(16, -2147483648, with_pixels=False),
        rf"{dec}|{big}")
    add("signature_only.png", g.PNG_SIG, rf"{dec}|{trunc}")
    add("garbage.png", bytes(random.Random(1).randrange(256) for _ in range(4096)), dec)
    add("text.png", b"this is not an image\n" * 10, dec)
    add("empty.png", b"", r"is empty")
    # DICOM: OpenCV's GDCM decoder aborted the process on a damaged one (a fuzz_image finding).
    add("damaged.dcm", b"(" * 128 + b"DICMG\r" + bytes(range(64)), rf"DICOM|{dec}")
    os.makedirs(d("a_directory.png"), exist_ok=True)
    items.append((d("a_directory.png"), r"is a (directory|folder)|not a (regular )?file",
                  "all"))
    items.append((d("missing.png"), r"does not exist", "all"))
    rocket = os.path.join(SHARED, "images", "rocket.jpg")
    if os.path.exists(rocket):
        with open(rocket, "rb") as fh:
            data = fh.read()
        add("rocket_truncated_40pct.jpg", data[:len(data) * 2 // 5], trunc)
    return items


def image_cases(s, tiny_onnx):
    items = image_files(s)
    for path, msg, entries in items:
        base = os.path.basename(path)
        tag = base.replace(".", "_")
        ok = msg == "ok"
        want_exit = 0 if ok else 2
        # A truncated image may open with a warning naming it (the missing part gray), or be
        # refused; never silently.
        truncated = "truncated" in base
        if truncated:
            want_exit = (0, 2)
        err = None if ok else both(msg, re.escape(base) if "missing" not in base else "missing")
        forbid = NOT_INTERNAL + ("|File not found" if "directory" in base else "")
        opencv = entries in ("all", "opencv")
        qt = entries in ("all", "qt")
        if opencv:
            s.add("images", f"im2col_image_{tag}", ["im2col", "--image", path, "--kernel", "3",
                                                     "--pad", "1"],
                  exit=want_exit, msg="input 3x" if ok else err, forbid=forbid,
                  ok_warning=msg if truncated else None)
            # run reads images as im2col does (plus a resize): the bombs and broken ones only.
            if tiny_onnx and re.search(r"bomb|ok_|truncated", base):
                s.add("images", f"run_image_{tag}", ["run", "--model", tiny_onnx, "--image", path],
                      exit=want_exit, msg=r"class \d" if ok else err, forbid=forbid,
                      ok_warning=msg if truncated else None)
        if qt:
            s.add("images", f"shot_image_{tag}",
                  ["shot", "--image", path, "--roi", "0,0,1,1" if base == "ok_1x1.gif" else
                   "0,0,8,8", "--size", "400x300", "--out", s.out(f"shot_{tag}.png")],
                  exit=want_exit, msg="wrote" if ok else err, forbid=forbid,
                  ok_warning=msg if truncated else None)
            # render and the network views read images as shot does: a few of each.
            if re.search(r"bomb_hdr_30000|bomb_65000|bomb_full|directory", base):
                s.add("images", f"render_image_{tag}",
                      ["render", "--image", path, "--steps", "0..0", "--size", "300x200",
                       "--out", s.out(f"render_{tag}.gif")],
                      exit=want_exit, msg=err, forbid=forbid)
                s.add("images", f"features_image_{tag}",
                      ["shot", "--view", "features", "--model", "lenet", "--image", path,
                       "--out", s.out(f"features_{tag}.png")],
                      exit=want_exit, msg=err, forbid=forbid)
        s.mani(path, "image", ".*" if ok else msg, expect="ok" if ok else "refuse")
        # The same file as a template kernel (File > Load Kernel reads other extensions as
        # images): the GUI's path only.
        # Template kernels decode through OpenCV, which has no GIF reader: refused, naming it.
        if ok and entries == "qt":
            s.mani(path, "kernel", r"not an image OpenCV can decode", expect="either")
        else:
            s.mani(path, "kernel", ".*" if ok else msg, expect="ok" if ok else "refuse")


# ============================================================================================
# Models: ONNX (python3-onnx) and Caffe (protobuf by hand)
# ============================================================================================

def onnx_tensor(name, dims, dtype=None, raw=None, floats=None, ext=None):
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT if dtype is None else dtype
    t.dims.extend(dims)
    if raw is not None:
        t.raw_data = raw
    if floats is not None:
        t.float_data.extend(floats)
    if ext is not None:
        t.data_location = TensorProto.EXTERNAL
        for k, v in ext.items():
            e = t.external_data.add()
            e.key, e.value = k, v
    return t


def f32(values):
    return g.struct.pack("<%df" % len(values), *values)


def onnx_model(path, in_dims=("N", 3, 8, 8), w_dims=(2, 3, 3, 3), w=None, conv_attrs=None,
               extra_nodes=(), inits=None, classifier=True, opset=11, nodes=None, b=True,
               out_dims=None):
    count = 1
    for v in w_dims:
        count *= max(int(v), 0)
    w_t = w if w is not None else onnx_tensor(
        "w", w_dims, raw=f32([((i * 7) % 11 - 5) / 10 for i in range(min(count, 1 << 20))]))
    inits = [w_t] + ([onnx_tensor("b", [2], raw=f32([0.5, -0.25]))] if b else []) \
        if inits is None else inits
    attrs = {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]}
    attrs.update(conv_attrs or {})
    attrs = {k: v for k, v in attrs.items() if v is not None}
    if nodes is None:
        nodes = [helper.make_node("Conv", ["input", "w", "b"] if b else ["input", "w"], ["conv"],
                                  name="conv1", **attrs)]
        last = "conv"
        if classifier:
            nodes += [helper.make_node("Relu", ["conv"], ["relu"], name="relu1"),
                      helper.make_node("GlobalAveragePool", ["relu"], ["pool"], name="pool1"),
                      helper.make_node("Flatten", ["pool"], ["output"], name="flat1")]
            last = "output"
        nodes += list(extra_nodes)
        if not classifier:
            nodes[-1].output[0] = "output" if last == "conv" and not extra_nodes else \
                nodes[-1].output[0]
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, list(in_dims))
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                      out_dims or (["N", 2] if classifier else ["N", 2, 8, 8]))
    graph = helper.make_graph(nodes, "badinput", [x], [y], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 6
    g.write(path, m.SerializeToString())
    return path


BENCH_SAMPLE = {"dims_larger_than_data.onnx", "stride_0.onnx", "truncated_half.onnx",
                "input_1x3x100000x100000.onnx", "kernel_size_0.prototxt", "group_7.prototxt"}
SHOT_SAMPLE = {"dims_larger_than_data.onnx", "stride_0.onnx", "group_7.onnx", "nan_weights.onnx",
               "truncated_half.onnx", "garbage.onnx", "a_directory.onnx", "missing.onnx",
               "unknown_op.onnx", "input_dim_2p32.onnx"}


def onnx_cases(s, img, npy_in):
    if not HAVE_ONNX:
        s.add("models", "onnx_all", [], skip="python3-onnx is not installed (apt install "
              "python3-onnx): the ONNX model cases are skipped")
        return None
    m = lambda n: s.f("models", n)  # noqa: E731
    base = onnx_model(m("ok_tiny.onnx"))
    conv_only = onnx_model(m("ok_conv_only.onnx"), classifier=False)
    bad = []  # (file, regex, also filters? (exit for filters))
    corrupt = r"(truncated|corrupt|not an ONNX|not a model|cannot be parsed|could not be parsed)"
    param = NOT_INTERNAL + r"|truncated, corrupt"

    def add(name, msg, filters_exit=None, run_exit=2, **kw):
        # The filter gallery needs only the weights: a model whose layer parameters are
        # impossible stays browsable (io/model_import.h), so filters may draw it.
        if filters_exit is None:
            filters_exit = (0, 2) if "conv_attrs" in kw or name in (
                "bias_length_3.onnx", "reshape_huge.onnx") else 2
        bad.append((onnx_model(m(name), **kw), msg, filters_exit, run_exit))

    w32 = onnx_tensor("w", [32000, 3, 5, 5], raw=f32([0.01] * (32 * 3 * 5 * 5)))
    add("dims_larger_than_data.onnx", both(dims("32000x3x5x5"), r"(data|bytes|holds)"), w=w32,
        w_dims=(32000, 3, 5, 5), conv_attrs={"kernel_shape": [5, 5], "pads": [2, 2, 2, 2]})
    wbig = onnx_tensor("w", [2, 3, 3, 3], raw=f32([0.01] * (4 * 27)))
    add("data_larger_than_dims.onnx", both(dims("2x3x3x3"), r"(data|bytes|holds)"), w=wbig)
    wfd = onnx_tensor("w", [2, 3, 3, 3], floats=[0.1] * 10)
    add("float_data_short.onnx", both(dims("2x3x3x3"), r"(10 values|data|values)"), w=wfd)
    wneg = onnx_tensor("w", [-2, 3, 3, 3], raw=f32([0.1] * 54))
    add("negative_dim.onnx", r"-2", w=wneg)
    wint = onnx_tensor("w", [2, 3, 3, 3], dtype=TensorProto.INT64, raw=bytes(8 * 54))
    add("int64_weights.onnx", r"(?i)(int64|type|float)", w=wint, run_exit=(0, 2),
        filters_exit=(0, 2))
    wext = onnx_tensor("w", [2, 3, 3, 3], ext={"location": "missing_weights.bin"})
    add("external_data_missing.onnx", r"(missing_weights\.bin|external)", w=wext)
    wext2 = onnx_tensor("w", [100000, 100000, 3, 3], ext={"location": "../../../etc/passwd"})
    add("external_data_huge.onnx", r"(100000x100000|external|too large)",
        w=wext2, w_dims=(100000, 100000, 3, 3))
    wnan = onnx_tensor("w", [2, 3, 3, 3], raw=f32([float("nan")] * 54))
    add("nan_weights.onnx", r"(NaN|not finite|infinite)", w=wnan)
    whuge = onnx_tensor("w", [2, 3, 3, 3], raw=f32([3e38] * 54))
    add("weights_3e38.onnx", r"(overflow|infinite|not finite|NaN|inf\b)", filters_exit=0,
        w=whuge)
    # The input size does not matter to the filter gallery: filters may draw them (exit 0).
    any_ = (0, 2)
    add("input_dim_2p32.onnx", r"4294967328", in_dims=(1, 3, (1 << 32) + 32, 8),
        filters_exit=any_)
    add("input_dim_0.onnx", r"(\b0\b|empty|zero)", in_dims=(1, 3, 0, 8), filters_exit=any_)
    add("input_1x3x100000x100000.onnx",
        both(r"100000", r"(too large|limit|memory|GiB|GB|MiB|more than|smaller input)"),
        in_dims=(1, 3, 100000, 100000), filters_exit=any_)
    add("input_rank2.onnx", r"(rank|N x C x H x W|4 dim|dimensions)", in_dims=(3, 8),
        filters_exit=any_)
    add("stride_0.onnx", r"stride.{0,20}\b0\b", conv_attrs={"strides": [0, 0]})
    add("stride_negative.onnx", r"stride.{0,20}-1", conv_attrs={"strides": [-1, 1]})
    add("kernel_shape_0.onnx", r"kernel.{0,20}\b0\b", conv_attrs={"kernel_shape": [0, 0]})
    add("kernel_shape_mismatch.onnx", both(r"kernel", r"5x5|3x3"),
        conv_attrs={"kernel_shape": [5, 5]})
    add("dilation_0.onnx", r"dilation.{0,20}\b0\b", conv_attrs={"dilations": [0, 0]})
    add("group_7.onnx", both(r"groups? 7|7 groups", r"divisi|divide|multiple|split"),
        conv_attrs={"group": 7})
    add("pads_negative.onnx", r"pad.{0,30}-1", conv_attrs={"pads": [-1, -1, -1, -1]})
    add("pads_1e9.onnx", r"pad.{0,30}1000000000", conv_attrs={"pads": [10 ** 9] * 4})
    add("pads_3_values.onnx", r"pads", conv_attrs={"pads": [1, 1, 1]})
    add("bias_length_3.onnx", both(r"bias|'b'", r"\b3\b"),
        inits=[onnx_tensor("w", [2, 3, 3, 3], raw=f32([0.1] * 54)),
               onnx_tensor("b", [3], raw=f32([0, 0, 0]))])
    add("weights_rank1.onnx", r"(rank|dims|4-D|4 dim|shape)",
        w=onnx_tensor("w", [54], raw=f32([0.1] * 54)))
    add("missing_initializer.onnx", r"'w'", inits=[onnx_tensor("b", [2], raw=f32([0, 0]))])
    add("unknown_op.onnx", r"Frobnicate", filters_exit=(0, 2),
        extra_nodes=[helper.make_node("Frobnicate", ["output"], ["output2"], name="frob")],
        out_dims=["N", 2])
    cyc = [helper.make_node("Relu", ["b2"], ["a2"], name="r1"),
           helper.make_node("Relu", ["a2"], ["b2"], name="r2"),
           helper.make_node("Add", ["input", "a2"], ["output"], name="add")]
    add("cycle.onnx", r"(cycle|loop|order|not produced|undefined|unknown input)", nodes=cyc,
        classifier=False, out_dims=["N", 3, 8, 8])
    add("dangling_input.onnx", r"nowhere",
        nodes=[helper.make_node("Relu", ["nowhere"], ["output"], name="r")],
        classifier=False, out_dims=["N", 3, 8, 8])
    add("empty_graph.onnx", r"(no (nodes|layers)|empty|nothing)", nodes=[], classifier=False,
        out_dims=["N", 3, 8, 8])
    add("output_not_produced.onnx", r"(output|not produced)",
        nodes=[helper.make_node("Relu", ["input"], ["other"], name="r")], classifier=False,
        out_dims=["N", 3, 8, 8])
    add("opset_99.onnx", r"(opset|version).{0,20}99", opset=99)
    add("reshape_huge.onnx", r"(reshape|shape|too large|4294967296|element)",
        extra_nodes=[helper.make_node("Reshape", ["output", "shape"], ["output2"], name="rs")],
        inits=[onnx_tensor("w", [2, 3, 3, 3], raw=f32([0.1] * 54)),
               onnx_tensor("b", [2], raw=f32([0, 0])),
               onnx_tensor("shape", [2], dtype=TensorProto.INT64,
                           raw=g.struct.pack("<qq", 1 << 32, 1 << 32))])
    with open(base, "rb") as fh:
        good = fh.read()
    for name, data, msg in [
            ("truncated_half.onnx", good[:len(good) // 2], corrupt),
            ("truncated_10_bytes.onnx", good[:10], corrupt),
            ("empty.onnx", b"", r"is empty|no graph|" + corrupt),
            ("garbage.onnx", bytes(random.Random(2).randrange(256) for _ in range(2048)), corrupt),
            ("text.onnx", b"ir_version: 6\n" * 20, corrupt),
            ("an_image.onnx", g.png_bytes(8, 8), corrupt)]:
        bad.append((g.write(m(name), data), msg, 2, 2))
    os.makedirs(m("a_directory.onnx"), exist_ok=True)
    bad.append((m("a_directory.onnx"), r"is a (directory|folder)|not a (regular )?file", 2, 2))
    bad.append((m("missing.onnx"), r"does not exist", 2, 2))

    # The valid ones work on every entry point.
    s.add("models", "run_ok_tiny_onnx", ["run", "--model", base, "--image", img], exit=0,
          msg=r"class \d")
    s.add("models", "run_ok_tiny_onnx_npy_compare", ["run", "--model", base, "--input-npy", npy_in,
                                                    "--compare", "opencv"], exit=0,
          msg="opencv-dnn")
    s.add("models", "filters_ok_tiny_onnx", ["filters", "--model", base, "--out",
                                            s.out("filters_ok.png")], exit=0, msg="2 filters")
    s.add("models", "shot_filters_ok_tiny_onnx", ["shot", "--view", "filters", "--model", base,
                                                 "--out", s.out("shot_filters_ok.png")], exit=0,
          msg="wrote")
    s.add("models", "run_ok_conv_only_npy", ["run", "--model", conv_only, "--input-npy", npy_in],
          exit=0, msg=r"class \d")
    s.mani(base, "model", ".*", expect="ok")
    for path, msg, filters_exit, run_exit in bad:
        base_name = os.path.basename(path)
        tag = base_name.replace(".", "_")
        name_re = "missing" if base_name == "missing.onnx" else re.escape(base_name)
        corrupt_file = msg in (corrupt, r"is empty|no graph|" + corrupt) or \
            base_name in ("a_directory.onnx", "missing.onnx")
        err = both(msg, name_re) if corrupt_file else msg
        fb = NOT_INTERNAL if corrupt_file else param
        s.add("models", f"run_{tag}", ["run", "--model", path, "--image", img], exit=run_exit,
              msg=err, forbid=fb, ok_msg=r"class \d")
        s.add("models", f"filters_{tag}", ["filters", "--model", path, "--out",
                                          s.out(f"filters_{tag}.png")],
              exit=filters_exit, msg=err, forbid=fb, ok_msg="2 filters")
        # bench and the GUI's Model panel read models as run does: a sample of the cases (a
        # bench that runs measures for 10 s or more).
        if base_name in BENCH_SAMPLE:
            s.add("models", f"bench_{tag}", ["bench", "--model", path, "--repeat", "1",
                                            "--warmup", "0"], msg=err, forbid=fb)
        if base_name in SHOT_SAMPLE:
            s.add("models", f"shot_filters_{tag}", ["shot", "--view", "filters", "--model", path,
                                                   "--out", s.out(f"shot_filters_{tag}.png")],
                  exit=filters_exit, msg=err, forbid=fb, ok_msg="wrote")
        s.mani(path, "model", msg, expect={2: "refuse", 0: "ok"}.get(filters_exit, "either"))
    return base


CAFFE_PROTO = """name: "badinput"
input: "data"
input_shape { dim: %(n)s dim: 3 dim: %(h)s dim: %(w)s }
layer {
  name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: %(num_output)s kernel_size: %(kernel_size)s pad: %(pad)s
                      stride: %(stride)s group: %(group)s dilation: %(dilation)s }
}
layer { name: "relu1" type: "%(relu_type)s" bottom: "conv1" top: "conv1" }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1"
        pooling_param { pool: MAX kernel_size: %(pool_k)s stride: %(pool_s)s } }
"""


def caffe_cases(s, img):
    c = lambda n: s.f("models", "caffe", n)  # noqa: E731
    defaults = dict(n=1, h=8, w=8, num_output=2, kernel_size=3, pad=1, stride=1, group=1,
                    dilation=1, relu_type="ReLU", pool_k=2, pool_s=2)

    def proto(name, **kw):
        p = dict(defaults)
        p.update(kw)
        return g.write(c(name), CAFFE_PROTO % p)

    w27 = [((i * 5) % 7 - 3) / 10 for i in range(54)]
    weights = g.write(c("ok.caffemodel"), g.caffemodel_bytes(
        [("conv1", [((2, 3, 3, 3), w27), ((2,), [0.1, -0.1])])]))
    ok = proto("ok.prototxt")
    param = NOT_INTERNAL + r"|truncated, corrupt"
    # (model, config, regex, filters exit[, run exit]); filters exit "warn": the conv filters are
    # drawn (exit 0) and the broken later layer is named in a warning.
    pairs = []
    pairs.append((weights, proto("kernel_size_0.prototxt", kernel_size=0), r"kernel_size 0", 2))
    pairs.append((weights, proto("stride_0.prototxt", stride=0), r"stride 0", 2))
    pairs.append((weights, proto("dilation_0.prototxt", dilation=0), r"dilation 0", 2))
    w7 = g.write(c("group7.caffemodel"), g.caffemodel_bytes(
        [("conv1", [((7, 1, 3, 3), [0.1] * 63), ((7,), [0.0] * 7)])]))
    pairs.append((w7, proto("group_7.prototxt", group=7, num_output=7),
                  both(r"groups? 7|7 groups", r"3 (input )?channels|divisi|multiple|split"), 2))
    pairs.append((weights, proto("num_output_0.prototxt", num_output=0), r"num_output 0",
                  (0, 2)))
    pairs.append((weights, proto("pad_1e6.prototxt", pad=1000000), r"pad 1000000", 2))
    pairs.append((weights, proto("pool_kernel_0.prototxt", pool_k=0), r"kernel_size 0", "warn"))
    pairs.append((weights, proto("pool_stride_0.prototxt", pool_s=0), r"stride 0", "warn"))
    # The input size does not matter to the filter gallery: filters may draw them (exit 0).
    any_ = (0, 2)
    pairs.append((weights, proto("input_h_0.prototxt", h=0), r"((?<![0-9])0(?![0-9])|empty)", any_))
    pairs.append((weights, proto("input_h_2p32.prototxt", h=(1 << 32) + 32),
                  r"4294967328", any_))
    pairs.append((weights, proto("input_100000x100000.prototxt", h=100000, w=100000),
                  both("100000", r"(too large|limit|memory|GiB|GB|MiB|more than|smaller input)"),
                  any_))
    # The declared batch is not used (the engine runs the batch it is given): it may run.
    pairs.append((weights, proto("batch_1e9.prototxt", n=10 ** 9),
                  both("1000000000", r"(batch|too large|limit|memory)"), any_, any_))
    pairs.append((weights, proto("unknown_type.prototxt", relu_type="Frobnicate"),
                  r"Frobnicate", "warn"))
    pairs.append((weights, g.write(c("syntax_error.prototxt"), "layer { name: \"conv1\" type: \n"),
                  both(r"syntax_error\.prototxt", r"(line|parse|syntax|expected)"), 2))
    pairs.append((weights, g.write(c("empty.prototxt"), ""),
                  both(r"empty\.prototxt", r"(empty|no layers|no input)"), 2))
    wmis = g.write(c("mismatch_5x5.caffemodel"), g.caffemodel_bytes(
        [("conv1", [((2, 3, 5, 5), [0.1] * 150), ((2,), [0.0, 0.0])])]))
    pairs.append((wmis, ok, both("conv1", dims("2x3x5x5") + "|5x5"), (0, 2)))
    wshort = g.write(c("data_short.caffemodel"), g.caffemodel_bytes(
        [("conv1", [((2, 3, 3, 3), [0.1] * 20), ((2,), [0.0, 0.0])])]))
    # OpenCV's check does not name the blob's layer: the file and the problem are named.
    pairs.append((wshort, ok, both(r"data_short\.caffemodel", r"(20|data|values)"), 2))
    wdims = g.write(c("dims_32000.caffemodel"), g.caffemodel_bytes(
        [("conv1", [((32000, 3, 3, 3), [0.1] * 54), ((2,), [0.0, 0.0])])]))
    pairs.append((wdims, ok, both(r"dims_32000\.caffemodel", r"(data|bytes|values)"), 2))
    wnone = g.write(c("no_conv1.caffemodel"), g.caffemodel_bytes([("other", [((1,), [0.0])])]))
    pairs.append((wnone, ok, both("conv1", r"(weights|blobs|missing|no )"), 2))
    with open(weights, "rb") as fh:
        good = fh.read()
    corrupt = r"(truncated|corrupt|not a model|cannot be parsed|could not be parsed)"
    for name, data in [("truncated.caffemodel", good[:len(good) // 2]),
                       ("garbage.caffemodel", bytes(random.Random(3).randrange(256)
                                                    for _ in range(1024))),
                       ("empty.caffemodel", b"")]:
        p = g.write(c(name), data)
        pairs.append((p, ok, both(corrupt + "|is empty", re.escape(name)), 2))
    pairs.append((c("missing.caffemodel"), ok, r"does not exist", 2))
    pairs.append((weights, c("missing.prototxt"), r"does not exist", 2))

    s.add("models", "run_ok_caffe", ["run", "--model", weights, "--config", ok, "--image", img],
          exit=0, msg=r"class \d")
    s.add("models", "filters_ok_caffe", ["filters", "--model", weights, "--config", ok, "--out",
                                        s.out("caffe_ok.png")], exit=0, msg="conv1")
    s.add("models", "run_caffe_without_config", ["run", "--model", weights, "--image", img],
          msg=r"--config")
    s.mani(weights, "model", ".*", expect="ok", config=ok)
    for model, config, msg, fexit, *rexit in pairs:
        tag = (os.path.basename(config) + "_" + os.path.basename(model)).replace(".", "_")
        s.add("models", f"run_caffe_{tag}", ["run", "--model", model, "--config", config,
                                            "--image", img], exit=rexit[0] if rexit else 2,
              msg=msg, forbid=param, ok_msg=r"class \d" if rexit else None)
        warn = fexit == "warn"
        s.add("models", f"filters_caffe_{tag}", ["filters", "--model", model, "--config", config,
                                                "--out", s.out(f"caffe_{tag}.png")],
              exit=0 if warn else fexit, msg=msg, forbid=param, ok_msg="filters",
              ok_warning=msg if warn else None)
        if os.path.basename(config) in BENCH_SAMPLE:
            s.add("models", f"bench_caffe_{tag}", ["bench", "--model", model, "--config", config,
                                                  "--repeat", "1", "--warmup", "0"],
                  msg=msg, forbid=param)
        s.mani(model, "model", msg, config=config, expect="either" if rexit else "refuse")
    return weights, ok


# ============================================================================================
# Kernel files (.npy also through run --input-npy; CSV/JSON/images only through the GUI)
# ============================================================================================

def npy_files(s):
    k = lambda n: s.f("kernels", n)  # noqa: E731
    vals = [((i * 3) % 17 - 8) / 8 for i in range(1 * 3 * 8 * 8)]
    ok_in = g.write(k("ok_input_1x3x8x8.npy"), g.npy_f4((1, 3, 8, 8), vals))
    ok_kernel = g.write(k("ok_kernel_2x3x3x3.npy"), g.npy_f4((2, 3, 3, 3), [0.1] * 54))
    hdr = r"(header|dict|malformed|descr)"
    items = [  # (file, regex for run --input-npy, regex for Load Kernel)
        (g.write(k("header_ends_after_descr.npy"),
                 g.npy_bytes("{'descr':", pad=False)), hdr, hdr),
        (g.write(k("header_unterminated.npy"), g.npy_bytes("{'descr': '<f4', 'fortran_order'")),
         hdr, hdr),
        (g.write(k("header_no_shape.npy"), g.npy_bytes("{'descr': '<f4', 'fortran_order': False}")),
         r"shape", r"shape"),
        (g.write(k("shape_overflow_4x2p62.npy"),
                 g.npy_bytes(g.npy_header(shape=(4, 1 << 62)), bytes(64))),
         both(r"4611686018427387904", r"(overflow|too (many|large)|limit)"),
         both(r"4611686018427387904", r"(overflow|too (many|large)|limit)")),
        (g.write(k("shape_2p63.npy"), g.npy_bytes(g.npy_header(shape=(1 << 63,)), bytes(64))),
         r"9223372036854775808|too large|overflow", r"9223372036854775808|too large|overflow"),
        (g.write(k("shape_huge_no_data.npy"),
                 g.npy_bytes(g.npy_header(shape=(1, 3, 100000, 100000)), bytes(64))),
         r"(bytes|shorter|data|too large|limit)", r"(too large|at most|64|limit)"),
        (g.write(k("shape_negative.npy"), g.npy_bytes(g.npy_header(shape=(1, -3, 8, 8)))),
         r"-3", r"-3"),
        (g.write(k("data_short.npy"), g.npy_f4((1, 3, 8, 8), vals[:100])), r"(bytes|shorter)",
         r"(bytes|shorter)"),
        (g.write(k("data_long.npy"), g.npy_f4((1, 3, 8, 8), vals + vals)), r"(bytes|longer)",
         r"(bytes|longer)"),
        (g.write(k("dtype_f2.npy"), g.npy_bytes(g.npy_header("<f2"), bytes(384))), r"<f2",
         r"<f2"),
        (g.write(k("dtype_big_endian.npy"), g.npy_bytes(g.npy_header(">f4"), bytes(768))),
         r">f4", r">f4"),
        (g.write(k("dtype_object.npy"), g.npy_bytes(g.npy_header("|O"), bytes(64))), r"\|O",
         r"\|O"),
        (g.write(k("version_9.npy"), g.npy_bytes(g.npy_header(), bytes(768), version=(9, 0))),
         r"version", r"version"),
        (g.write(k("header_len_huge.npy"), b"\x93NUMPY\x02\x00\xff\xff\xff\x7f{'descr'"),
         r"(header|truncated|bytes)", r"(header|truncated|bytes)"),
        (g.write(k("bad_magic.npy"), b"\x93NUMPZ\x01\x00" + bytes(100)), r"(magic|not a \.?npy)",
         r"(magic|not a \.?npy)"),
        (g.write(k("empty.npy"), b""), r"(empty|magic|not a \.?npy)", r"(empty|magic)"),
        (g.write(k("scalar.npy"), g.npy_bytes(g.npy_header(shape=()), g.struct.pack("<f", 1))),
         r"(N x C x H x W|0-d|scalar|rank)", r"(KHxKW|0-d|scalar|rank|shape)"),
    ]
    nan_in = g.write(k("nan_input_1x3x8x8.npy"), g.npy_f4((1, 3, 8, 8),
                                                        [float("nan")] + vals[1:]))
    inf_in = g.write(k("inf_input_1x3x8x8.npy"), g.npy_f4((1, 3, 8, 8),
                                                        [float("inf")] + vals[1:]))
    big_in = g.write(k("values_3e38_1x3x8x8.npy"), g.npy_f4((1, 3, 8, 8), [3e38] * 192))
    nonfinite = r"(NaN|not finite|infinite|overflow)"
    items += [(nan_in, nonfinite, nonfinite), (inf_in, nonfinite, nonfinite),
              (big_in, nonfinite, nonfinite)]  # as a kernel: 192 x 3e38 x 255 overflows float
    return ok_in, ok_kernel, items


def text_kernel_files(s):
    """CSV/JSON kernels and images as kernels: only File > Load Kernel reads them (manifest)."""
    k = lambda n: s.f("kernels", n)  # noqa: E731
    items = [
        (g.write(k("ok_3x3.csv"), "1,0,-1\n2,0,-2\n1,0,-1\n"), "ok"),
        (g.write(k("ok_3x3.json"), "[[1,0,-1],[2,0,-2],[1,0,-1]]"), "ok"),
        (g.write(k("ragged.csv"), "1,0,-1\n2,0\n1,0,-1\n"), r"(ragged|row 2|2 values)"),
        (g.write(k("nan.csv"), "1,nan,-1\n2,0,-2\n1,0,-1\n"), r"(NaN|not finite)"),
        (g.write(k("empty.csv"), ""), r"(empty|no values)"),
        (g.write(k("too_large_65x65.csv"), ("1," * 64 + "1\n") * 65), r"(65|too large|64)"),
        (g.write(k("words.csv"), "a,b,c\n"), r"(number|'a')"),
        (g.write(k("ragged.json"), "[[1,0],[2,0,-2]]"), r"(ragged|length|2 values)"),
        (g.write(k("strings.json"), '[["1","0"],["2","0"]]'), r"(number|string)"),
        (g.write(k("rank5.json"), "[[[[[1]]]]]"), r"(5-D|rank|2-, 3- or 4-D|dimensions)"),
        (g.write(k("bias_mismatch.json"), '{"weights": [[[[1]]],[[[1]]]], "bias": [1,2,3]}'),
         r"bias"),
        (g.write(k("deep_nesting.json"), "[" * 100000 + "]" * 100000),
         r"(deep|nest|rank|dimensions)"),
        (g.write(k("not_json.json"), "{weights: oops"), r"(JSON|parse|character)"),
    ]
    path = k("huge_50MB.json")
    if not os.path.exists(path):
        row = "[" + ",".join(["0.123456789"] * 1000) + "]"
        g.write(path, "[[[" + ",\n".join([row] * 4300) + "]]]")
    items.append((path, r"(too large|at most|64|limit)"))
    for path, msg in items:
        s.mani(path, "kernel", ".*" if msg == "ok" else msg,
               expect="ok" if msg == "ok" else "refuse")
    return len(items)


def kernel_cases(s, tiny_onnx):
    ok_in, ok_kernel, items = npy_files(s)
    s.mani(ok_kernel, "kernel", ".*", expect="ok")
    n_text = text_kernel_files(s)
    s.manifest_only_kernels = n_text
    for path, run_msg, kernel_msg in items:
        base = os.path.basename(path)
        s.mani(path, "kernel", ".*" if kernel_msg == "ok" else kernel_msg,
               expect="ok" if kernel_msg == "ok" else "refuse")
        if tiny_onnx:
            s.add("kernel files", "run_npy_" + base.replace(".", "_"),
                  ["run", "--model", tiny_onnx, "--input-npy", path],
                  msg=run_msg if "nan" in base or "inf" in base or "3e38" in base
                  else both(run_msg, re.escape(base)),
                  forbid=NOT_INTERNAL )
    if tiny_onnx:
        s.add("kernel files", "run_npy_ok", ["run", "--model", tiny_onnx, "--input-npy", ok_in],
              exit=0, msg=r"class \d")
        # A kernel file where the CLI takes a tensor: a sensible refusal naming the channels.
        s.add("kernel files", "run_npy_kernel_as_input", ["run", "--model", tiny_onnx,
                                                         "--input-npy", ok_kernel],
              exit=(0, 2), msg=r"3 channels|shape|2x3x3x3")
    return ok_in


# ============================================================================================
# Sessions and lessons (render --session FILE reads both headless)
# ============================================================================================

def session_cases(s, images):
    d = lambda n: s.f("sessions", n)  # noqa: E731

    def session(state):
        return {"convscope": "session", "version": 1, "state": state}

    good_state = {"roi": [0, 0, 16, 16], "layer": {"kernelH": 3, "strideH": 1, "padTop": 1,
                                                   "filters": 1, "rgb": True, "preset": 4},
                  "step": 3, "tab": 0}
    ok = g.dump_json(d("ok_session.json"), session(good_state))
    lesson_src = os.path.join(ROOT, "resources", "lessons", "basics.json")
    ok_lesson = d("ok_lesson.json")
    shutil.copyfile(lesson_src, ok_lesson)
    with open(ok_lesson) as fh:
        lesson = json.load(fh)

    def st(**kw):
        x = json.loads(json.dumps(good_state))
        for key, value in kw.items():
            if "." in key:
                a, b = key.split(".")
                x.setdefault(a, {})[b] = value
            elif value is None:
                x.pop(key, None)
            else:
                x[key] = value
        return session(x)

    png_b64 = base64.b64encode(g.png_header_only(30000, 30000)).decode()
    big = r"(too large|limit|at most|exceeds|above|maximum|largest|[Mm]pixel)"
    cases = [  # (name, content (obj, or bytes/str as is), regex, kind)
        ("not_json.json", "{\"convscope\": \"session\",", r"not valid JSON", "session"),
        ("binary.json", g.png_bytes(4, 4), r"not valid JSON", "session"),
        ("empty.json", "", r"(empty|not valid JSON)", "session"),
        ("top_level_array.json", [1, 2, 3], r"not a ConvScope file", "session"),
        ("no_kind.json", {"version": 1, "state": {}}, r"not a ConvScope file", "session"),
        ("version_99.json", {"convscope": "session", "version": 99, "state": good_state},
         r"version 99", "session"),
        ("version_string.json", {"convscope": "session", "version": "1", "state": good_state},
         r"version", "session"),
        ("state_not_object.json", {"convscope": "session", "version": 1, "state": [1]},
         r"'state' must be an object", "session"),
        ("kernel_0.json", st(**{"layer.kernelH": 0}), r"layer\.kernelH", "session"),
        ("kernel_1e9.json", st(**{"layer.kernelH": 1e9}), r"layer\.kernelH", "session"),
        ("kernel_string.json", st(**{"layer.kernelH": "3"}), r"layer\.kernelH", "session"),
        ("kernel_3_5.json", st(**{"layer.kernelH": 3.5}), r"layer\.kernelH", "session"),
        ("stride_0.json", st(**{"layer.strideH": 0}), r"layer\.strideH", "session"),
        ("dilation_0.json", st(**{"layer.dilationH": 0}), r"layer\.dilationH", "session"),
        ("groups_2_rgb.json", st(**{"layer.groups": 2}), r"(groups|divisible)", "session"),
        ("filters_0.json", st(**{"layer.filters": 0}), r"layer\.filters", "session"),
        ("preset_999.json", st(**{"layer.preset": 999}), r"layer\.preset", "session"),
        ("pad_huge.json", st(**{"layer.padTop": 2147483647}), r"layer\.padTop", "session"),
        ("roi_1e9.json", st(roi=[1e9, 0, 32, 32]), r"roi|region", "session"),
        ("roi_int_max.json", st(roi=[2147483647, 2147483647, 32, 32]), r"roi|region", "session"),
        ("roi_size_int_max.json", st(roi=[0, 0, 2147483647, 2147483647]), r"roi|region",
         "session"),
        ("roi_negative.json", st(roi=[-5, 0, 32, 32]), r"roi", "session"),
        ("roi_3_numbers.json", st(roi=[0, 0, 32]), r"roi", "session"),
        ("roi_1e308.json", "{\"convscope\":\"session\",\"version\":1,\"state\":{\"roi\":"
         "[1e400,0,8,8]}}", r"roi", "session"),
        ("step_huge.json", st(step=1 << 30), r"step", "session"),
        ("step_negative.json", st(step=-1), r"step", "session"),
        ("tab_9.json", st(tab=9), r"tab", "session"),
        ("weights_shape_mismatch.json", st(weights={"shape": [1, 3, 5, 5], "values": [0] * 75}),
         r"weights\.shape", "session"),
        ("weights_values_short.json", st(weights={"shape": [1, 3, 3, 3], "values": [0] * 5}),
         r"weights\.values", "session"),
        ("weights_no_shape.json", st(weights={"values": [0] * 27}), r"weights\.shape",
         "session"),
        ("weights_shape_huge.json", st(weights={"shape": [64, 64, 64, 64], "values": []}),
         r"weights", "session"),
        ("weights_shape_negative.json", st(weights={"shape": [1, -3, 3, 3], "values": []}),
         r"weights", "session"),
        ("weights_3e38.json", st(weights={"shape": [1, 3, 3, 3], "values": [3e38] * 27}),
         r"(overflow|infinite|not finite|NaN|too large)", "session"),
        ("image_missing.json", st(image={"path": d("nope.png")}), r"nope\.png", "session"),
        ("image_directory.json", st(image={"path": s.f("images", "a_directory.png")}),
         r"(is a (directory|folder)|not a (regular )?file)", "session"),
        ("image_bomb_path.json", st(image={"path": s.f("images", "bomb_hdr_30000x30000_rgb.png")}),
         both(dims("30000x30000"), big), "session"),
        ("image_bomb_png.json", st(image={"png": png_b64}), both(dims("30000x30000"), big),
         "session"),
        ("image_png_garbage.json", st(image={"png": "!!!!"}), r"image\.png", "session"),
        ("image_png_not_image.json", st(image={"png": base64.b64encode(b"hello" * 20).decode()}),
         r"(embedded image|image\.png)", "session"),
        ("model_builtin_vgg.json", st(model={"builtIn": "vgg"}), r"model\.builtIn", "session"),
        ("model_scale_string.json", st(model={"builtIn": "lenet", "scale": "x"}),
         r"model\.scale", "session"),
        ("caption_number.json", st(caption=5), r"caption", "session"),
        ("deep_nesting.json", '{"convscope":"session","version":1,"state":' + "[" * 100000 +
         "]" * 100000 + "}", r"(not valid JSON|deep|nest|'state')", "session"),
        ("lesson_no_steps.json", {"convscope": "lesson", "version": 1, "title": "x", "steps": []},
         r"'steps'", "lesson"),
        ("lesson_steps_not_list.json", {"convscope": "lesson", "version": 1, "steps": {}},
         r"'steps'", "lesson"),
        ("lesson_step_not_object.json", {"convscope": "lesson", "version": 1, "steps": [1]},
         r"step 1", "lesson"),
        ("lesson_step2_bad.json", dict(lesson, steps=[lesson["steps"][0], dict(
            lesson["steps"][1], layer={"kernelH": 0})]), r"step 2.*kernelH", "lesson"),
    ]
    files = []
    for name, content, msg, kind in cases:
        path = d(name)
        if isinstance(content, (dict, list)):
            g.dump_json(path, content)
        else:
            g.write(path, content)
        files.append((path, msg, kind))
    # A session whose weights are 50 MB of JSON (a kernel of 64x3x64x64 is 786,432 values).
    path = d("weights_50MB.json")
    if not os.path.exists(path):
        values = ",".join(["0.0123456789"] * (64 * 3 * 64 * 64))
        g.write(path, '{"convscope":"session","version":1,"state":{"roi":[0,0,16,16],'
                '"layer":{"kernelH":64,"filters":64},"weights":{"shape":[64,3,64,64],'
                '"values":[' + values + "," + values + "," + values + "]}}}")
    files.append((path, r"(weights\.values|may be up to 16 MiB)", "session"))
    os.makedirs(d("a_directory.json"), exist_ok=True)
    files.append((d("a_directory.json"), r"(is a (directory|folder)|not a (regular )?file)",
                  "session"))
    files.append((d("missing.json"), r"(does not exist|cannot be read)", "session"))

    def render(path, extra=()):
        tag = os.path.basename(path).replace(".", "_")
        return ["render", "--session", path, "--steps", "0..0", "--size", "300x200",
                "--out", s.out(f"session_{tag}.gif")] + list(extra)

    s.add("sessions/lessons", "render_ok_session", render(ok), exit=0, msg="wrote")
    s.add("sessions/lessons", "render_ok_lesson_step_2", render(ok_lesson, ["--lesson-step", "2"]),
          exit=0, msg="wrote")
    s.add("sessions/lessons", "render_lesson_step_0", render(ok_lesson, ["--lesson-step", "0"]),
          msg=r"--lesson-step")
    s.add("sessions/lessons", "render_lesson_step_99", render(ok_lesson, ["--lesson-step", "99"]),
          msg=r"--lesson-step")
    # Heavy but legal: 64 filters of 64x64 on a 300x300 region; bounded (done or refused).
    heavy = g.dump_json(d("heavy_64_filters_64x64_300.json"), st(
        roi=[0, 0, 300, 300], **{"layer.kernelH": 64, "layer.filters": 64, "layer.padTop": 0}))
    s.add("sessions/lessons", "render_heavy_session", render(heavy), exit=(0, 2),
          msg=r"(wrote|too (much|large|many)|limit)")
    s.mani(ok, "session", ".*", expect="ok")
    s.mani(ok_lesson, "lesson", ".*", expect="ok")
    for path, msg, kind in files:
        tag = os.path.basename(path).replace(".", "_")
        s.add("sessions/lessons", "render_session_" + tag, render(path),
              msg=both(msg, re.escape(os.path.basename(path))) if
              ("missing" in tag or "directory" in tag) and "image" not in tag else msg,
              forbid=NOT_INTERNAL + ("|File not found" if "directory" in tag else ""))
        s.mani(path, kind, msg)
    # The window's positional argument: a missing file is refused before any window opens.
    s.add("sessions/lessons", "gui_positional_missing_session", [d("missing.json")],
          msg=r"(does not exist|missing\.json)", timeout=10, gui=True)
    s.add("sessions/lessons", "gui_positional_missing_image", [s.f("images", "missing.png")],
          msg=r"(does not exist|missing\.png)", timeout=10, gui=True)
    s.add("sessions/lessons", "gui_present_missing", ["--present", d("missing.json")],
          msg=r"(does not exist|missing\.json)", timeout=10, gui=True)
    return ok, ok_lesson


# ============================================================================================
# CLI arguments
# ============================================================================================

def cli_cases(s, tiny_onnx, img, npy_in):
    o = s.out
    big = r"(too large|too big|limit|at most|exceeds|above|maximum|largest|must be|more than)"
    add = lambda name, argv, **kw: s.add("CLI arguments", name, argv, **kw)  # noqa: E731
    # Sizes: shot and render.
    for w, h in [(30000, 30000), (100000, 100000), (8193, 100), (100, 8193), (9000, 9000),
                 (2147483647, 1), (0, 0), (0, 300), (-5, 300), (1, 1)]:
        tag = f"{w}x{h}".replace("-", "m")
        msg = both(r"--size", re.escape(f"{w}x{h}") if w >= 0 else r"--size")
        ok = (w, h) == (1, 1)
        add(f"shot_size_{tag}", ["shot", "--size", f"{w}x{h}", "--out", o(f"size_{tag}.png")],
            exit=(0, 2) if ok else 2, msg=r"(wrote|--size)" if ok else msg)
        add(f"render_size_{tag}", ["render", "--size", f"{w}x{h}", "--steps", "0..1",
                                   "--out", o(f"size_{tag}.gif")],
            exit=(0, 2) if ok else 2, msg=r"(wrote|--size|size)" if ok else msg)
    add("shot_size_8192x100_ok", ["shot", "--size", "8192x100", "--view", "conv",
                                  "--out", o("size_ok.png")], exit=0, msg="wrote")
    add("shot_size_garbage", ["shot", "--size", "axb", "--out", o("x.png")], msg=r"--size")
    add("render_same_kernel_4", ["render", "--same", "--kernel", "4", "--size", "400x300",
                                 "--steps", "0..2", "--out", o("same4.gif")], exit=0,
        msg="wrote")
    add("shot_same_kernel_4", ["shot", "--same", "--kernel", "4", "--size", "400x300",
                               "--out", o("same4.png")], exit=0, msg="wrote")
    # ROIs.
    for roi, tag in [("1e9,0,32,32", "1e9"), ("2147483647,0,32,32", "intmax_x"),
                     ("0,0,2147483647,2147483647", "intmax_size"),
                     ("2147483647,2147483647,2147483647,2147483647", "intmax_all"),
                     ("-5,0,32,32", "negative"), ("0,0,0,0", "empty"),
                     ("0,0,32", "three"), ("a,b,c,d", "words"), ("440,290,32,32", "outside"),
                     ("99999999999,0,32,32", "overflow")]:
        outside = tag == "outside"  # partly outside the photo: clamped or refused
        add(f"shot_roi_{tag}", ["shot", "--roi", roi, "--out", o(f"roi_{tag}.png")],
            exit=(0, 2) if outside or tag == "empty" else 2,
            msg=both(r"--roi|region", re.escape(roi) if not outside else ""),
            forbid=NOT_INTERNAL + r"|-2147483648")
    # Numbers out of range: the message shows the number given, not a wrapped one.
    for opt, value, sub in [("step", "99999999999", "shot"), ("step", "-1", "shot"),
                            ("filter", "4294967296", "shot"), ("pad", "1e3", "shot"),
                            ("kernel", "99999999999", "shot"), ("kernel", "0", "shot"),
                            ("kernel", "65", "shot"), ("stride", "4294967297", "shot"),
                            ("dilation", "0", "shot"), ("groups", "0", "shot"),
                            ("groups", "7", "shot"), ("filters", "2147483648", "shot"),
                            ("preset", "999", "shot"), ("seed", "-1", "shot"),
                            ("threads", "0", "bench"), ("threads", "100000", "bench"),
                            ("repeat", "0", "bench"), ("repeat", "1e9", "bench"),
                            ("warmup", "-1", "bench"), ("col-limit", "0", "bench"),
                            ("seed", "99999999999", "bench"), ("batch", "0", "bench"),
                            ("batch", "1025", "bench"), ("batch", "-1", "bench")]:
        argv = [sub, f"--{opt}", value] + (["--out", o("n.png")] if sub == "shot" else
                                           ["--net", "lenet", "--repeat", "1", "--warmup", "0"]
                                           if opt not in ("repeat", "warmup") else
                                           ["--net", "lenet"])
        if sub == "shot" and opt == "groups" and value == "7":
            argv += ["--filters", "7"]
        add(f"{sub}_{opt}_{value}".replace("-", "m").replace(".", "_"), argv,
            msg=both(opt, re.escape(value) if value != "1e3" else r"1e3|--pad"),
            forbid=NOT_INTERNAL + (r"|-2147483648" if value != "-2147483648" else ""))
    # Unbounded work: refused up front, within the bounds.
    add("bench_batch_1024_alexnet", ["bench", "--batch", "1024", "--repeat", "1", "--warmup", "0"],
        exit=(0, 2), msg=both(r"batch", r"(1024|GiB|GB|memory|too)"), timeout=15)
    # The built-in AlexNet profile peaks at 1.4 GB RSS at batch 1 (weights, packed weights, the
    # window): the bound is on top of that.
    add("shot_profile_batch_256", ["shot", "--view", "profile", "--batch", "256", "--repeat", "1",
                                   "--out", o("prof256.png")], exit=(0, 2),
        msg=r"(wrote|batch)", timeout=15, rss=1700 << 20)
    add("im2col_shape_huge", ["im2col", "--shape", "100000x100000x100000", "--kernel", "1"],
        msg=r"(100000|too large|columns)")
    add("im2col_shape_overflow", ["im2col", "--shape", "3x99999999999x8", "--kernel", "1"],
        msg=r"99999999999")
    add("im2col_shape_zero", ["im2col", "--shape", "3x0x8", "--kernel", "1"],
        msg=r"--shape|3x0x8")
    add("im2col_out_huge", ["im2col", "--shape", "64x4096x4096", "--kernel", "3",
                            "--out", o("col.png")], msg=r"too many to render")
    add("im2col_pad_huge", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--pad", "2147483647"],
        msg=r"(--pad|2147483647|too large)", forbid=NOT_INTERNAL + r"|-2147483648")
    add("im2col_pad_3_values", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--pad", "1,2,3"],
        msg=r"--pad")
    add("im2col_dilation_huge", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--dilation",
                                 "1073741824"], msg=r"(dilation|larger than)",
        forbid=NOT_INTERNAL + r"|-2147483648")
    add("im2col_filters_huge", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--filters",
                                "2000000"], msg=r"--filters")
    add("im2col_kernel_missing_value", ["im2col", "--shape", "3x8x8", "--kernel"],
        msg=r"--kernel needs a value")
    add("im2col_out_unwritable", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--out",
                                  "/nonexistent/dir/col.png"], msg=r"(/nonexistent/dir|write)")
    add("im2col_out_bad_extension", ["im2col", "--shape", "3x8x8", "--kernel", "3", "--out",
                                     o("col.xyz")], msg=r"(\.xyz|extension|format)")
    add("im2col_scale_huge", ["im2col", "--shape", "3x64x64", "--kernel", "3", "--out",
                              o("colscale.png"), "--scale", "64"],
        exit=(0, 2), msg=r"(wrote|too (large|many)|--scale|M =)")
    # NaN and infinities are refused, never printed as scores.
    if tiny_onnx:
        for opt, value in [("scale", "nan"), ("scale", "inf"), ("scale", "-inf"),
                           ("scale", "1e39"), ("mean", "nan,0,0"), ("mean", "inf")]:
            add(f"run_{opt}_{value}".replace(",", "_").replace("-", "m"),
                ["run", "--model", tiny_onnx, "--image", img, f"--{opt}", value],
                msg=both(f"--{opt}", r"(finite|number|NaN|" + re.escape(value) + ")"),
                forbid=NOT_INTERNAL )
        add("run_scale_3e38", ["run", "--model", tiny_onnx, "--image", img, "--scale", "3e38"],
            msg=r"(overflow|infinite|not finite|NaN)", forbid=NOT_INTERNAL )
        add("run_size_0x0", ["run", "--model", tiny_onnx, "--image", img, "--size", "0x0"],
            msg=r"--size")
        add("run_size_huge", ["run", "--model", tiny_onnx, "--image", img, "--size",
                              "100000x100000"], msg=both(r"100000", big))
        add("run_top_0", ["run", "--model", tiny_onnx, "--image", img, "--top", "0"],
            msg=r"--top")
        add("run_labels_missing", ["run", "--model", tiny_onnx, "--image", img, "--labels",
                                   s.f("nope.txt")], msg=r"nope\.txt")
        add("run_labels_directory", ["run", "--model", tiny_onnx, "--image", img, "--labels",
                                     s.f("images")],
            msg=r"(directory|folder|not a (regular )?file)")
        labels1 = g.write(s.f("labels1.txt"), "only one\n")
        add("run_labels_too_few", ["run", "--model", tiny_onnx, "--image", img, "--labels",
                                   labels1], msg=r"(1 |labels)")
        add("run_output_npy_unwritable", ["run", "--model", tiny_onnx, "--input-npy", npy_in,
                                          "--output-npy", "/nonexistent/dir/o.npy"],
            msg=r"/nonexistent/dir")
        add("run_compare_bogus", ["run", "--model", tiny_onnx, "--image", img, "--compare",
                                  "torch"], msg=r"--compare")
        add("run_threads_0", ["run", "--model", tiny_onnx, "--image", img, "--threads", "0"],
            msg=r"--threads")
    add("shot_model_filter_1000000", ["shot", "--view", "features", "--model", "lenet",
                                      "--layer", "conv1", "--model-filter", "1000000",
                                      "--out", o("mf.png")],
        msg=both(r"--model-filter", r"1000000"))
    add("shot_model_filter_ok", ["shot", "--view", "features", "--model", "lenet", "--layer",
                                 "conv1", "--model-filter", "3", "--out", o("mf_ok.png")],
        exit=0, msg="wrote")
    add("shot_out_directory", ["shot", "--out", s.f("images")], msg=r"(directory|could not write)")
    add("shot_out_unwritable", ["shot", "--out", "/nonexistent/dir/x.png"],
        msg=r"/nonexistent/dir")
    add("shot_scale_nan_features", ["shot", "--view", "features", "--model", "lenet", "--scale",
                                    "nan", "--out", o("nan.png")], msg=r"--scale",
        forbid=NOT_INTERNAL )
    add("shot_config_without_model", ["shot", "--view", "filters", "--config", s.f("x.prototxt"),
                                      "--out", o("cfg.png")], msg=r"(--config|--model)")
    add("shot_labels_missing", ["shot", "--view", "features", "--model", "lenet", "--labels",
                                s.f("nope.txt"), "--out", o("lab.png")], msg=r"nope\.txt")
    add("shot_threads_huge", ["shot", "--view", "profile", "--threads", "100000", "--out",
                              o("t.png")], msg=r"--threads")
    add("render_fps_0", ["render", "--fps", "0", "--out", o("fps0.gif")],
        msg=r"(fps|frame rate)")
    add("render_fps_nan", ["render", "--fps", "nan", "--out", o("fpsnan.gif")],
        msg=r"(fps|frame rate)")
    add("render_fps_1e9", ["render", "--fps", "1e9", "--out", o("fps1e9.gif")],
        msg=r"(fps|frame rate)")
    add("render_steps_reversed", ["render", "--steps", "5..3", "--out", o("rev.gif")],
        msg=r"--steps")
    add("render_steps_words", ["render", "--steps", "a..b", "--out", o("w.gif")], msg=r"--steps")
    add("render_steps_overflow", ["render", "--steps", "0..99999999999", "--out", o("ov.gif")],
        msg=both(r"--steps", r"99999999999"))
    add("render_out_unwritable", ["render", "--steps", "0..1", "--out",
                                  "/nonexistent/dir/x.gif"], msg=r"/nonexistent/dir")
    add("render_session_missing_value", ["render", "--out", o("x.gif"), "--session"],
        msg=r"--session needs a value")
    add("unknown_option_run", ["run", "--frobnicate"], msg=r"unknown option '--frobnicate'")
    add("stray_argument_im2col", ["im2col", "stray"], msg=r"unexpected argument 'stray'")
    add("isa_bogus", ["--isa", "neon", "im2col", "--shape", "3x8x8", "--kernel", "3"],
        msg=r"--isa")
    add("empty_option_value", ["im2col", "--shape", "", "--kernel", "3"], msg=r"--shape")
    add("unicode_option", ["im2col", "--shape", "3×8×8", "--kernel", "3"], msg=r"--shape")
    # Mistyped subcommands: exit 2 suggesting the nearest, never the window.
    for typo, meant in [("trian", None), ("rnu", "run"), ("benhc", "bench"), ("im2coll", "im2col"),
                        ("shoot", "shot"), ("fliters", "filters"), ("rendr", "render"),
                        ("Run", "run")]:
        add(f"typo_{typo}", [typo, "--help"], timeout=10, gui=True,
            msg=both(re.escape(typo), rf"did you mean '{meant}'" if meant else r"subcommand"))
    add("typo_no_help", ["benchh", "--net", "lenet"], timeout=10, gui=True,
        msg=both("benchh", r"did you mean 'bench'"))


# ============================================================================================
# Seeded mutations: each must end in exit 0 or 2 within the bounds, never a crash
# ============================================================================================

def mutate(data, rng, max_changes=3):
    b = bytearray(data)
    for _ in range(rng.randint(1, max_changes)):
        op = rng.random()
        if not b:
            break
        i = rng.randrange(len(b))
        if op < 0.55:
            b[i] = rng.randrange(256)
        elif op < 0.75:
            b[i] ^= 1 << rng.randrange(8)
        elif op < 0.85:
            b.insert(i, rng.randrange(256))
        elif op < 0.95:
            del b[i]
        else:
            del b[i:]
    return bytes(b)


def mutation_cases(s, n, sources):
    """sources: (path, tag, argv builder(file) -> argv, path category)."""
    for src, tag, argv_of, path in sources:
        if not src or not os.path.exists(src):
            continue
        with open(src, "rb") as fh:
            data = fh.read()
        rng = random.Random(f"badinput-{tag}")  # fixed seed per source
        ext = os.path.splitext(src)[1]
        for i in range(n):
            f = s.f("mutants", tag, f"{i:03d}{ext}")
            g.write(f, mutate(data, rng))
            s.add(path, f"mutant_{tag}_{i:03d}", argv_of(f), exit=(0, 2), msg=None,
                  forbid=NOT_INTERNAL )


def cases(d, mutations):
    load_onnx()
    s = Suite(d)
    os.makedirs(s.f("out"), exist_ok=True)
    img = g.write(s.f("images", "ok_16x16.png"), g.png_bytes(16, 16))
    # The tiny ONNX model (N x 3 x 8 x 8 -> conv -> relu -> pool -> N x 2) every image and npy
    # case runs through; without python3-onnx those cases are skipped.
    tiny = onnx_model(s.f("models", "ok_tiny.onnx")) if HAVE_ONNX else None
    npy_in = s.f("kernels", "ok_input_1x3x8x8.npy")
    image_cases(s, tiny)
    kernel_cases(s, tiny)
    onnx_cases(s, img, npy_in)
    caffe_model, caffe_proto = caffe_cases(s, img)
    session, lesson = session_cases(s, None)
    cli_cases(s, tiny, img, npy_in)
    mnist = os.path.join(SHARED, "models", "mnist8_onnx", "mnist-8.onnx")
    digit = os.path.join(SHARED, "test_inputs", "digit3_28x28.png")
    sources = [
        (tiny, "onnx", lambda f: ["run", "--model", f, "--input-npy", npy_in], "models"),
        (caffe_model, "caffemodel", lambda f: ["run", "--model", f, "--config", caffe_proto,
                                               "--image", img], "models"),
        (caffe_proto, "prototxt", lambda f: ["run", "--model", caffe_model, "--config", f,
                                             "--image", img], "models"),
        (npy_in, "npy", lambda f: ["run", "--model", tiny, "--input-npy", f], "kernel files"),
        (img, "png", lambda f: ["im2col", "--image", f, "--kernel", "3"], "images"),
        (s.f("images", "ok_16x16.jpg"), "jpeg", lambda f: ["im2col", "--image", f, "--kernel",
                                                           "3"], "images"),
        (session, "session", lambda f: ["render", "--session", f, "--steps", "0..0", "--size",
                                        "200x150", "--out", s.out("mut_session.gif")],
         "sessions/lessons"),
        (lesson, "lesson", lambda f: ["render", "--session", f, "--steps", "0..0", "--size",
                                      "200x150", "--out", s.out("mut_lesson.gif")],
         "sessions/lessons"),
    ]
    if not tiny:
        sources = [x for x in sources if x[1] not in ("onnx", "npy")]
    mutation_cases(s, mutations, sources)
    if os.path.exists(mnist):
        mutation_cases(s, mutations, [(mnist, "mnist8", lambda f: [
            "run", "--model", f, "--image", digit, "--scale", "0.00392", "--compare", "opencv"],
            "models")])
    else:
        s.add("models", "mutant_mnist8", [], skip=f"{mnist} is absent: the mnist-8 mutations "
              "are skipped")
    return s


def write_manifest(s):
    doc = {"about": "convscope bad-input files (tests/badinput/badinput.py): each entry's file "
                    "(relative to this manifest) opened through the GUI path of its kind must "
                    "be refused inline with a message matching 'message' (a Python/PCRE regex, "
                    "case-sensitive) or, for expect 'ok', open normally. Caffe models carry "
                    "their 'config'.",
           "kinds": ["image", "model", "kernel", "session", "lesson"],
           "entries": s.manifest}
    with open(s.f("manifest.json"), "w") as fh:
        json.dump(doc, fh, indent=1)


# ============================================================================================
# Running
# ============================================================================================

NOISE = re.compile(r"^(QStandardPaths:|This plugin does not support|qt\.|Fontconfig|"
                   r"libpng warning|Warning: |\[ WARN|QFont|OpenCV\(|$)")


def short(regex):
    return regex if len(regex) <= 60 else regex[:57] + "..."


def run_one(case, binary, bound, as_bytes, rss_limit, scale, env):
    if case.skip:
        return {"status": "skip", "why": case.skip}
    argv = [binary] + case.argv
    if bound == "as":
        argv = ["prlimit", f"--as={as_bytes}", "--"] + argv
    timeout = case.timeout * scale
    start = time.monotonic()
    # posix_spawn (vfork under glibc), not fork: a forked child would start with this script's
    # RSS, which wait4's peak RSS would then count.
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
               (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
    try:
        pid = os.posix_spawn(shutil.which(argv[0]) or argv[0], argv, env, file_actions=actions,
                             setpgroup=0)
    finally:
        os.close(out_w)
        os.close(err_w)
    outs = {}

    def reader(name, fd):
        with os.fdopen(fd, "rb") as stream:
            data = stream.read(1 << 20)
            while stream.read(1 << 16):
                pass
        outs[name] = data.decode("utf-8", "replace")

    threads = [threading.Thread(target=reader, args=(n, fd)) for n, fd in
               (("out", out_r), ("err", err_r))]
    for t in threads:
        t.start()
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    timer = threading.Timer(timeout, kill)
    timer.start()
    _, status, usage = os.wait4(pid, 0)
    timer.cancel()
    elapsed = time.monotonic() - start
    rc = os.waitstatus_to_exitcode(status)
    try:  # children left behind (none expected) die with the group
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for t in threads:
        t.join(5)
    rss = usage.ru_maxrss * 1024
    out, err = outs.get("out", ""), outs.get("err", "")
    lines = [ln for ln in err.splitlines() if not NOISE.match(ln)]
    conv_lines = [ln for ln in lines if ln.startswith("convscope")]
    message = conv_lines[-1] if conv_lines else (lines[-1] if lines else "")
    r = {"exit": rc, "time": round(elapsed, 2), "rss_mb": round(rss / 2 ** 20), "message": message,
         "stdout_tail": out[-300:], "stderr_lines": len(lines)}
    problems = []
    if rc in (126, 127) and re.search(r"failed to execute|No such file", err):
        return dict(r, status="error", why="could not start convscope: " + message)
    if timed_out:
        problems.append(f"timed out after {timeout:.0f} s" +
                        (" (the window opened)" if case.gui else ""))
    elif rc < 0:
        problems.append(f"killed by signal {signal.Signals(-rc).name}")
    elif rc not in case.exit:
        problems.append(f"exit {rc}, expected {'/'.join(map(str, case.exit))}")
    # bench measures the machine's read bandwidth on a 1 GiB buffer (measure/roofs.h) each run.
    limit = case.rss or (max(rss_limit, 1536 << 20) if case.argv[:1] == ["bench"] else rss_limit)
    if rss > limit:
        problems.append(f"peak RSS {rss >> 20} MiB over the bound {limit >> 20} MiB")
    if not timed_out and rc == 2:
        reason = re.sub(r"^convscope( [\w-]+)?:\s*", "", message).strip()
        if not conv_lines or not reason:
            problems.append("no reason on stderr" if not lines else "empty reason")
        elif case.msg and 2 in case.exit and not re.search(case.msg, message):
            problems.append(f"message lacks /{short(case.msg)}/")
    ok_msg = case.ok_msg or (case.msg if case.exit == (0,) else None)
    if not timed_out and rc == 0 and ok_msg and 0 in case.exit and \
            not re.search(ok_msg, out + err):
        problems.append(f"output lacks /{ok_msg}/")
    if not timed_out and rc == 0 and case.ok_warning and not re.search(case.ok_warning, err):
        problems.append(f"exit 0 without a warning matching /{case.ok_warning}/")
    if case.forbid and not timed_out:
        m = re.search(case.forbid, message)
        if m:
            problems.append(f"says '{m.group(0)}'")
    if rc == 0 and re.search(r"(?<![\w'.])-?(nan|inf)(?![\w'])", out, re.I):
        problems.append("prints NaN or inf with exit 0")
    if "AddressSanitizer" in err or "runtime error:" in err:
        problems.append("sanitizer report: " + next(
            ln for ln in err.splitlines() if "AddressSanitizer" in ln or "runtime error:" in ln))
    if bound == "as" and re.search(r"out of memory|bad_alloc|cannot allocate", message):
        problems.append("hit the --as bound")
    crashed = (rc < 0 and not timed_out) or "AddressSanitizer" in err
    if problems:
        r["status"] = "crash" if crashed else "fail"
        r["why"] = "; ".join(problems)
    else:
        r["status"] = "ok" if rc == 0 else "refused"
    return r


def shell_quote(argv):
    return " ".join(a if re.fullmatch(r"[\w./=,:+@%-]+", a) else "'" + a.replace("'", "'\\''") +
                    "'" for a in argv)


def run_suite(args):
    d = os.path.abspath(args.dir)
    t0 = time.monotonic()
    # Generated in a child process (see load_onnx); the cases come back as DIR/cases.json.
    import subprocess
    subprocess.run([sys.executable, os.path.abspath(__file__), "generate", d, "--mutations",
                    str(args.mutations)], check=True, stdout=subprocess.DEVNULL)
    s = Suite(d)
    with open(s.f("cases.json")) as fh:
        for c in json.load(fh):
            case = Case(c.pop("path"), c.pop("name"), c.pop("argv"))
            case.__dict__.update(c, exit=tuple(c["exit"]))
            s.cases.append(case)
    with open(s.f("manifest.json")) as fh:
        s.manifest = json.load(fh)["entries"]
    gen_time = time.monotonic() - t0
    selected = [c for c in s.cases if not args.only or re.search(args.only, c.name)]
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    scale = 3.0 if args.bound == "rss" else 1.0
    rss_limit = args.rss_mib << 20 if args.rss_mib else (2 * GIB if args.bound == "rss" else GIB)
    as_bytes = args.as_mib << 20
    # ConvScope's memory budget (limits::memoryBudget) set to the bound, as on a small machine:
    # work that would not fit must be refused by the estimate, before anything is allocated.
    env.setdefault("CONVSCOPE_MEMORY_MIB", str(rss_limit >> 20))

    def job(c):
        return c, run_one(c, args.binary, args.bound, as_bytes, rss_limit, scale, env)

    results = []
    with ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for c, r in ex.map(job, selected):
            results.append((c, r))
            if args.verbose:
                print(f"{r['status']:8} {c.name} {r.get('why', '')}", flush=True)
    total = time.monotonic() - t0

    print(f"\nconvscope bad-input suite: {len(results)} cases, bound {args.bound} "
          f"({'--as ' + str(args.as_mib) + ' MiB, ' if args.bound == 'as' else ''}"
          f"peak RSS <= {rss_limit >> 20} MiB), {args.mutations} mutants per source; "
          f"{total:.0f} s (generating {gen_time:.0f} s)")
    print(f"{'input path':18} {'cases':>6} {'refused':>8} {'ok':>5} {'failed':>7} {'crashed':>8} "
          f"{'skipped':>8}")
    sums = [0] * 6
    for path in PATHS:
        rs = [r for c, r in results if c.path == path]
        row = [len(rs)] + [sum(r["status"] == k for r in rs) for k in
                           ("refused", "ok", "fail", "crash", "skip")]
        sums = [a + b for a, b in zip(sums, row)]
        print(f"{path:18} {row[0]:6} {row[1]:8} {row[2]:5} {row[3]:7} {row[4]:8} {row[5]:8}")
    print(f"{'all':18} {sums[0]:6} {sums[1]:8} {sums[2]:5} {sums[3]:7} {sums[4]:8} {sums[5]:8}")
    kernels_gui = sum(1 for e in s.manifest if e["kind"] == "kernel")
    print(f"(manifest: {len(s.manifest)} files for the GUI's paths, {kernels_gui} of them kernel "
          f"files: {s.f('manifest.json')})")
    for c, r in results:
        if r["status"] == "skip":
            print(f"SKIP  {c.name}: {r['why']}")
    bad = [(c, r) for c, r in results if r["status"] in ("fail", "crash", "error")]
    errors = sum(r["status"] == "error" for c, r in results)
    if errors:
        print(f"ERROR: convscope could not be started for {errors} cases (rebuilt meanwhile?)")
    for c, r in bad:
        msg = r["message"] if len(r["message"]) < 200 else r["message"][:200] + "..."
        print(f"{r['status'].upper():5} [{c.path}] {c.name}: {r['why']} "
              f"({r['exit']}, {r['time']} s, {r['rss_mb']} MiB) \"{msg}\"")
    with open(s.f("results.json"), "w") as fh:
        json.dump([dict(name=c.name, path=c.path, command="convscope " + shell_quote(c.argv),
                        expect_exit=list(c.exit), expect_message=c.msg, **r)
                   for c, r in results], fh, indent=1)
    print(f"details: {s.f('results.json')}")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description="convscope bad-input suite (issue 20)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    gp = sub.add_parser("generate", help="write the files and manifest.json into DIR")
    gp.add_argument("dir")
    gp.add_argument("--mutations", type=int, default=10)
    rp = sub.add_parser("run", help="generate, then run every case")
    rp.add_argument("--binary", required=True)
    rp.add_argument("--bound", choices=["as", "rss"], default="as",
                    help="as: prlimit --as (Release); rss: peak RSS from wait4 (sanitizers)")
    rp.add_argument("--dir", default="badinput-files")
    rp.add_argument("--as-mib", type=int, default=3072, help="address-space bound (default 3 GiB)")
    rp.add_argument("--rss-mib", type=int, default=0,
                    help="peak-RSS bound (default 1 GiB; 2 GiB with --bound rss)")
    rp.add_argument("--mutations", type=int, default=10, help="mutants per source file")
    rp.add_argument("--jobs", type=int, default=2)
    rp.add_argument("--only", help="run only the cases whose name matches this regex")
    rp.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if args.cmd == "generate":
        s = cases(os.path.abspath(args.dir), args.mutations)
        write_manifest(s)
        with open(s.f("cases.json"), "w") as fh:
            json.dump([dict(c.__dict__, exit=list(c.exit)) for c in s.cases], fh)
        print(f"wrote {len(s.manifest)} manifest entries and the files of {len(s.cases)} cases "
              f"to {os.path.abspath(args.dir)}")
        return 0
    if not os.access(args.binary, os.X_OK):
        print(f"badinput: {args.binary} is not an executable", file=sys.stderr)
        return 2
    if args.bound == "as" and not shutil.which("prlimit"):
        print("badinput: prlimit (util-linux) is missing; use --bound rss", file=sys.stderr)
        return 77
    return run_suite(args)


if __name__ == "__main__":
    sys.exit(main())
