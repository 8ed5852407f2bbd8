/* Integer sort: a 2048-element array of pseudo-random words, quicksort (median of three,
 * insertion sort below 16 elements) per iteration; the checksum samples the sorted array. */
#include "bench.h"
const char bench_name[] = "sort";

#define N 2048
static u32 a[N];

static void insertion(u32 *v, int lo, int hi) {
  for (int i = lo + 1; i <= hi; i++) {
    u32 x = v[i]; int j = i - 1;
    while (j >= lo && v[j] > x) { v[j + 1] = v[j]; j--; }
    v[j + 1] = x;
  }
}
static void quick(u32 *v, int lo, int hi) {
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    if (v[mid] < v[lo]) { u32 t = v[mid]; v[mid] = v[lo]; v[lo] = t; }
    if (v[hi] < v[lo]) { u32 t = v[hi]; v[hi] = v[lo]; v[lo] = t; }
    if (v[hi] < v[mid]) { u32 t = v[hi]; v[hi] = v[mid]; v[mid] = t; }
    u32 p = v[mid]; int i = lo, j = hi;
    while (i <= j) {
      while (v[i] < p) i++;
      while (v[j] > p) j--;
      if (i <= j) { u32 t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quick(v, lo, j); lo = i; } else { quick(v, i, hi); hi = j; }
  }
  insertion(v, lo, hi);
}

u32 bench_run(u32 n) {
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    u32 s = k * 0x9E3779B9u + 12345;
    for (int i = 0; i < N; i++) a[i] = xorshift(&s) % 100000;
    quick(a, 0, N - 1);
    u32 bad = 0;
    for (int i = 1; i < N; i++) bad += a[i - 1] > a[i];
    sum = mix(mix(mix(mix(sum, a[0]), a[N / 2]), a[N - 1]), bad);
  }
  return sum;
}
