#!/usr/bin/env bash
# Runs a program on an emulated CPU (qemu-user): `max` has AVX2 + FMA but no AVX-512, `qemu64` is
# baseline x86-64 without AVX. An instruction the emulated CPU lacks kills the program (SIGILL),
# so this shows the binary runs there and that the dispatch picks the variant the CPU has.
#
#   tests/isa/run_emulated.sh CPU EXPECTED_ISA PROGRAM [ARGS...]
# Exit 77 (skipped) when qemu-x86_64 is not installed (Debian: qemu-user).
set -uo pipefail
cpu=$1 expected=$2
shift 2
command -v qemu-x86_64 >/dev/null || { echo "SKIPPED: qemu-x86_64 not installed (apt-get install qemu-user)"; exit 77; }
out=$(qemu-x86_64 -cpu "$cpu" "$@" 2>&1 | grep -v '^qemu-x86_64: warning: TCG')
rc=${PIPESTATUS[0]}
echo "$out"
[ "$rc" -eq 0 ] || { echo "run_emulated: '$*' exited $rc on the emulated '$cpu' CPU"; exit 1; }
{ grep -qF "kernels: $expected" <<<"$out" || grep -qF "kernels $expected" <<<"$out"; } \
    || { echo "run_emulated: expected 'kernels: $expected' on the emulated '$cpu' CPU"; exit 1; }
