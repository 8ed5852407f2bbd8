// The xenstore wire protocol (public/io/xs_wire.h): message types, the message header, error
// strings, and the shared ring page a guest talks to xenstored through.
//
// Layouts are objects of byte offsets plus `size`.
import { nameTable, type NameTable } from './names.ts';
import {
  EINVAL, EACCES, EEXIST, EISDIR, ENOENT, ENOMEM, ENOSPC, EIO, ENOTEMPTY, ENOSYS, EROFS, EBUSY, EAGAIN,
  EISCONN, E2BIG, EPERM,
} from './errno.ts';

// enum xsd_sockmsg_type
export const XS_CONTROL = 0; // io/xs_wire.h
export const XS_DEBUG = XS_CONTROL; // io/xs_wire.h (old name)
export const XS_DIRECTORY = 1; // io/xs_wire.h
export const XS_READ = 2; // io/xs_wire.h
export const XS_GET_PERMS = 3; // io/xs_wire.h
export const XS_WATCH = 4; // io/xs_wire.h
export const XS_UNWATCH = 5; // io/xs_wire.h
export const XS_TRANSACTION_START = 6; // io/xs_wire.h
export const XS_TRANSACTION_END = 7; // io/xs_wire.h
export const XS_INTRODUCE = 8; // io/xs_wire.h
export const XS_RELEASE = 9; // io/xs_wire.h
export const XS_GET_DOMAIN_PATH = 10; // io/xs_wire.h
export const XS_WRITE = 11; // io/xs_wire.h
export const XS_MKDIR = 12; // io/xs_wire.h
export const XS_RM = 13; // io/xs_wire.h
export const XS_SET_PERMS = 14; // io/xs_wire.h
export const XS_WATCH_EVENT = 15; // io/xs_wire.h
export const XS_ERROR = 16; // io/xs_wire.h
export const XS_IS_DOMAIN_INTRODUCED = 17; // io/xs_wire.h
export const XS_RESUME = 18; // io/xs_wire.h
export const XS_SET_TARGET = 19; // io/xs_wire.h
// 20 was XS_RESTRICT, since removed.
export const XS_RESET_WATCHES = 21; // io/xs_wire.h
export const XS_DIRECTORY_PART = 22; // io/xs_wire.h
/** One more than the highest valid type. */
export const XS_TYPE_COUNT = 23; // io/xs_wire.h
/** A type that will never be valid. */
export const XS_INVALID = 0xffff; // io/xs_wire.h

/** xsd_sockmsg_type to name ('CONTROL', 'DIRECTORY', ...). */
export const XS_NAMES: NameTable = nameTable('XS_', {
  XS_CONTROL, XS_DIRECTORY, XS_READ, XS_GET_PERMS, XS_WATCH, XS_UNWATCH, XS_TRANSACTION_START,
  XS_TRANSACTION_END, XS_INTRODUCE, XS_RELEASE, XS_GET_DOMAIN_PATH, XS_WRITE, XS_MKDIR, XS_RM,
  XS_SET_PERMS, XS_WATCH_EVENT, XS_ERROR, XS_IS_DOMAIN_INTRODUCED, XS_RESUME, XS_SET_TARGET,
  XS_RESET_WATCHES, XS_DIRECTORY_PART,
});

export const XS_WRITE_NONE = 'NONE'; // io/xs_wire.h
export const XS_WRITE_CREATE = 'CREATE'; // io/xs_wire.h
export const XS_WRITE_CREATE_EXCL = 'CREATE|EXCL'; // io/xs_wire.h

/** xsd_errors (io/xs_wire.h): the errors an XS_ERROR reply may carry, as [errno, the string
 *  sent on the wire], in the header's order (new ones are only ever appended). */
export const XSD_ERRORS: readonly (readonly [number, string])[] = [
  [EINVAL, 'EINVAL'], [EACCES, 'EACCES'], [EEXIST, 'EEXIST'], [EISDIR, 'EISDIR'], [ENOENT, 'ENOENT'],
  [ENOMEM, 'ENOMEM'], [ENOSPC, 'ENOSPC'], [EIO, 'EIO'], [ENOTEMPTY, 'ENOTEMPTY'], [ENOSYS, 'ENOSYS'],
  [EROFS, 'EROFS'], [EBUSY, 'EBUSY'], [EAGAIN, 'EAGAIN'], [EISCONN, 'EISCONN'], [E2BIG, 'E2BIG'],
  [EPERM, 'EPERM'],
];

/** struct xsd_sockmsg (io/xs_wire.h): the header before each message's len bytes of payload. */
export const XSD_SOCKMSG = { size: 16, type: 0, req_id: 4, tx_id: 8, len: 12 } as const;

export const XS_WATCH_PATH = 0; // io/xs_wire.h (in an XS_WATCH_EVENT payload)
export const XS_WATCH_TOKEN = 1; // io/xs_wire.h

export const XENSTORE_RING_SIZE = 1024; // io/xs_wire.h
/** MASK_XENSTORE_IDX (io/xs_wire.h): a free-running index reduced to a ring offset. */
export function MASK_XENSTORE_IDX(idx: number): number {
  return (idx & (XENSTORE_RING_SIZE - 1)) >>> 0;
}
/** struct xenstore_domain_interface (io/xs_wire.h): the store page. */
export const XENSTORE_DOMAIN_INTERFACE = {
  size: 2076, req: 0, rsp: 1024, req_cons: 2048, req_prod: 2052, rsp_cons: 2056, rsp_prod: 2060,
  server_features: 2064, connection: 2068, error: 2072,
} as const;
export const XENSTORE_PAYLOAD_MAX = 4096; // io/xs_wire.h
export const XENSTORE_ABS_PATH_MAX = 3072; // io/xs_wire.h
export const XENSTORE_REL_PATH_MAX = 2048; // io/xs_wire.h
export const XENSTORE_SERVER_FEATURE_RECONNECTION = 1; // io/xs_wire.h
export const XENSTORE_SERVER_FEATURE_ERROR = 2; // io/xs_wire.h
export const XENSTORE_CONNECTED = 0; // io/xs_wire.h
export const XENSTORE_RECONNECT = 1; // io/xs_wire.h
export const XENSTORE_ERROR_NONE = 0; // io/xs_wire.h
export const XENSTORE_ERROR_COMM = 1; // io/xs_wire.h
export const XENSTORE_ERROR_RINGIDX = 2; // io/xs_wire.h
export const XENSTORE_ERROR_PROTO = 3; // io/xs_wire.h
