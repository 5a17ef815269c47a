#!/bin/sh
# Regenerates the committed PNG icons from the SVG (rsvg-convert, Debian's librsvg2-bin).
# Run after editing io.github.convscope.ConvScope.svg; the build installs the PNGs as they are.
set -eu
cd "$(dirname "$0")"
id=io.github.convscope.ConvScope
for s in 16 24 32 48 64 128 256; do
    mkdir -p "${s}x${s}"
    rsvg-convert -w "$s" -h "$s" "$id.svg" -o "${s}x${s}/$id.png"
done
