#!/bin/sh
# Builds tests/oracle/runner-i386, the static i386 oracle runner.
# Needs gcc with 32-bit multilib support (e.g. Debian's gcc-multilib).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/tests/oracle"
out="$dir/runner-i386"

# -fno-stack-protector: the canary lives in %gs-relative TLS, and the signal
#   handler must not depend on %gs before it has restored it.
# -fno-pie/-no-pie: the runner's code and data sit at fixed link addresses
#   that the assembly and the seccomp filter refer to directly.
# -fcf-protection=none: no endbr32 padding in the trampoline's callers.
${CC:-gcc} -m32 -static -no-pie -fno-pie -O2 -std=gnu11 \
	-fno-stack-protector -fcf-protection=none \
	-Wall -Wextra -Werror \
	-o "$out.tmp" "$dir/runner.c" "$dir/runner-asm.S"
strip "$out.tmp"
mv "$out.tmp" "$out"
echo "built $out"
