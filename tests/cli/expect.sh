#!/bin/sh
# expect.sh CODE PHRASE -- COMMAND...: runs COMMAND, checks its exit code is CODE and that its
# output (stdout + stderr) contains PHRASE. Prints both on failure.
code=$1 phrase=$2
shift 3
out=$("$@" 2>&1)
rc=$?
if [ "$rc" -ne "$code" ]; then
    printf 'expected exit %s, got %s from: %s\n%s\n' "$code" "$rc" "$*" "$out"
    exit 1
fi
case "$out" in
    *"$phrase"*) exit 0 ;;
esac
printf 'output of "%s" lacks "%s":\n%s\n' "$*" "$phrase" "$out"
exit 1
