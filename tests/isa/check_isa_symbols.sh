#!/usr/bin/env bash
# Checks that a binary uses wider instruction sets only inside the per-ISA kernel copies
# (core/kernels/kernels.h): an AVX-512 (EVEX-encoded) instruction in a function whose name has no
# "avx512", or an AVX/AVX2 (VEX-encoded) one in a function that names neither "avx2" nor "avx512",
# would run on every CPU and crash those without it (SIGILL). That happens when a kernel copy's
# inline template is kept by the linker for everyone, or a flag leaks onto baseline code.
#
#   tests/isa/check_isa_symbols.sh BINARY...      exit 0: clean; 1: offenders listed; 2: no objdump
set -uo pipefail
command -v objdump >/dev/null || { echo "check_isa_symbols: objdump not found (binutils)" >&2; exit 2; }
status=0
for binary in "$@"; do
    # In 64-bit mode a first opcode byte of 62 is always EVEX and c4/c5 always VEX; segment and
    # address-size prefixes may stand before them.
    report=$(objdump -d -C --insn-width=15 "$binary" | awk -F'\t' '
        /^[0-9a-f]+ <.*>:$/ { fn = substr($0, index($0, "<") + 1); sub(/>:$/, "", fn); next }
        NF >= 3 && $1 ~ /^ *[0-9a-f]+:$/ {
            n = split($2, b, " "); i = 1
            while (i <= n && b[i] ~ /^(26|2e|36|3e|64|65|67)$/) i++
            if (i > n) next
            if (b[i] == "62" && fn !~ /avx512/) { bad[fn] = "AVX-512"; first[fn] = $3 }
            else if ((b[i] == "c4" || b[i] == "c5") && fn !~ /avx512|avx2/ && !(fn in bad)) {
                bad[fn] = "AVX"; first[fn] = $3
            }
            scanned++
        }
        END {
            for (f in bad) printf "  %s uses %s (%s)\n", f, bad[f], first[f]
            if (scanned == 0) print "  no instructions disassembled"
        }')
    if [ -n "$report" ]; then
        echo "check_isa_symbols: $binary has wider instructions outside the kernel copies:"
        echo "$report"
        status=1
    else
        echo "check_isa_symbols: $binary: clean"
    fi
done
exit $status
