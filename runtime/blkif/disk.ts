// A disk image file behind a virtual block device: positional synchronous reads and writes (a
// write returns only once the bytes are in the host file, so a write the back end acknowledges
// survives the emulator being killed), fsync for the guest's flushes and barriers, and a
// read-only mode in which nothing is ever written. The disk's size is the file's size in
// 512-byte sectors (blkback's "sectors"; a trailing partial sector is not part of the disk).
import * as nodeFs from 'node:fs';

export const SECTOR_SIZE = 512;

/** The file operations a disk needs; tests inject their own to watch fsync and writes. */
export interface DiskFs {
  openSync(path: string, flags: string): number;
  fstatSync(fd: number): { size: number; isFile(): boolean; isBlockDevice(): boolean };
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
}

export const hostFs: DiskFs = nodeFs as unknown as DiskFs;

export interface DiskStats { reads: number; writes: number; flushes: number; bytesRead: number; bytesWritten: number; }

export class DiskImage {
  readonly sectors: number;
  readonly stats: DiskStats = { reads: 0, writes: 0, flushes: 0, bytesRead: 0, bytesWritten: 0 };
  private fd: number;

  private constructor(readonly path: string, readonly readOnly: boolean, private readonly fs: DiskFs, fd: number, size: number) {
    this.fd = fd;
    this.sectors = Math.floor(size / SECTOR_SIZE);
  }

  /** Open an image; an Error naming the file and the reason when it cannot be used. */
  static open(path: string, readOnly: boolean, fs: DiskFs = hostFs): DiskImage {
    let fd = -1;
    try {
      fd = fs.openSync(path, readOnly ? 'r' : 'r+');
      const st = fs.fstatSync(fd);
      if (!st.isFile() && !st.isBlockDevice()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      return new DiskImage(path, readOnly, fs, fd, st.size);
    } catch (e) {
      if (fd >= 0) try { fs.closeSync(fd); } catch { /* already failing */ }
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new Error(`cannot open disk image ${path}: ${code}`);
    }
  }

  private check(sector: number, bytes: number): void {
    if (this.fd < 0) throw new Error(`disk image ${this.path} is closed`);
    if (!Number.isSafeInteger(sector) || sector < 0 || bytes % SECTOR_SIZE !== 0 || sector + bytes / SECTOR_SIZE > this.sectors) {
      throw new RangeError(`disk access beyond ${this.path}: sector ${sector} + ${bytes} bytes`);
    }
  }

  /** Read whole sectors starting at `sector` into `buf` (its length a multiple of 512). */
  read(sector: number, buf: Uint8Array): void {
    this.check(sector, buf.length);
    let done = 0;
    while (done < buf.length) {
      const n = this.fs.readSync(this.fd, buf, done, buf.length - done, sector * SECTOR_SIZE + done);
      if (n <= 0) { buf.fill(0, done); break; } // the file shrank under us: the rest reads as zeros
      done += n;
    }
    this.stats.reads++; this.stats.bytesRead += buf.length;
  }

  /** Write whole sectors; returns once every byte is in the host file. */
  write(sector: number, data: Uint8Array): void {
    if (this.readOnly) throw new Error(`disk image ${this.path} is read-only`);
    this.check(sector, data.length);
    let done = 0;
    while (done < data.length) {
      const n = this.fs.writeSync(this.fd, data, done, data.length - done, sector * SECTOR_SIZE + done);
      if (n <= 0) throw new Error(`short write to ${this.path}`);
      done += n;
    }
    this.stats.writes++; this.stats.bytesWritten += data.length;
  }

  /** Every earlier write reaches stable storage (fsync). */
  flush(): void {
    if (this.fd < 0) throw new Error(`disk image ${this.path} is closed`);
    if (!this.readOnly) this.fs.fsyncSync(this.fd);
    this.stats.flushes++;
  }

  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    if (!this.readOnly) this.fs.fsyncSync(fd);
    this.fs.closeSync(fd);
  }
}
