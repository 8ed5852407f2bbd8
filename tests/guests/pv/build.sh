#!/usr/bin/env bash
# Build the PV test kernels (nasm + GNU ld for i386); the built images are committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
nasm -f elf32 -o build/lib.o lib.asm
for src in *.asm; do
  [ "$src" = lib.asm ] && continue
  name=${src%.asm}
  nasm -f elf32 -o "build/$name.o" "$src"
  ld -m elf_i386 -T kernel.ld -o "$name.elf" "build/$name.o" build/lib.o
  echo "built tests/guests/pv/$name.elf"
done
rm -rf build
