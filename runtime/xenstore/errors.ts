// A failed store operation carries the errno xenstored would answer with; the protocol layer
// turns it into an XS_ERROR reply naming it, the dom0 API into an exception.
import { XSD_ERRORS } from '../abi/xs_wire.ts';
import { EINVAL } from '../abi/errno.ts';

export class XsError extends Error {
  constructor(readonly errno: number) { super(xsErrorName(errno)); }
}

export function fail(errno: number): never { throw new XsError(errno); }

/** send_error: the xsd_errors string for errno; one the table lacks is sent as EINVAL. */
export function xsErrorName(errno: number): string {
  for (const [n, s] of XSD_ERRORS) if (n === errno) return s;
  for (const [n, s] of XSD_ERRORS) if (n === EINVAL) return s;
  return 'EINVAL';
}
