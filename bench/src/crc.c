/* CRC-32 (IEEE, reflected, table-driven, the table built bitwise at start) over a 16 KiB
 * buffer that each iteration perturbs. */
#include "bench.h"
const char bench_name[] = "crc";

#define LEN 16384
static u32 table[256];
static u8 buf[LEN];

static u32 crc32(const u8 *p, u32 len, u32 crc) {
  crc = ~crc;
  for (u32 i = 0; i < len; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

u32 bench_run(u32 n) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int b = 0; b < 8; b++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  u32 s = 0x12345678;
  for (u32 i = 0; i < LEN; i++) buf[i] = xorshift(&s);
  u32 crc = 0;
  for (u32 k = 0; k < n; k++) {
    buf[k % LEN] ^= (u8)k;
    crc = crc32(buf, LEN, crc);
  }
  return crc;
}
