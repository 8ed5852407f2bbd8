// Shared I/O rings (public/io/ring.h): the header every front/back ring page starts with, and
// the number of entries a ring of a given size holds.
//
// Layouts are objects of byte offsets plus `size`.

/** The header of a struct <name>_sring (io/ring.h, DEFINE_RING_TYPES): the four indices, a
 *  4-byte private union, padding to 64 bytes, then the entries. `size` is where the entries
 *  start. */
export const SRING = {
  size: 64, req_prod: 0, req_event: 4, rsp_prod: 8, rsp_event: 12,
  pvt: 16, pvt_netif_smartpoll_active: 16, pvt_tapif_user_msg: 16, __pad: 20, ring: 64,
} as const;

export const XEN_PAGE_SHIFT = 12; // io/ring.h

/** __RD32 (io/ring.h): x rounded down to a power of two (0 stays 0). */
export function __RD32(x: number): number {
  x >>>= 0;
  return x === 0 ? 0 : 2 ** (31 - Math.clz32(x));
}

/** __CONST_RING_SIZE (io/ring.h) for a ring whose entries (the union of request and response)
 *  are entrySize bytes, in a shared area of bytes bytes: as many entries as fit after the
 *  header, rounded down to a power of two. */
export function __CONST_RING_SIZE(entrySize: number, bytes: number): number {
  return __RD32(Math.floor((bytes - SRING.ring) / entrySize));
}

/** XEN_FLEX_RING_SIZE (io/ring.h): bytes of each direction of a flex ring of 2^order pages. */
export function XEN_FLEX_RING_SIZE(order: number): number {
  return 2 ** (order + XEN_PAGE_SHIFT - 1);
}
