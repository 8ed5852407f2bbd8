#!/usr/bin/env bash
# Assemble the bare-metal test guests (tests/guests/*.asm) into flat binaries. The built
# binaries are committed, so running the tests needs no assembler.
set -euo pipefail
cd "$(dirname "$0")/../tests/guests"
for f in *.asm; do
  nasm -f bin -o "${f%.asm}.bin" "$f"
  echo "built tests/guests/${f%.asm}.bin ($(stat -c %s "${f%.asm}.bin") bytes)"
done
