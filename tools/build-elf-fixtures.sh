#!/usr/bin/env bash
# Assemble and link the kernel image loader's test fixtures (tests/elf/fixtures/*.asm) with nasm
# and GNU ld for i386, and gzip one of them. The built images are committed, so running the
# tests needs neither tool.
set -euo pipefail
cd "$(dirname "$0")/../tests/elf/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build() { # name linker-script entry
  nasm -f elf32 -o "$tmp/$1.o" "$1.asm"
  ld -m elf_i386 -T "$2" ${3:+-e "$3"} -o "$1.elf" "$tmp/$1.o"
  echo "built tests/elf/fixtures/$1.elf ($(stat -c %s "$1.elf") bytes)"
}
build linux-notes linux-notes.ld
build legacy-linux legacy.ld _start
build legacy-netbsd legacy.ld start
gzip -9 -n -c linux-notes.elf > linux-notes.elf.gz
echo "built tests/elf/fixtures/linux-notes.elf.gz ($(stat -c %s linux-notes.elf.gz) bytes)"
