// A shared ring made of granted pages (ring-ref, or ring-ref0..N-1 with ring-page-order), seen
// as one byte range: blkback's xenbus_map_ring_valloc maps them writable and contiguous. Every
// access goes through the grant mappings, so it stays inside the granted frames; a slot that
// straddles two pages is read and written piecewise.
import { PAGE } from '../domain.ts';
import type { GrantAccess, GrantMapping } from '../grant/access.ts';
import type { SharedArea } from './ring.ts';

export class GrantedArea implements SharedArea {
  readonly bytes: number;
  constructor(private readonly ga: GrantAccess, private readonly pages: GrantMapping[]) {
    this.bytes = pages.length * PAGE;
  }

  /** Map `refs` writable for the back end: the area, or the first GNTST_* refusal (the pages
   *  mapped before it are unmapped again). */
  static map(ga: GrantAccess, refs: number[]): GrantedArea | number {
    const pages: GrantMapping[] = [];
    for (const ref of refs) {
      const m = ga.map(ref, false);
      if (typeof m === 'number') { for (const p of pages) ga.unmap(p); return m; }
      pages.push(m);
    }
    return new GrantedArea(ga, pages);
  }

  unmap(): void { for (const p of this.pages) this.ga.unmap(p); }

  private check(offset: number, len: number): void {
    if (offset < 0 || len < 0 || offset + len > this.bytes) throw new RangeError('ring access outside the shared area');
  }

  read(offset: number, len: number): Uint8Array {
    this.check(offset, len);
    const out = new Uint8Array(len);
    for (let k = 0; k < len;) {
      const o = offset + k, page = Math.floor(o / PAGE), n = Math.min(len - k, PAGE - (o % PAGE));
      out.set(this.ga.read(this.pages[page], o % PAGE, n), k);
      k += n;
    }
    return out;
  }
  read32(offset: number): number {
    this.check(offset, 4);
    if (offset % PAGE <= PAGE - 4) return this.ga.read32(this.pages[Math.floor(offset / PAGE)], offset % PAGE);
    return new DataView(this.read(offset, 4).buffer).getUint32(0, true);
  }
  write(offset: number, data: Uint8Array): void {
    this.check(offset, data.length);
    for (let k = 0; k < data.length;) {
      const o = offset + k, page = Math.floor(o / PAGE), n = Math.min(data.length - k, PAGE - (o % PAGE));
      this.ga.write(this.pages[page], o % PAGE, data.subarray(k, k + n));
      k += n;
    }
  }
  write32(offset: number, v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    this.write(offset, b);
  }
}
