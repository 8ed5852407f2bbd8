// The ELF32 parser: headers, program and section headers, section names, the symbol table, and
// bounds checks on every offset (malformed input is an ImageError, never a RangeError).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseElf32, symbolAt, ImageError, PT_LOAD, PT_NOTE, SHT_NOTE, SHT_SYMTAB, SHT_STRTAB, SHT_PROGBITS } from '../../src/elf/elf32.ts';
import { loadKernelImage } from '../../src/elf/image.ts';
import { buildElf, kernel, refusal, STT_OBJECT, STT_FUNC, STT_NOTYPE, STT_SECTION, STT_FILE, STB_LOCAL, STB_WEAK, SHN_ABS, SHT_NOBITS } from './support.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixtures, name)));

describe('ELF32 headers', () => {
  it('reads the header, program headers and section headers of a linked kernel', () => {
    const elf = parseElf32(fixture('linux-notes.elf'));
    expect(elf.header).toMatchObject({ type: 2, machine: 3, entry: 0x1000000, phoff: 52, phnum: 3, phentsize: 32, shnum: 8, shentsize: 40, shstrndx: 7 });
    expect(elf.programHeaders.map((p) => [p.type, p.offset, p.vaddr, p.paddr, p.filesz, p.memsz, p.flags])).toEqual([
      [PT_LOAD, 0x1000, 0xc1000000, 0x1000000, 0x216c, 0x216c, 5],
      [PT_LOAD, 0x4000, 0xc1003000, 0x1003000, 0x14, 0x2030, 6],
      [PT_NOTE, 0x3000, 0xc1002000, 0x1002000, 0x16c, 0x16c, 4],
    ]);
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.notes', '.data', '.bss', '.symtab', '.strtab', '.shstrtab']);
    expect(elf.sections[2]).toMatchObject({ type: SHT_NOTE, offset: 0x3000, size: 0x16c, addr: 0xc1002000 });
    expect(elf.warnings).toEqual([]);
  });

  it('reads an image without section headers', () => {
    const elf = parseElf32(kernel({ noSections: true }).bytes);
    expect(elf.sections).toEqual([]);
    expect(elf.symbols).toEqual([]);
    expect(elf.programHeaders.length).toBe(3);
  });

  it('resolves extended section numbering (e_shnum 0, e_shstrndx SHN_XINDEX)', () => {
    const k = kernel({ sections: [{ name: '.text', type: SHT_PROGBITS, data: new Uint8Array(4) }] });
    const shnum = k.view.getUint16(48, true), shstrndx = k.view.getUint16(50, true);
    k.view.setUint16(48, 0, true);
    k.view.setUint16(50, 0xffff, true);
    k.view.setUint32(k.shoff + 20, shnum, true); // section 0 sh_size
    k.view.setUint32(k.shoff + 24, shstrndx, true); // section 0 sh_link
    const elf = parseElf32(k.bytes);
    expect(elf.header.shnum).toBe(shnum);
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.shstrtab']);
  });
});

describe('ELF32 symbols', () => {
  it('extracts defined symbols sorted by address, without section, file, absolute or undefined ones', () => {
    const elf = parseElf32(buildElf({
      segments: [{ vaddr: 0xc0000000, data: new Uint8Array(16) }],
      sections: [{ name: '.text', type: SHT_PROGBITS, data: new Uint8Array(16) }],
      symbols: [
        { name: 'zeta', value: 0xc0000100, size: 8, type: STT_FUNC },
        { name: 'alpha', value: 0xc0000100, size: 4, type: STT_OBJECT, bind: STB_WEAK },
        { name: 'start', value: 0xc0000000, size: 0, type: STT_NOTYPE, bind: STB_LOCAL },
        { name: '.text', value: 0xc0000000, type: STT_SECTION },
        { name: 'file.c', value: 0, type: STT_FILE, shndx: SHN_ABS },
        { name: 'phys_start', value: 0x100000, type: STT_NOTYPE, shndx: SHN_ABS },
        { name: 'printf', value: 0, type: STT_FUNC, shndx: 0 },
        { name: 'early', value: 0xbfff0000, size: 0x20, type: STT_FUNC },
      ],
    }).bytes);
    expect(elf.symbols).toEqual([
      { name: 'early', value: 0xbfff0000, size: 0x20, type: 'func', bind: 'global' },
      { name: 'start', value: 0xc0000000, size: 0, type: 'notype', bind: 'local' },
      { name: 'alpha', value: 0xc0000100, size: 4, type: 'object', bind: 'weak' },
      { name: 'zeta', value: 0xc0000100, size: 8, type: 'func', bind: 'global' },
    ]);
    expect(symbolAt(elf.symbols, 0xc0000105)).toEqual({ symbol: elf.symbols[3], offset: 5 });
    expect(symbolAt(elf.symbols, 0xc0000102)).toEqual({ symbol: elf.symbols[3], offset: 2 }); // both cover it: the later name wins
    expect(symbolAt(elf.symbols, 0xc0000108)).toBeUndefined(); // past both sized symbols
    expect(symbolAt(elf.symbols, 0xc0000040)).toEqual({ symbol: elf.symbols[1], offset: 0x40 }); // label
    expect(symbolAt(elf.symbols, 0xbfff0020)).toBeUndefined();
    expect(symbolAt(elf.symbols, 0x1000)).toBeUndefined();
  });

  it('reads the symbols nasm and ld produced, with types and sizes', () => {
    const elf = parseElf32(fixture('linux-notes.elf'));
    const byName = new Map(elf.symbols.map((s) => [s.name, s]));
    expect(byName.get('startup_xen')).toEqual({ name: 'startup_xen', value: 0xc1000010, size: 0x34, type: 'func', bind: 'global' });
    expect(byName.get('startup_32')).toEqual({ name: 'startup_32', value: 0xc1000000, size: 2, type: 'func', bind: 'global' });
    expect(byName.get('hypercall_page')).toEqual({ name: 'hypercall_page', value: 0xc1001000, size: 4096, type: 'object', bind: 'global' });
    expect(byName.get('shutdown_reason')).toMatchObject({ value: 0xc1003020, size: 4, type: 'object' });
    expect(byName.has('phys_startup_32')).toBe(false); // absolute
    const values = elf.symbols.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(symbolAt(elf.symbols, 0xc1000020)?.symbol.name).toBe('startup_xen');
  });

  it('warns instead of failing when the symbol table is unusable', () => {
    const badLink = buildElf({ sections: [{ name: '.symtab', type: SHT_SYMTAB, data: new Uint8Array(32), link: 0, entsize: 16 }] });
    expect(parseElf32(badLink.bytes).warnings).toEqual(["symbol table (section 1) links to section 0, which is not a string table; no symbols"]);
    const outside = buildElf({
      sections: [{ name: '.symtab', type: SHT_SYMTAB, data: new Uint8Array(32), link: '.strtab', entsize: 16, size: 0x100000 }, { name: '.strtab', type: SHT_STRTAB, data: new Uint8Array(1) }],
    });
    expect(parseElf32(outside.bytes).warnings).toEqual(['symbol table (section 1) or its string table lies outside the file; no symbols']);
    const names = buildElf({ symbols: [{ name: 'ok', value: 1 }, { name: 'bad', value: 2 }] });
    names.view.setUint32(names.sectionOffsets['.symtab'] + 32, 0x7fff, true); // second symbol's st_name
    const elf = parseElf32(names.bytes);
    expect(elf.symbols.map((s) => s.name)).toEqual(['ok']);
    expect(elf.warnings).toEqual(['1 symbol(s) with names outside the string table were skipped']);
  });
});

describe('ELF32 names', () => {
  it('keeps every byte of a name as one character (ISO-8859-1), and skips a name that runs past its table', () => {
    const b = buildElf({ symbols: [{ name: 'abcd', value: 1 }, { name: 'tail', value: 2 }] });
    const str = b.sectionOffsets['.strtab'];
    const at = b.bytes.indexOf(0x61, str); // 'a'
    b.bytes.set([0xe9, 0x80, 0xff, 0x7f], at);
    const elf = parseElf32(b.bytes);
    expect(elf.symbols.map((s) => s.name)).toEqual(['\u00e9\u0080\u00ff\u007f', 'tail']);
    // The last name loses its NUL: it now runs to the end of the string table.
    const t = b.bytes.indexOf(0x74, at); // 't' of "tail"
    b.bytes[t + 4] = 0x21;
    expect(parseElf32(b.bytes).symbols.map((s) => s.name)).toEqual(['\u00e9\u0080\u00ff\u007f']);
  });
});

describe('ELF32 malformed input', () => {
  const good = (): ReturnType<typeof kernel> => kernel({ symbols: [{ name: 'f', value: 0xc0100010 }] });

  it('refuses tables that run past the end of the file, with the numbers', () => {
    const k = good();
    k.view.setUint32(28, k.bytes.length - 40, true);
    expect(refusal(() => parseElf32(k.bytes))).toBe(`program header table (3 entries of 32 bytes at ${'0x' + (k.bytes.length - 40).toString(16)}) runs past the end of the file (${k.bytes.length} bytes)`);
    const s = good();
    s.view.setUint16(48, 200, true);
    expect(refusal(() => parseElf32(s.bytes))).toBe(`section header table (200 entries of 40 bytes at 0x${s.shoff.toString(16)}) runs past the end of the file (${s.bytes.length} bytes)`);
    const t = good();
    t.view.setUint32(32, 0xfffffff0, true);
    expect(refusal(() => parseElf32(t.bytes))).toBe(`section header table at 0xfffffff0 lies outside the file (${t.bytes.length} bytes)`);
    const e = good();
    e.view.setUint16(42, 16, true);
    expect(refusal(() => parseElf32(e.bytes))).toBe('program header entries are 16 bytes; ELF32 needs at least 32');
    const f = good();
    f.view.setUint16(46, 20, true);
    expect(refusal(() => parseElf32(f.bytes))).toBe('section header entries are 20 bytes; ELF32 needs at least 40');
    expect(refusal(() => parseElf32(good().bytes.subarray(0, 40)))).toBe('truncated ELF header: the file is 40 bytes long, the header needs 52');
    expect(refusal(() => parseElf32(good().bytes.subarray(0, 10)))).toBe('truncated ELF header: the file is 10 bytes long');
  });

  it('warns when the section name table is unusable', () => {
    const k = good();
    k.view.setUint16(50, 99, true);
    expect(parseElf32(k.bytes).warnings).toEqual(['e_shstrndx 99 names no section (there are 4); section names are unknown']);
    const n = good();
    const shstr = n.view.getUint16(50, true);
    n.view.setUint32(n.shoff + shstr * 40 + 4, SHT_NOBITS, true);
    expect(parseElf32(n.bytes).warnings).toEqual([`the section name table (section ${shstr}) lies outside the file; section names are unknown`]);
    const o = good();
    o.view.setUint32(o.shoff + 40, 0x9999, true); // section 1 sh_name
    expect(parseElf32(o.bytes).warnings).toEqual(['section 1: name offset 0x9999 is outside the section name table']);
  });

  it('never throws anything but ImageError on truncated or corrupted images', () => {
    const images = [fixture('linux-notes.elf'), fixture('legacy-netbsd.elf'), good().bytes];
    let seed = 12345;
    const rand = (n: number): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed % n; };
    let refused = 0, loaded = 0;
    for (const img of images) {
      // Every truncation length near the headers, and a sample elsewhere.
      const cuts = [...Array.from({ length: 400 }, (_, i) => i), ...Array.from({ length: 100 }, () => rand(img.length))];
      for (const cut of cuts) {
        try { loadKernelImage(img.subarray(0, cut)); loaded++; } catch (e) { expect(e).toBeInstanceOf(ImageError); refused++; }
      }
      // Random 32-bit values written into the headers and tables.
      const shoff = new DataView(img.buffer, img.byteOffset).getUint32(32, true);
      for (let t = 0; t < 1500; t++) {
        const b = img.slice();
        const v = new DataView(b.buffer);
        for (let k = 0; k < 1 + rand(3); k++) {
          const region = rand(3);
          const at = region === 0 ? rand(52) : region === 1 ? 52 + rand(3 * 32) : shoff + rand(Math.max(1, b.length - shoff));
          const val = [0, 0xffffffff, 0x7fffffff, rand(0x10000), rand(2 ** 32), b.length][rand(6)];
          if (at + 4 <= b.length) v.setUint32(at, val, true); else b[Math.min(at, b.length - 1)] ^= 0xff;
        }
        try { loadKernelImage(b); loaded++; } catch (e) { expect(e).toBeInstanceOf(ImageError); refused++; }
      }
    }
    expect(refused).toBeGreaterThan(1000);
    expect(loaded).toBeGreaterThan(100);
  });
});
