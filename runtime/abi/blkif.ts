// The block device protocol (public/io/blkif.h) in the x86_32 ABI, the one a 32-bit frontend
// uses: a frontend built for i386 writes XEN_IO_PROTO_ABI_X86_32 in its "protocol" node.
//
// Layouts are objects of byte offsets plus `size`. blkif.h declares its structures without
// packing, so the layout follows the frontend's compiler: on x86_32 a uint64_t is 4-byte
// aligned, so id sits at 4 rather than 8 and a request is 108 bytes (112 on x86_64), a response
// 12 (16). A 64-bit backend serving a 32-bit frontend must use these offsets.
import { __CONST_RING_SIZE } from './ring.ts';

export const BLKIF_OP_READ = 0; // io/blkif.h
export const BLKIF_OP_WRITE = 1; // io/blkif.h
export const BLKIF_OP_WRITE_BARRIER = 2; // io/blkif.h
export const BLKIF_OP_FLUSH_DISKCACHE = 3; // io/blkif.h
export const BLKIF_OP_RESERVED_1 = 4; // io/blkif.h
export const BLKIF_OP_DISCARD = 5; // io/blkif.h
export const BLKIF_OP_INDIRECT = 6; // io/blkif.h

export const BLKIF_MAX_SEGMENTS_PER_REQUEST = 11; // io/blkif.h
export const BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST = 8; // io/blkif.h

/** struct blkif_request_segment (io/blkif.h): a grant and the first and last 512-byte sectors
 *  used in its page; 8 bytes with padding. */
export const BLKIF_REQUEST_SEGMENT = { size: 8, gref: 0, first_sect: 4, last_sect: 5 } as const;
/** struct blkif_request (io/blkif.h), x86_32: seg is BLKIF_MAX_SEGMENTS_PER_REQUEST segments. */
export const BLKIF_REQUEST = {
  size: 108, operation: 0, nr_segments: 1, handle: 2, id: 4, sector_number: 12, seg: 20,
} as const;
/** struct blkif_request_discard (io/blkif.h), x86_32. */
export const BLKIF_REQUEST_DISCARD = {
  size: 28, operation: 0, flag: 1, handle: 2, id: 4, sector_number: 12, nr_sectors: 20,
} as const;
export const BLKIF_DISCARD_SECURE = 1 << 0; // io/blkif.h
/** struct blkif_request_indirect (io/blkif.h), x86_32: the header adds a trailing uint64_t pad
 *  on i386 only, which makes it 64 bytes like on x86_64, though the members before it still
 *  sit at the i386 offsets. */
export const BLKIF_REQUEST_INDIRECT = {
  size: 64, operation: 0, indirect_op: 1, nr_segments: 2, id: 4, sector_number: 12, handle: 20,
  indirect_grefs: 24, pad: 56,
} as const;
/** struct blkif_response (io/blkif.h), x86_32: status is int16_t at 10. */
export const BLKIF_RESPONSE = { size: 12, id: 0, operation: 8, status: 10 } as const;
export const BLKIF_RSP_EOPNOTSUPP = -2; // io/blkif.h
export const BLKIF_RSP_ERROR = -1; // io/blkif.h
export const BLKIF_RSP_OKAY = 0; // io/blkif.h

/** union blkif_sring_entry (io/blkif.h via DEFINE_RING_TYPES): a ring slot, request or response. */
export const BLKIF_SRING_ENTRY = { size: 108, req: 0, rsp: 0 } as const;
/** Slots in a one-page blkif ring (__CONST_RING_SIZE(blkif, 4096)). */
export const BLKIF_RING_SIZE = __CONST_RING_SIZE(BLKIF_SRING_ENTRY.size, 4096);

export const VDISK_CDROM = 0x1; // io/blkif.h
export const VDISK_REMOVABLE = 0x2; // io/blkif.h
export const VDISK_READONLY = 0x4; // io/blkif.h

export const XEN_IO_PROTO_ABI_X86_32 = 'x86_32-abi'; // io/protocols.h
export const XEN_IO_PROTO_ABI_X86_64 = 'x86_64-abi'; // io/protocols.h
export const XEN_IO_PROTO_ABI_ARM = 'arm-abi'; // io/protocols.h
/** The ABI of the code being compiled, so what an i386 frontend names as its protocol. */
export const XEN_IO_PROTO_ABI_NATIVE = XEN_IO_PROTO_ABI_X86_32; // io/protocols.h
