#!/usr/bin/env bash
# Compile tools/abi/dump.c for i386 against Xen's public headers (/usr/include/xen, Debian
# package libxen-dev) and write what it prints, every constant, offset and size encoded in
# runtime/abi/, to tests/abi/fixture.json. The fixture is committed, so running the tests
# needs neither the headers nor a 32-bit compiler. Needs gcc with -m32 support (gcc-multilib).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/tools/abi"
out="$root/tests/abi/fixture.json"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -f /usr/include/xen/xen.h ] || { echo "gen-abi-fixture: /usr/include/xen/xen.h not found (install libxen-dev)" >&2; exit 1; }

# The guest's view at the latest interface version the headers know: what Xen implements.
cflags=(-m32 -std=gnu11 -O0 -Wall -Wextra -Werror -D__XEN_INTERFACE_VERSION__=__XEN_LATEST_INTERFACE_VERSION__)
gcc "${cflags[@]}" -c "$src/emit.c" -o "$tmp/emit.o"
gcc "${cflags[@]}" -c "$src/dump.c" -o "$tmp/dump.o"
gcc "${cflags[@]}" -D__XEN_TOOLS__ -c "$src/dump-tools.c" -o "$tmp/dump-tools.o"
gcc -m32 "$tmp/dump.o" "$tmp/dump-tools.o" "$tmp/emit.o" -o "$tmp/dump"
"$tmp/dump" > "$tmp/fixture.json"
mv "$tmp/fixture.json" "$out"
echo "wrote ${out#"$root/"} ($(stat -c %s "$out") bytes)"
