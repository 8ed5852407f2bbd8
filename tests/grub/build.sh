#!/usr/bin/env bash
# Build the GRUB scenarios' images from Debian's packages as they are: custom GRUB images
# (grub-mkimage -O i386-xen with an embedded config, grub-xen-bin + grub-common) and disk
# images (ext2 made by e2fsprogs' mke2fs -d; an MBR-partitioned disk; a disk holding one of our
# PV test kernels). Output: tests/grub/build/ (not committed). Needs grub-mkimage and mke2fs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
mods=/usr/lib/grub/i386-xen
for tool in grub-mkimage mke2fs; do
  command -v "$tool" >/dev/null 2>&1 || { echo "tests/grub/build.sh: $tool is missing (apt-get install grub-xen-bin grub-common e2fsprogs)" >&2; exit 2; }
done
[ -d "$mods" ] || { echo "tests/grub/build.sh: $mods is missing (apt-get install grub-xen-bin)" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out/root1" "$out/root2" "$out/rootk"

# File systems. mke2fs -d copies a directory tree into the new file system; -E root_owner keeps
# the result independent of who builds it, and a fixed UUID and hash seed make it reproducible.
mkext2() { # image size-KiB dir [offset-bytes]
  local extra=()
  [ -n "${4:-}" ] && extra=(-E "offset=$4,root_owner=0:0") || extra=(-E root_owner=0:0)
  E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -F -t ext2 -b 1024 -U 5e6f2a10-0000-4000-8000-00000000000$5 \
    -E hash_seed=5e6f2a10-0000-4000-8000-000000000000 "${extra[@]}" -d "$3" "$1" "$2" >/dev/null
}
printf 'hello from an ext2 file system made by mke2fs -d\n' > "$out/root1/hello.txt"
mkdir -p "$out/root1/dir" && printf 'a file in a directory\n' > "$out/root1/dir/nested.txt"
printf 'the second disk says hi\n' > "$out/root2/second.txt"
cp "$here/../guests/pv/mmu.elf" "$out/rootk/kernel.elf"

# Disk 1: a whole-disk ext2 file system.
mkext2 "$out/disk-ext2.img" 4096 "$out/root1" "" 1
# Disk 2: MBR with one Linux partition (type 0x83) from sector 2048 holding an ext2 file system.
truncate -s 5M "$out/disk-mbr.img"
mkext2 "$out/disk-mbr.img" 3072 "$out/root2" $((2048 * 512)) 2
# The partition entry: boot flag, CHS start (unused: 0xfe 0xff 0xff), type, CHS end, LBA
# start, sector count, then the 0x55AA signature.
lba=2048; count=$((3072 * 2))
le32() { printf "\\x$(printf %02x $(($1 & 255)))\\x$(printf %02x $((($1 >> 8) & 255)))\\x$(printf %02x $((($1 >> 16) & 255)))\\x$(printf %02x $((($1 >> 24) & 255)))"; }
{ printf '\x00\xfe\xff\xff\x83\xfe\xff\xff'; le32 $lba; le32 $count; } | dd of="$out/disk-mbr.img" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$out/disk-mbr.img" bs=1 seek=510 conv=notrunc status=none
# Disk 3: a PV kernel for GRUB's Xen loader.
mkext2 "$out/disk-kernel.img" 2048 "$out/rootk" "" 3

# GRUB images with an embedded configuration (run before anything else, by GRUB's kernel).
image() { # name config modules...
  local name=$1 cfg=$2; shift 2
  printf '%s\n' "$cfg" > "$out/$name.cfg"
  grub-mkimage -O i386-xen -d "$mods" -o "$out/$name.elf" -c "$out/$name.cfg" -p '(xen/xvda)/' "$@"
}
image grub-ext2 'echo "scenario: one disk"
ls
ls (xen/xvda)/
cat (xen/xvda)/hello.txt
cat (xen/xvda)/dir/nested.txt
halt' ext2 cat echo halt ls
image grub-two-disks 'echo "scenario: an MBR disk and a whole-disk file system"
ls
cat (xen/xvda)/hello.txt
ls (xen/xvdb)
cat (xen/xvdb,msdos1)/second.txt
halt' ext2 part_msdos cat echo halt ls
image grub-boot-pv 'echo "scenario: GRUB loads a PV kernel"
linux (xen/xvda)/kernel.elf
boot' ext2 linux echo halt
rm -rf "$out/root1" "$out/root2" "$out/rootk"
echo "built $(ls "$out" | tr '\n' ' ')"
