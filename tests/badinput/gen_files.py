# Writers for the bad-input suite's files, by hand (zlib/struct) so a case is a few bytes that
# declare what they like: PNG, JPEG, GIF, BMP, TIFF, PGM, .npy, Caffe's protobuf. badinput.py
# calls them; nothing here knows about convscope.
import json
import os
import struct
import zlib


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, (bytes, bytearray)) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


# --- PNG ------------------------------------------------------------------------------------

PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_chunk(kind, data, crc=None):
    c = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", c & 0xFFFFFFFF)


def png_ihdr(w, h, depth=8, color=2):
    return png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color, 0, 0, 0))


def png_bytes(w, h, color=2, pixel=lambda x, y: (x * 37 % 256, y * 59 % 256, (x + y) * 13 % 256)):
    """A valid 8-bit PNG (color 2 RGB, 0 gray) with a pattern."""
    ch = 3 if color == 2 else 1
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            raw += bytes(pixel(x, y)[:ch])
    return PNG_SIG + png_ihdr(w, h, 8, color) + png_chunk(b"IDAT", zlib.compress(bytes(raw))) + \
        png_chunk(b"IEND", b"")


def png_header_only(w, h, depth=8, color=2):
    """Declares w x h; a tiny IDAT of a few zero rows, then IEND (a decoder allocates first)."""
    return PNG_SIG + png_ihdr(w, h, depth, color) + \
        png_chunk(b"IDAT", zlib.compress(bytes(64))) + png_chunk(b"IEND", b"")


def png_zero_bomb(path, w, h):
    """A real, complete gray PNG of w x h zeros: 900 MB of pixels in under 1 MB (cached)."""
    if os.path.exists(path):
        return path
    c = zlib.compressobj(9)
    row = bytes(w + 1)
    block = row * 500
    parts = []
    left = h
    while left > 0:
        n = min(500, left)
        parts.append(c.compress(block if n == 500 else row * n))
        left -= n
    parts.append(c.flush())
    data = PNG_SIG + png_ihdr(w, h, 8, 0) + png_chunk(b"IDAT", b"".join(parts)) + \
        png_chunk(b"IEND", b"")
    return write(path, data)


# --- JPEG (baseline, gray, every block flat: DC category 0, then EOB) ------------------------

def jpeg_bytes(w, h, scan_bytes=None, eoi=True):
    def seg(marker, payload):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload
    dqt = seg(0xDB, b"\x00" + bytes([1] * 64))
    sof = seg(0xC0, struct.pack(">BHHB", 8, h, w, 1) + b"\x01\x11\x00")
    counts = bytes([1] + [0] * 15)
    dht = seg(0xC4, b"\x00" + counts + b"\x00") + seg(0xC4, b"\x10" + counts + b"\x00")
    sos = seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    blocks = ((w + 7) // 8) * ((h + 7) // 8)
    nbytes = (2 * blocks + 7) // 8  # 2 bits per block, all zero bits
    data = bytes(nbytes if scan_bytes is None else min(scan_bytes, nbytes))
    if scan_bytes is None and (2 * blocks) % 8:
        data = data[:-1] + bytes([(1 << (8 - (2 * blocks) % 8)) - 1])  # pad with 1 bits
    return b"\xff\xd8" + dqt + sof + dht + sos + data + (b"\xff\xd9" if eoi else b"")


# --- GIF -------------------------------------------------------------------------------------

def gif_bytes(w, h, screen=None):
    sw, sh = screen or (w, h)
    head = b"GIF89a" + struct.pack("<HHBBB", sw, sh, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    desc = b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0)
    return head + desc + b"\x02\x02\x44\x01\x00" + b"\x3b"  # one pixel of LZW data


# --- BMP -------------------------------------------------------------------------------------

def bmp_bytes(w, h, bpp=24, with_pixels=True):
    row = ((abs(w) * bpp + 31) // 32) * 4 if bpp else 0
    pixels = bytes(row * abs(h)) if with_pixels else b""
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bpp, 0, len(pixels), 2835, 2835, 0, 0)
    head = b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 54)
    return head + info + pixels


# --- TIFF (little-endian, one strip, gray 8-bit, uncompressed) -------------------------------

def tiff_bytes(w, h, data_len=None):
    n = w * h if data_len is None else data_len
    entries = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 0), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, min(w * h, 0xFFFFFFFF))]
    ifd_len = 2 + 12 * len(entries) + 4
    data_off = 8 + ifd_len
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_off
        out += struct.pack("<HHI", tag, typ, count)
        out += struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value)
    return out + struct.pack("<I", 0) + bytes(n)


def pgm_bytes(w, h, data_len=None):
    return b"P5\n%d %d\n255\n" % (w, h) + bytes(w * h if data_len is None else data_len)


# --- .npy ------------------------------------------------------------------------------------

def npy_bytes(header, payload=b"", version=(1, 0), pad=True):
    """header: the dict text as written; padded with spaces + newline to 64 bytes."""
    h = header.encode("latin1")
    lenfmt = "<H" if version[0] == 1 else "<I"
    pre = 6 + 2 + struct.calcsize(lenfmt)
    if pad:
        total = pre + len(h) + 1
        h = h + b" " * ((64 - total % 64) % 64) + b"\n"
    return b"\x93NUMPY" + bytes(version) + struct.pack(lenfmt, len(h)) + h + payload


def npy_header(descr="<f4", shape=(1, 3, 8, 8), fortran=False):
    shape_text = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    return "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr, "True" if fortran else "False", shape_text)


def npy_f4(shape, values):
    return npy_bytes(npy_header("<f4", shape), struct.pack("<%df" % len(values), *values))


# --- Protobuf wire format (Caffe's NetParameter) ---------------------------------------------

def varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


def pb_bytes(field, payload):
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def caffe_blob(dims, values):
    shape = pb_bytes(1, b"".join(varint(d) for d in dims))  # BlobShape.dim, packed
    data = struct.pack("<%df" % len(values), *values)
    return pb_bytes(7, shape) + pb_bytes(5, data)  # BlobProto.shape, BlobProto.data


def caffemodel_bytes(layers):
    """layers: [(name, [(dims, values), ...])]"""
    net = pb_bytes(1, b"test")
    for name, blobs in layers:
        layer = pb_bytes(1, name.encode())
        for dims, values in blobs:
            layer += pb_bytes(7, caffe_blob(dims, values))
        net += pb_bytes(100, layer)
    return net


def dump_json(path, obj):
    return write(path, json.dumps(obj, indent=1))
