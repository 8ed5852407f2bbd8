// Xen's errno values, positive as the header gives them: hypercalls return them negated.
import { nameTable, type NameTable } from './names.ts';

export const EPERM = 1; // errno.h
export const ENOENT = 2; // errno.h
export const ESRCH = 3; // errno.h
export const EINTR = 4; // errno.h (hypervisor-internal: never returned to a guest)
export const EIO = 5; // errno.h
export const ENXIO = 6; // errno.h
export const E2BIG = 7; // errno.h
export const ENOEXEC = 8; // errno.h
export const EBADF = 9; // errno.h
export const ECHILD = 10; // errno.h
export const EAGAIN = 11; // errno.h
export const EWOULDBLOCK = 11; // errno.h (alias of EAGAIN)
export const ENOMEM = 12; // errno.h
export const EACCES = 13; // errno.h
export const EFAULT = 14; // errno.h
export const EBUSY = 16; // errno.h
export const EEXIST = 17; // errno.h
export const EXDEV = 18; // errno.h
export const ENODEV = 19; // errno.h
export const ENOTDIR = 20; // errno.h
export const EISDIR = 21; // errno.h
export const EINVAL = 22; // errno.h
export const ENFILE = 23; // errno.h
export const EMFILE = 24; // errno.h
export const ENOSPC = 28; // errno.h
export const EROFS = 30; // errno.h
export const EMLINK = 31; // errno.h
export const EDOM = 33; // errno.h
export const ERANGE = 34; // errno.h
export const EDEADLK = 35; // errno.h
export const EDEADLOCK = 35; // errno.h (alias of EDEADLK)
export const ENAMETOOLONG = 36; // errno.h
export const ENOLCK = 37; // errno.h
export const ENOSYS = 38; // errno.h
export const ENOTEMPTY = 39; // errno.h
export const ENODATA = 61; // errno.h
export const ETIME = 62; // errno.h
export const EBADMSG = 74; // errno.h
export const EOVERFLOW = 75; // errno.h
export const EILSEQ = 84; // errno.h
export const ERESTART = 85; // errno.h (hypervisor-internal: never returned to a guest)
export const ENOTSOCK = 88; // errno.h
export const EMSGSIZE = 90; // errno.h
export const EOPNOTSUPP = 95; // errno.h
export const EADDRINUSE = 98; // errno.h
export const EADDRNOTAVAIL = 99; // errno.h
export const ENOBUFS = 105; // errno.h
export const EISCONN = 106; // errno.h
export const ENOTCONN = 107; // errno.h
export const ETIMEDOUT = 110; // errno.h
export const ECONNREFUSED = 111; // errno.h

/** errno value to name ('EPERM', ...); an alias loses to the name it aliases. */
export const ERRNO_NAMES: NameTable = nameTable('', {
  EPERM, ENOENT, ESRCH, EINTR, EIO, ENXIO, E2BIG, ENOEXEC, EBADF, ECHILD, EAGAIN, EWOULDBLOCK, ENOMEM,
  EACCES, EFAULT, EBUSY, EEXIST, EXDEV, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ENOSPC, EROFS,
  EMLINK, EDOM, ERANGE, EDEADLK, EDEADLOCK, ENAMETOOLONG, ENOLCK, ENOSYS, ENOTEMPTY, ENODATA, ETIME,
  EBADMSG, EOVERFLOW, EILSEQ, ERESTART, ENOTSOCK, EMSGSIZE, EOPNOTSUPP, EADDRINUSE, EADDRNOTAVAIL,
  ENOBUFS, EISCONN, ENOTCONN, ETIMEDOUT, ECONNREFUSED,
});

/** A hypercall result for a trace: '-EINVAL' for -22, the number itself when it is not an error
 *  Xen names (including 0 and every positive result). */
export function errnoName(rc: number): string {
  if (rc < 0 && ERRNO_NAMES[-rc] !== undefined) return `-${ERRNO_NAMES[-rc]}`;
  return String(rc);
}
