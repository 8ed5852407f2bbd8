/* Indirect calls: a bytecode interpreter whose every operation is a function reached through
 * a table of function pointers, running a generated 512-instruction program per iteration. */
#include "bench.h"
const char bench_name[] = "fnptr";

struct vm { u32 acc, x, y, pc; u32 mem[16]; };
typedef void (*op_fn)(struct vm *, u32 arg);

static void op_add(struct vm *v, u32 a) { v->acc += a; }
static void op_xor(struct vm *v, u32 a) { v->acc ^= a * 0x9E3779B9u; }
static void op_mul(struct vm *v, u32 a) { v->acc *= (a | 1); }
static void op_swap(struct vm *v, u32 a) { u32 t = v->x; v->x = v->acc; v->acc = t + a; }
static void op_load(struct vm *v, u32 a) { v->acc += v->mem[a & 15]; }
static void op_store(struct vm *v, u32 a) { v->mem[a & 15] = v->acc; }
static void op_rot(struct vm *v, u32 a) { u32 r = a & 31; v->acc = (v->acc << r) | (v->acc >> ((32 - r) & 31)); }
static void op_skip(struct vm *v, u32 a) { if (v->acc & 1) v->pc += a & 3; }
static const op_fn ops[8] = { op_add, op_xor, op_mul, op_swap, op_load, op_store, op_rot, op_skip };

#define PROG 512
static u8 code[PROG];
static u32 arg[PROG];

u32 bench_run(u32 n) {
  u32 s = 31337;
  for (u32 i = 0; i < PROG; i++) { code[i] = xorshift(&s) & 7; arg[i] = xorshift(&s); }
  struct vm v = { 0 };
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    v.acc = k; v.pc = 0;
    while (v.pc < PROG) { u32 pc = v.pc++; ops[code[pc]](&v, arg[pc]); }
    sum = mix(sum, v.acc ^ v.x);
  }
  return sum;
}
