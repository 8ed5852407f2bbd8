#!/usr/bin/env bash
# Builds every benchmark three ways from the same object files, into bench/build/:
#   NAME.native   static i386 Linux program (argv[1] = iteration count)
#   NAME.mb.elf   multiboot kernel for qemu-system-i386 -kernel and v86 (cmdline = count)
#   NAME.pv.elf   Xen PV kernel for xenjit (start_info cmd_line = count)
# Kernel-like benchmarks in pv/ are built as PV kernels only.
# Needs gcc with 32-bit support (gcc-multilib), nasm, GNU ld, node (for the generated code).
set -euo pipefail
cd "$(dirname "$0")"
missing=()
command -v nasm >/dev/null 2>&1 || missing+=(nasm)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
command -v ld >/dev/null 2>&1 || missing+=(binutils)
if command -v gcc >/dev/null 2>&1 && ! echo 'int x;' | gcc -m32 -x c -c -o /dev/null - 2>/dev/null; then missing+=(gcc-multilib); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/build.sh: missing ${missing[*]}; install with: apt-get install -y ${missing[*]}" >&2
  exit 2
fi
# BENCH_BUILD_DIR: another output directory (absolute or relative to bench/), e.g. for tests.
B=${BENCH_BUILD_DIR:-build}; O=$B/obj
mkdir -p "$O"
CFLAGS="-m32 -march=i686 -mno-sse -mno-mmx -O2 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-builtin -nostdlib -Wall -Werror -Icommon"
gcc $CFLAGS -c -o "$O/lib.o" common/lib.c
nasm -f elf32 -o "$O/rt-native.o" rt/native.asm
nasm -f elf32 -o "$O/rt-multiboot.o" rt/multiboot.asm
nasm -f elf32 -I../tests/guests/pv/ -o "$O/rt-pv.o" rt/pv.asm
# 65 536 chunks: cold-late (manifest.ts) runs up to 64 000 of them.
node gen-cold.mjs "${BENCH_COLD_CHUNKS:-65536}" > "$O/cold-chunks.asm"
nasm -f elf32 -o "$O/cold-chunks.o" "$O/cold-chunks.asm"

LD="ld -m elf_i386 --no-warn-rwx-segments -z noexecstack"
for src in src/*.c; do
  name=$(basename "$src" .c)
  gcc $CFLAGS -c -o "$O/$name.o" "$src"
  objs=("$O/$name.o" "$O/lib.o")
  [ "$name" = cold ] && objs+=("$O/cold-chunks.o")
  $LD -static -e _start -o "$B/$name.native" "$O/rt-native.o" "${objs[@]}"
  $LD -T rt/multiboot.ld -o "$B/$name.mb.elf" "$O/rt-multiboot.o" "${objs[@]}"
  $LD -T rt/pv.ld -o "$B/$name.pv.elf" "$O/rt-pv.o" "${objs[@]}"
done
for src in pv/*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .c)
  gcc $CFLAGS -I../tests/guests/pv -c -o "$O/$name.o" "$src"
  extra=()
  [ -e "pv/$name.asm" ] && { nasm -f elf32 -I../tests/guests/pv/ -Ipv/ -o "$O/$name-asm.o" "pv/$name.asm"; extra+=("$O/$name-asm.o"); }
  $LD -T rt/pv.ld -o "$B/$name.pv.elf" "$O/rt-pv.o" "$O/$name.o" "${extra[@]}" "$O/lib.o"
done
echo "bench/build.sh: built $(ls "$B" | grep -c -e '\.native$' -e '\.elf$') images in $B"
