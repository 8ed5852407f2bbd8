// Port I/O of an unprivileged PV domain (xen/arch/x86/pv/emul-priv-op.c): the guest's IN/OUT
// fault (Xen runs guests with IOPL 0) and Xen emulates them when the guest's virtual IOPL or
// I/O bitmap (PHYSDEVOP_set_iopl / set_iobitmap) allows the access; otherwise the #GP goes to
// the guest. A domU is given no real ports (admin_io_okay fails), so Xen's
// guest_io_read/guest_io_write answer: reads of 0xff per byte, writes dropped, except the two
// registers Xen virtualises per domain: the CMOS index at 0x70 (read back as written) and PCI
// CONFIG_ADDRESS at 0xcf8 for 32-bit accesses. The PIT ports (0x42, 0x43, 0x61) go to Xen's
// PIT emulation only for a domain that has one; a PV domU has none and reads 0xff.
import { copyFromGuest } from '../guest-memory.ts';
import type { PvTrapState } from './state.ts';

const RTC_PORT0 = 0x70, PCI_CF8 = 0xcf8;

/** iopl_ok: the virtual IOPL against the guest's assumed CPL (kernel: 1, or 0 with
 *  VMASST architectural_iopl; user: 3). */
export function ioplOk(t: PvTrapState): boolean {
  const cpl = t.kernelMode ? (t.architecturalIopl ? 0 : 1) : 3;
  return (cpl << 12) <= t.iopl;
}

/** guest_io_okay: IOPL, else the guest's I/O bitmap (bytes it cannot read count as 0xff, no
 *  access). */
export function guestIoOkay(t: PvTrapState, port: number, bytes: number): boolean {
  if (ioplOk(t)) return true;
  if (port + bytes <= t.iobmpLimit) {
    const at = (t.iobmp + (port >>> 3)) | 0;
    const b0 = copyFromGuest(t.d, at, 1), b1 = copyFromGuest(t.d, (at + 1) | 0, 1);
    const mask = (b0 ? b0[0] : 0xff) | ((b1 ? b1[0] : 0xff) << 8);
    if ((mask & (((1 << bytes) - 1) << (port & 7))) === 0) return true;
  }
  return false;
}

/** guest_io_read for a domain without I/O port access. */
export function guestIoRead(t: PvTrapState, port: number, bytes: number): number {
  let data = 0, shift = 0;
  port &= 0xffff;
  while (bytes !== 0) {
    let size = 1, sub = 0xff;
    if (port === RTC_PORT0) sub = t.cmosIdx & 0xff;
    else if (port === PCI_CF8 && bytes === 4) { size = 4; sub = t.pciCf8; }
    if (size === 4) return sub | 0;
    data |= (sub & 0xff) << shift;
    shift += 8; port++; bytes--;
  }
  return data | 0;
}

/** guest_io_write for a domain without I/O port access. */
export function guestIoWrite(t: PvTrapState, port: number, bytes: number, data: number): void {
  port &= 0xffff;
  while (bytes !== 0) {
    if (port === RTC_PORT0) t.cmosIdx = data & 0xff;
    else if (port === PCI_CF8 && bytes === 4) { t.pciCf8 = data | 0; return; }
    port++; bytes--; data >>>= 8;
  }
}
