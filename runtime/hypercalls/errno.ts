// The errno values of abi/errno.ts negated, as a hypercall returns them.
import * as errno from '../abi/errno.ts';

export const EPERM = -errno.EPERM, ENOENT = -errno.ENOENT, ESRCH = -errno.ESRCH, EFAULT = -errno.EFAULT,
  EACCES = -errno.EACCES, EBUSY = -errno.EBUSY, EEXIST = -errno.EEXIST, ENODEV = -errno.ENODEV,
  EINVAL = -errno.EINVAL, ENOSPC = -errno.ENOSPC, ENOSYS = -errno.ENOSYS, ETIME = -errno.ETIME,
  EOPNOTSUPP = -errno.EOPNOTSUPP;
