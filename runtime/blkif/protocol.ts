// The two blkif ABIs a back end on x86 serves (io/protocols.h): the request and response
// layouts of an i386 front end ("x86_32-abi": uint64_t 4-byte aligned, runtime/abi/blkif.ts)
// and of an x86_64 one ("x86_64-abi": uint64_t 8-byte aligned, the layouts xen-blkback's
// common.h spells out as struct blkif_x86_64_request). A front end that writes no "protocol"
// node gets BLKIF_PROTOCOL_DEFAULT, which blkback defines as x86_32 on x86; any other value is
// refused (connect_ring: "unknown fe protocol").
import {
  BLKIF_REQUEST, BLKIF_REQUEST_DISCARD, BLKIF_REQUEST_INDIRECT, BLKIF_RESPONSE, BLKIF_SRING_ENTRY,
  XEN_IO_PROTO_ABI_X86_32, XEN_IO_PROTO_ABI_X86_64,
} from '../abi/blkif.ts';

export interface BlkProtocol {
  readonly name: string;
  /** sizeof the ring slot (union of request and response). */
  readonly entrySize: number;
  /** Bytes of a request (the largest request variant). */
  readonly requestSize: number;
  readonly rw: { readonly operation: number; readonly nr_segments: number; readonly handle: number; readonly id: number; readonly sector_number: number; readonly seg: number };
  readonly discard: { readonly flag: number; readonly id: number; readonly sector_number: number; readonly nr_sectors: number };
  readonly indirect: { readonly indirect_op: number; readonly nr_segments: number; readonly id: number; readonly sector_number: number; readonly handle: number; readonly indirect_grefs: number };
  readonly response: { readonly size: number; readonly id: number; readonly operation: number; readonly status: number };
}

export const PROTOCOL_X86_32: BlkProtocol = {
  name: XEN_IO_PROTO_ABI_X86_32,
  entrySize: BLKIF_SRING_ENTRY.size,
  requestSize: BLKIF_REQUEST.size,
  rw: BLKIF_REQUEST,
  discard: BLKIF_REQUEST_DISCARD,
  indirect: BLKIF_REQUEST_INDIRECT,
  response: BLKIF_RESPONSE,
};

/** The x86_64 layouts (blkback's struct blkif_x86_64_request_*, packed, with explicit padding
 *  so that id sits at 8): a request is 112 bytes, a response 16. */
export const PROTOCOL_X86_64: BlkProtocol = {
  name: XEN_IO_PROTO_ABI_X86_64,
  entrySize: 112,
  requestSize: 112,
  rw: { operation: 0, nr_segments: 1, handle: 2, id: 8, sector_number: 16, seg: 24 },
  discard: { flag: 1, id: 8, sector_number: 16, nr_sectors: 24 },
  indirect: { indirect_op: 1, nr_segments: 2, id: 8, sector_number: 16, handle: 24, indirect_grefs: 28 },
  response: { size: 16, id: 0, operation: 8, status: 10 },
};

/** blkback's choice from the front end's "protocol" node (undefined: absent). */
export function protocolFor(node: string | undefined): BlkProtocol | null {
  if (node === undefined || node === '') return PROTOCOL_X86_32;
  if (node === XEN_IO_PROTO_ABI_X86_32) return PROTOCOL_X86_32;
  if (node === XEN_IO_PROTO_ABI_X86_64) return PROTOCOL_X86_64;
  return null;
}
