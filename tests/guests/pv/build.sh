#!/usr/bin/env bash
# Build the PV test kernels (nasm + GNU ld for i386); the built images are committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
nasm -f elf32 -o build/lib.o lib.asm
nasm -f elf32 -o build/cstart.o cstart.asm
# Kernels in C: freestanding, linked behind cstart (notes, hypercall page, _start).
for src in *.c; do
  [ -e "$src" ] || continue
  name=${src%.c}
  gcc -m32 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables -nostdlib -O2 -Wall -c -o "build/$name.o" "$src"
  ld -m elf_i386 -T kernel.ld -o "$name.elf" build/cstart.o "build/$name.o" build/lib.o
  echo "built tests/guests/pv/$name.elf"
done
for src in *.asm; do
  [ "$src" = lib.asm ] && continue
  [ "$src" = cstart.asm ] && continue
  name=${src%.asm}
  nasm -f elf32 -o "build/$name.o" "$src"
  ld -m elf_i386 -T kernel.ld -o "$name.elf" "build/$name.o" build/lib.o
  echo "built tests/guests/pv/$name.elf"
done
rm -rf build
