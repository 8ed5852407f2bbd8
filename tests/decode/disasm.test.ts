// The disassembler against binutils objdump (2.40, Intel syntax, 32-bit): the fixture holds
// objdump's text for encodings of every non-x87 table row (tools/gen-disasm-fixture.ts builds it).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { decodeBytes } from '../../src/decode/decoder.ts';
import { disassemble } from '../../src/decode/disasm.ts';
import { ROWS, T_X87 } from '../../src/decode/rows.ts';

interface Fixture {
  cases: [hex: string, address: number, text: string][];
  excluded: [hex: string, address: number, text: string, reason: string][];
}
const fixture: Fixture = JSON.parse(
  gunzipSync(readFileSync(new URL('./disasm-fixture.json.gz', import.meta.url))).toString('utf8'),
);
const bytesOf = (hex: string): number[] => hex.match(/../g)!.map((x) => parseInt(x, 16));
const dis = (hex: string, address = 0): string => disassemble(decodeBytes(bytesOf(hex), address));

describe('disassemble', () => {
  it('has a fixture covering the table', () => {
    expect(fixture.cases.length).toBeGreaterThan(10000);
    const rows = new Set(fixture.cases.map(([hex, address]) => decodeBytes(bytesOf(hex), address).row.index));
    const uncovered = ROWS.filter((r) => !(r.traits & T_X87) && !rows.has(r.index));
    // Rows whose every encoding the generator had to set aside (see the fixture's excluded list).
    const setAside = new Set(fixture.excluded.map(([hex, address]) => decodeBytes(bytesOf(hex), address).row.index));
    expect(uncovered.filter((r) => !setAside.has(r.index)).map((r) => r.text),
      'rows without fixture cases: regenerate it with npx tsx tools/gen-disasm-fixture.ts').toEqual([]);
  });

  it('decodes every fixture instruction to the length objdump gives it', () => {
    const bad: string[] = [];
    for (const [hex, address] of fixture.cases) {
      const i = decodeBytes(bytesOf(hex), address);
      if (i.len !== hex.length / 2) bad.push(`${hex}: decoder ${i.len}, objdump ${hex.length / 2}`);
    }
    expect(bad).toEqual([]);
  });

  it('prints what objdump prints for every fixture instruction', () => {
    const bad: string[] = [];
    for (const [hex, address, text] of fixture.cases) {
      const got = dis(hex, address);
      if (got !== text) bad.push(`${hex} @0x${address.toString(16)}: "${got}", objdump "${text}"`);
    }
    expect(bad.slice(0, 40)).toEqual([]);
    expect(bad.length).toBe(0);
  });

  it('prints these examples', () => {
    const cases: [string, number, string][] = [
      ['8b448b10', 0, 'mov eax,DWORD PTR [ebx+ecx*4+0x10]'],
      ['800534120000' + '05', 0, 'add BYTE PTR ds:0x1234,0x5'],
      ['f3a5', 0, 'rep movs DWORD PTR es:[edi],DWORD PTR ds:[esi]'],
      ['7513', 0, 'jne 0x15'],
      ['e9fbffffff', 0x1000, 'jmp 0x1000'],
      ['f00fc108', 0, 'lock xadd DWORD PTR [eax],ecx'],
      ['678b4004', 0, 'mov eax,DWORD PTR [bx+si+0x4]'],
      ['666a05', 0, 'pushw 0x5'],
      ['66cf', 0, 'iretw'],
      ['668c18', 0, 'data16 mov WORD PTR [eax],ds'],
      ['ff18', 0, 'call FWORD PTR [eax]'],
      ['648b0d00000000', 0, 'mov ecx,DWORD PTR fs:0x0'],
      ['2e90', 0, 'cs nop'],
      ['f390', 0, 'pause'],
      ['3effe0', 0, 'notrack jmp eax'],
      ['67e310', 0, 'jcxz 0x13'],
      ['d7', 0, 'xlat BYTE PTR ds:[ebx]'],
      ['0f04', 0, '(bad)'],
    ];
    for (const [hex, address, text] of cases) expect(dis(hex, address), hex).toBe(text);
  });

  it('names x87 placeholder rows by escape byte and ModRM digit', () => {
    expect(dis('d94508')).toBe('fpu d9/0 [ebp+0x8]');
    expect(dis('dec1')).toBe('fpu de/0 st(1)');
  });
});
