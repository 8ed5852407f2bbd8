#!/usr/bin/env bash
# Installs what the benchmark suite uses, best effort (each missing piece is reported, none is
# fatal): gcc-multilib and nasm to build the benchmarks, qemu-system-x86 (a peer), and v86
# from npm into bench/.peers (a peer; never a dependency of the project).
set -uo pipefail
cd "$(dirname "$0")"
need=()
command -v nasm >/dev/null 2>&1 || need+=(nasm)
echo 'int x;' | gcc -m32 -x c -c -o /dev/null - >/dev/null 2>&1 || need+=(gcc-multilib)
command -v qemu-system-i386 >/dev/null 2>&1 || need+=(qemu-system-x86)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench/setup.sh: apt-get install ${need[*]}"
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) \
      || echo "bench/setup.sh: apt-get install ${need[*]} failed"
  else
    echo "bench/setup.sh: missing ${need[*]}; install with: sudo apt-get install -y ${need[*]}"
  fi
fi
if [ ! -e .peers/node_modules/v86/build/libv86.mjs ]; then
  echo "bench/setup.sh: npm install --prefix bench/.peers v86"
  npm install --prefix .peers --no-save --no-audit --no-fund --no-package-lock v86 >/dev/null 2>&1 \
    || echo "bench/setup.sh: npm install v86 failed (v86 will be reported missing)"
fi
exit 0
