/* Linked lists: 8192 nodes linked in a shuffled order (pointer chasing across 128 KiB), then
 * per iteration a full traversal, an unlink of every 5th node and a sorted reinsertion pass
 * over a short list. */
#include "bench.h"
const char bench_name[] = "list";

#define NODES 8192
struct node { struct node *next; u32 val; u32 pad[2]; };
static struct node pool[NODES];
static u32 order[NODES];

u32 bench_run(u32 n) {
  u32 s = 4242;
  for (u32 i = 0; i < NODES; i++) order[i] = i;
  for (u32 i = NODES - 1; i > 0; i--) { u32 j = xorshift(&s) % (i + 1); u32 t = order[i]; order[i] = order[j]; order[j] = t; }
  struct node *head = 0;
  for (u32 i = 0; i < NODES; i++) { struct node *p = &pool[order[i]]; p->val = xorshift(&s) & 0xffff; p->next = head; head = p; }
  u32 sum = 0;
  for (u32 k = 0; k < n; k++) {
    u32 total = 0, len = 0;
    for (struct node *p = head; p; p = p->next) { total += p->val; len++; }
    /* unlink every 5th node into a side list kept sorted */
    struct node *sorted = 0, **pp = &head; u32 i = 0;
    while (*pp) {
      struct node *p = *pp;
      if (++i % 5 == 0 && i < 1500) {
        *pp = p->next;
        struct node **q = &sorted;
        while (*q && (*q)->val < p->val) q = &(*q)->next;
        p->next = *q; *q = p;
      } else pp = &p->next;
    }
    /* splice the sorted nodes back at the front */
    if (sorted) { struct node *t = sorted; while (t->next) t = t->next; t->next = head; head = sorted; }
    head->val += k;
    sum = mix(mix(sum, total), len ^ head->val);
  }
  return sum;
}
