/* Branchy integer code: a tokenizer state machine (identifiers, numbers, strings, comments,
 * operators) over a generated 4 KiB text, run once per iteration with a different seed. */
#include "bench.h"
const char bench_name[] = "statemach";

#define LEN 4096
static u8 text[LEN];
enum { S_START, S_IDENT, S_NUM, S_STR, S_ESC, S_COMMENT, S_OP };

static void gen(u32 seed) {
  static const char alphabet[] = "abcxyz_019 \"\\/*+-=;\n\t(){}";
  u32 s = seed | 1;
  for (u32 i = 0; i < LEN; i++) text[i] = alphabet[xorshift(&s) % (sizeof alphabet - 1)];
}

static u32 scan(void) {
  u32 st = S_START, idents = 0, nums = 0, strs = 0, comments = 0, ops = 0, h = 0;
  for (u32 i = 0; i < LEN; i++) {
    u8 ch = text[i];
    switch (st) {
    case S_START:
      if ((ch >= 'a' && ch <= 'z') || ch == '_') { st = S_IDENT; idents++; }
      else if (ch >= '0' && ch <= '9') { st = S_NUM; nums++; }
      else if (ch == '"') { st = S_STR; strs++; }
      else if (ch == '/' && i + 1 < LEN && text[i + 1] == '*') { st = S_COMMENT; comments++; i++; }
      else if (ch == ' ' || ch == '\n' || ch == '\t') { }
      else { st = S_OP; ops++; }
      break;
    case S_IDENT:
      if ((ch >= 'a' && ch <= 'z') || ch == '_' || (ch >= '0' && ch <= '9')) h = h * 31 + ch;
      else { st = S_START; i--; }
      break;
    case S_NUM:
      if (ch >= '0' && ch <= '9') h = h * 10 + (ch - '0');
      else { st = S_START; i--; }
      break;
    case S_STR:
      if (ch == '\\') st = S_ESC;
      else if (ch == '"') st = S_START;
      else h += ch;
      break;
    case S_ESC: st = S_STR; h ^= ch; break;
    case S_COMMENT:
      if (ch == '*' && i + 1 < LEN && text[i + 1] == '/') { st = S_START; i++; }
      break;
    case S_OP:
      if (ch == '=' || ch == '+' || ch == '-') h += 7;
      else { st = S_START; i--; }
      break;
    }
  }
  return mix(mix(mix(mix(mix(h, idents), nums), strs), comments), ops);
}

u32 bench_run(u32 n) {
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) { gen(k * 2654435761u + 1); sum = mix(sum, scan()); }
  return sum;
}
