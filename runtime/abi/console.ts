// The shared console page (public/io/console.h): two byte rings with free-running indices.
//
// Layouts are objects of byte offsets plus `size`.

/** struct xencons_interface (io/console.h): in (to the guest) then out (from the guest), then
 *  the four uint32_t indices. */
export const XENCONS_INTERFACE = {
  size: 3088, in: 0, out: 1024, in_cons: 3072, in_prod: 3076, out_cons: 3080, out_prod: 3084,
} as const;
/** Bytes of the in ring (io/console.h: char in[1024]). */
export const XENCONS_IN_SIZE = 1024;
/** Bytes of the out ring (io/console.h: char out[2048]). */
export const XENCONS_OUT_SIZE = 2048;

/** MASK_XENCONS_IDX (io/console.h): a free-running index reduced to an offset in a ring of
 *  ringSize bytes (XENCONS_IN_SIZE or XENCONS_OUT_SIZE). */
export function MASK_XENCONS_IDX(idx: number, ringSize: number): number {
  return (idx & (ringSize - 1)) >>> 0;
}
