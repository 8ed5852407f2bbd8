// Paging (SDM vol. 3 ch. 4): 32-bit paging with 4 KiB and 4 MiB pages, PAE paging with 4 KiB
// and 2 MiB pages and XD; accessed/dirty bits, page-fault error codes with CR2, CR0.WP, and the
// TLB rules of §4.10.4 (stale entries until INVLPG or a CR3 load, global pages, CR4.PGE).
// Each rule is checked on translate() directly and, where it matters to a guest, with real
// loads, stores and fetches run by the JIT.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.ts';
import { setFlatSegments } from '../../src/cpu/flat.ts';
import { translate, writeCr0, writeCr3, flushPage, protectCodePage, ACC_W, ACC_U, ACC_X, PFEC_P, PFEC_W, PFEC_U, PFEC_RSVD, PFEC_ID } from '../../src/cpu/paging.ts';
import { CR0_WP, EAX, EBX, ECX, EDX, ESI, EDI, EBP } from '../../src/cpu/regs.ts';
import { PF_ } from '../../src/cpu/fault.ts';
import { Jit } from '../../jit/jit.ts';
import {
  P, RW, US, A, D, PS, G, XD_HI, FrameAllocator, Tables32, TablesPae, enablePaging, recordEvents, faultOf, type Event,
} from '../support/machine.ts';

const MEM = 8 << 20;
const CODE = 0x1000;
const MODES = [false, true];
const u = (x: number): number => x >>> 0;
const pf = (error: number, address: number) => ({ vector: PF_, error, address: u(address) });

/** Flat segments at `cpl`, 32-bit paging with 0..4 MiB identity-mapped (user, writable). Page
 *  tables come from 0x100000 up: the directory at 0x100000, the identity table at 0x101000. */
function setup32(o: { pse?: boolean; pge?: boolean; wp?: boolean } = {}, cpl = 0) {
  const c = new Cpu(MEM);
  setFlatSegments(c, cpl);
  const t = new Tables32(c, new FrameAllocator(c, 0x100000));
  for (let pg = 0; pg < 1024; pg++) t.map(pg << 12, pg << 12, P | RW | US);
  enablePaging(c, t.cr3, o);
  return { c, t };
}

/** Flat segments at `cpl`, PAE paging with 0..2 MiB identity-mapped (user, writable). */
function setupPae(o: { pge?: boolean; wp?: boolean; nxe?: boolean } = {}, cpl = 0) {
  const c = new Cpu(MEM);
  setFlatSegments(c, cpl);
  const t = new TablesPae(c, new FrameAllocator(c, 0x100000));
  for (let pg = 0; pg < 512; pg++) t.map(pg << 12, pg << 12, P | RW | US);
  enablePaging(c, t.cr3, { pae: true, ...o });
  return { c, t };
}

/** A JIT with a recording hook; `guest` places code at `at` (a fresh address per phase: the
 *  host writes bypass code-change detection) and runs it until the hook stops it. */
function runner(c: Cpu, singleStep: boolean) {
  const events = recordEvents(c);
  const jit = new Jit(c, { singleStep });
  return {
    jit, events,
    guest(code: number[], at: number, regs: Record<number, number> = {}) {
      c.mem.set(code, at);
      for (const [r, v] of Object.entries(regs)) c.regs[+r] = v;
      c.eip = at; c.stopped = false; events.length = 0;
      return jit.run(1000);
    },
  };
}
/** Events as [vector, error, eip, cr2] for exact comparison. */
const ev = (events: Event[]): number[][] => events.map((e) => [e.vector, e.error, u(e.eip), u(e.cr2)]);
const rd32 = (c: Cpu, pa: number): number => u(c.view.getInt32(pa, true));

// Guest code fragments (32-bit code).
const INT3 = [0xcc];
const MOV_EAX_ESI = [0x8b, 0x06]; // mov eax, [esi]
const MOV_EBX_ESI = [0x8b, 0x1e]; // mov ebx, [esi]
const MOV_EBX_EDI = [0x8b, 0x1f]; // mov ebx, [edi]
const MOV_EDI_ESI = [0x8b, 0x3e]; // mov edi, [esi]
const MOV_EDI_EBX = [0x89, 0x1f]; // mov [edi], ebx
const MOV_EDX_ECX = [0x89, 0x0a]; // mov [edx], ecx
const INVLPG_ESI = [0x0f, 0x01, 0x3e]; // invlpg [esi]
const RELOAD_CR3 = [0x0f, 0x20, 0xdd, 0x0f, 0x22, 0xdd]; // mov ebp, cr3 ; mov cr3, ebp
const JMP_ESI = [0xff, 0xe6]; // jmp esi
const MOV_EAX_1234_INT3 = [0xb8, 0x34, 0x12, 0x00, 0x00, 0xcc]; // mov eax, 0x1234 ; int3

describe('32-bit paging: translation, accessed and dirty bits', () => {
  it('4 KiB page: physical address; A set in PDE and PTE on a read, D only in the PTE and only on a write', () => {
    const { c, t } = setup32();
    const L = 0x00401000;
    t.map(L, 0x00234000, P | RW);
    const pde0 = t.pde(L);
    expect(pde0 & A).toBe(0);
    expect(u(translate(c, L + 0xabc, 0))).toBe(0x00234abc);
    expect(t.pte(L)).toBe(0x00234000 | P | RW | A);
    expect(t.pde(L)).toBe(pde0 | A);
    // A second read (TLB hit or not) changes nothing; a write sets D in the PTE only.
    expect(u(translate(c, L + 0xffc, 0))).toBe(0x00234ffc);
    expect(t.pte(L)).toBe(0x00234000 | P | RW | A);
    expect(u(translate(c, L + 4, ACC_W))).toBe(0x00234004);
    expect(t.pte(L)).toBe(0x00234000 | P | RW | A | D);
    expect(t.pde(L)).toBe(pde0 | A);
  });

  it('a first access that is a write sets A and D at once; a fetch sets A only', () => {
    const { c, t } = setup32();
    t.map(0x00402000, 0x00240000, P | RW);
    t.map(0x00403000, 0x00241000, P | RW);
    expect(u(translate(c, 0x00402010, ACC_W))).toBe(0x00240010);
    expect(t.pte(0x00402000)).toBe(0x00240000 | P | RW | A | D);
    expect(u(translate(c, 0x00403010, ACC_X))).toBe(0x00241010);
    expect(t.pte(0x00403000)).toBe(0x00241000 | P | RW | A);
  });

  it('4 MiB page with CR4.PSE: physical address; A and D are set in the PDE', () => {
    const { c, t } = setup32({ pse: true });
    t.map4M(0x00800000, 0x00400000, P | RW);
    expect(u(translate(c, 0x00812345, 0))).toBe(0x00412345);
    expect(t.pde(0x00800000)).toBe(0x00400000 | P | RW | PS | A);
    expect(u(translate(c, 0x00bffffc, ACC_W))).toBe(0x007ffffc);
    expect(t.pde(0x00800000)).toBe(0x00400000 | P | RW | PS | A | D);
  });

  it('without CR4.PSE the PS bit is ignored: the PDE points to a page table', () => {
    const { c, t } = setup32();
    t.setPde(0x00800000, 0x00400000 | P | RW | PS);
    // PTE index 0x12 of the "table" at 0x400000.
    c.view.setInt32(0x00400000 + 0x12 * 4, 0x00567000 | P | RW, true);
    expect(u(translate(c, 0x00812345, 0))).toBe(0x00567345);
    expect(rd32(c, 0x00400048)).toBe(0x00567000 | P | RW | A);
    expect(t.pde(0x00800000)).toBe(0x00400000 | P | RW | PS | A);
  });

  it('4 MiB PDE bits 21:13 are reserved (no PSE-36): #PF with RSVD', () => {
    const { c, t } = setup32({ pse: true });
    t.setPde(0x00800000, 0x00400000 | P | RW | PS | 0x2000);
    t.setPde(0x00c00000, 0x00400000 | P | RW | US | PS | 0x200000);
    expect(faultOf(() => translate(c, 0x00800010, 0))).toEqual(pf(PFEC_P | PFEC_RSVD, 0x00800010));
    expect(faultOf(() => translate(c, 0x00c00020, ACC_U | ACC_W))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_U | PFEC_W, 0x00c00020));
    expect(t.pde(0x00800000) & A).toBe(0);
  });
});

describe('32-bit paging: page-fault error codes', () => {
  const L = 0x00401000, F = 0x00250000;
  type Case = [name: string, pte: number, pdeFlags: number, acc: number, wp: boolean, error: number | null];
  const cases: Case[] = [
    ['not-present PTE, supervisor read', 0, P | RW | US, 0, false, 0],
    ['not-present PTE, supervisor write', 0, P | RW | US, ACC_W, false, PFEC_W],
    ['not-present PTE, user read', 0, P | RW | US, ACC_U, false, PFEC_U],
    ['not-present PTE, user write', 0, P | RW | US, ACC_U | ACC_W, false, PFEC_W | PFEC_U],
    ['not-present PTE, user fetch (no I/D bit without PAE+NXE)', 0, P | RW | US, ACC_U | ACC_X, false, PFEC_U],
    ['supervisor page, supervisor read', P | RW, P | RW | US, 0, true, null],
    ['supervisor page, user read', P | RW, P | RW | US, ACC_U, false, PFEC_P | PFEC_U],
    ['supervisor page, user write', P | RW, P | RW | US, ACC_U | ACC_W, false, PFEC_P | PFEC_W | PFEC_U],
    ['supervisor page, user fetch', P | RW, P | RW | US, ACC_U | ACC_X, false, PFEC_P | PFEC_U],
    ['read-only user page, user read', P | US, P | RW | US, ACC_U, false, null],
    ['read-only user page, user write', P | US, P | RW | US, ACC_U | ACC_W, false, PFEC_P | PFEC_W | PFEC_U],
    ['read-only user page, supervisor write, WP=0', P | US, P | RW | US, ACC_W, false, null],
    ['read-only user page, supervisor write, WP=1', P | US, P | RW | US, ACC_W, true, PFEC_P | PFEC_W],
    ['read-only supervisor page, supervisor write, WP=0', P, P | RW | US, ACC_W, false, null],
    ['read-only supervisor page, supervisor write, WP=1', P, P | RW | US, ACC_W, true, PFEC_P | PFEC_W],
    ['read-only PDE over a writable PTE, user write', P | RW | US, P | US, ACC_U | ACC_W, false, PFEC_P | PFEC_W | PFEC_U],
    ['read-only PDE over a writable PTE, supervisor write, WP=1', P | RW | US, P | US, ACC_W, true, PFEC_P | PFEC_W],
    ['read-only PDE over a writable PTE, supervisor write, WP=0', P | RW | US, P | US, ACC_W, false, null],
    ['supervisor PDE over a user PTE, user read', P | RW | US, P | RW, ACC_U, false, PFEC_P | PFEC_U],
    ['not-present PDE, supervisor read', -1, 0, 0, false, 0],
    ['not-present PDE, user write', -1, 0, ACC_U | ACC_W, false, PFEC_W | PFEC_U],
  ];
  for (const [name, pte, pdeFlags, acc, wp, error] of cases) {
    it(name, () => {
      const { c, t } = setup32({ wp });
      if (pte >= 0) t.map(L, F, pte, pdeFlags);
      const lin = L + 0x7f8;
      const f = faultOf(() => translate(c, lin, acc));
      if (error === null) {
        expect(f).toBeNull();
        expect(t.pte(L)).toBe(F | pte | A | (acc & ACC_W ? D : 0));
      } else {
        expect(f).toEqual(pf(error, lin));
        // A faulting access never makes the page dirty.
        if (pte >= 0) expect(t.pte(L) & D).toBe(0);
      }
    });
  }
});

describe('TLB entries hold the page\'s physical address', () => {
  // 0 means no entry, so physical page 0 is never entered: its accesses walk every time.
  it('loads and stores to physical page 0 are right and leave no entry; other pages enter their address', () => {
    const { c, t } = setup32();
    const events = recordEvents(c);
    const jit = new Jit(c, { tierUp: 0, cacheFirstRun: true });
    t.map(0x00401000, 0x00000000, P | RW);
    t.map(0x00402000, 0x00234000, P | RW);
    c.view.setInt32(0x00000010, 0x11223344, true);
    // mov eax, [esi] ; mov [edi], ebx ; int3, twice through compiled code
    c.mem.set([...MOV_EAX_ESI, ...MOV_EDI_EBX, ...INT3], CODE);
    for (const [src, dst] of [[0x00401010, 0x00402020], [0x00402020, 0x00401030]]) {
      c.regs[ESI] = src; c.regs[EDI] = dst; c.regs[EBX] = src ^ 0x5a5a5a5a;
      c.eip = CODE; c.stopped = false; events.length = 0;
      jit.run(100);
      expect(ev(events)).toEqual([[3, -1, CODE + 5, 0]]);
    }
    expect(u(c.regs[EAX])).toBe(0x00401010 ^ 0x5a5a5a5a);
    expect(rd32(c, 0x00234020)).toBe((0x00401010 ^ 0x5a5a5a5a) | 0);
    expect(rd32(c, 0x00000030)).toBe((0x00402020 ^ 0x5a5a5a5a) | 0);
    expect(c.tlbSR[0x401]).toBe(0);
    expect(c.tlbSW[0x401]).toBe(0);
    expect(c.tlbSR[0x402]).toBe(0x00234000);
    expect(c.tlbSW[0x402]).toBe(0x00234000);
  });
});

describe('compiled accesses that cross into a page mapped elsewhere', () => {
  // Linear 0x401000 and 0x402000 map to physical pages far apart: an access at 0x401ffe
  // is two bytes in each, never four bytes after 0x234ffe.
  for (const [what, code] of [
    ['add [esi], eax (read-modify-write)', [0x01, 0x06, ...INT3]],
    ['mov [esi], eax (store)', [0x89, 0x06, ...INT3]],
    ['mov eax, [esi] then add [esi], eax', [...MOV_EAX_ESI, 0x01, 0x06, ...INT3]],
  ] as const) {
    it(what, () => {
      const { c, t } = setup32();
      const events = recordEvents(c);
      const jit = new Jit(c, { tierUp: 0, cacheFirstRun: true });
      t.map(0x00401000, 0x00234000, P | RW);
      t.map(0x00402000, 0x00300000, P | RW);
      c.mem.set(code, CODE);
      for (let round = 0; round < 3; round++) {
        // Guest-visible bytes at 0x401ffe..0x402001 before the round, as the CPU computes them.
        const before = [c.mem[0x234ffe], c.mem[0x234fff], c.mem[0x300000], c.mem[0x300001]];
        const old = (before[0] | (before[1] << 8) | (before[2] << 16) | (before[3] << 24)) | 0;
        const eax = (0x01020304 * (round + 1)) | 0;
        c.regs[ESI] = 0x00401ffe; c.regs[EAX] = what.startsWith('mov eax') ? 0 : eax;
        c.eip = CODE; c.stopped = false; events.length = 0;
        jit.run(100);
        expect(ev(events)).toEqual([[3, -1, CODE + code.length, 0]]);
        const want = what.startsWith('add') ? (old + eax) | 0 : what.startsWith('mov [') ? eax : (old + old) | 0;
        const got = (c.mem[0x234ffe] | (c.mem[0x234fff] << 8) | (c.mem[0x300000] << 16) | (c.mem[0x300001] << 24)) | 0;
        expect(got, `round ${round}`).toBe(want);
        // Nothing was written past the first page's end in physical memory.
        expect([c.mem[0x235000], c.mem[0x235001]]).toEqual([0, 0]);
      }
    });
  }
});

describe('32-bit paging: compiled code uses the TLB of its own privilege level', () => {
  // Generated code takes the read and write TLB of its block's CPL as constants (jit.ts
  // BOUND_NAMES). The same code page compiled at CPL 0 and then at CPL 3: the supervisor
  // tables hold the supervisor-only page's entries from the CPL 0 run, so CPL 3 code that
  // used them would load and store where the SDM says #PF(P|U).
  for (const [what, code, regs, error] of [
    ['load', [...MOV_EAX_ESI, ...INT3], { [ESI]: 0x00401010, [EAX]: 0x77 }, PFEC_P | PFEC_U],
    ['store', [...MOV_EDI_EBX, ...INT3], { [EDI]: 0x00401010, [EBX]: 0x12345678 }, PFEC_P | PFEC_W | PFEC_U],
  ] as const) {
    it(`a ${what} at CPL 3 faults after the same code compiled at CPL 0 made the entry`, () => {
      const { c, t } = setup32();
      const events = recordEvents(c);
      const jit = new Jit(c, { tierUp: 0, cacheFirstRun: true });
      t.map(0x00401000, 0x00234000, P | RW);
      c.view.setInt32(0x00234010, 0x0badf00d, true);
      c.mem.set(code, CODE);
      const run = (): void => {
        for (const [r, v] of Object.entries(regs)) c.regs[+r] = v;
        c.eip = CODE; c.stopped = false; events.length = 0;
        jit.run(1000);
      };
      run();
      expect(ev(events)).toEqual([[3, -1, CODE + code.length, 0]]);
      const compiled = jit.stats.blocksGenerated, after = rd32(c, 0x00234010);
      expect(after).toBe(what === 'load' ? 0x0badf00d : 0x12345678);
      setFlatSegments(c, 3);
      run();
      // A block of its own for CPL 3 (another mode key), compiled, not interpreted.
      expect(jit.stats.blocksGenerated).toBeGreaterThan(compiled);
      expect(ev(events)).toEqual([[PF_, error, CODE, 0x00401010]]);
      if (what === 'load') expect(c.regs[EAX]).toBe(0x77);
      expect(rd32(c, 0x00234010)).toBe(after);
    });
  }
});

describe('32-bit paging: guest loads, stores and fetches through the JIT', () => {
  for (const singleStep of MODES) {
    const m = `(singleStep=${singleStep})`;

    it(`CPL 3 load and store on a user page set A and D ${m}`, () => {
      const { c, t } = setup32({}, 3);
      const { guest, events } = runner(c, singleStep);
      t.map(0x00401000, 0x00234000, P | RW | US);
      c.view.setInt32(0x00234010, 0xdeadbeef | 0, true);
      // mov eax, [esi] ; mov [edi], ebx ; int3
      expect(guest([...MOV_EAX_ESI, ...MOV_EDI_EBX, ...INT3], CODE, { [ESI]: 0x00401010, [EDI]: 0x00401020, [EBX]: 0x01020304 })).toBe('stop');
      expect(ev(events)).toEqual([[3, -1, CODE + 5, 0]]);
      expect(u(c.regs[EAX])).toBe(0xdeadbeef);
      expect(rd32(c, 0x00234020)).toBe(0x01020304);
      expect(t.pte(0x00401000)).toBe(0x00234000 | P | RW | US | A | D);
    });

    it(`CPL 3 load from a supervisor page: #PF(U|P), CR2, EIP of the load, EAX unchanged ${m}`, () => {
      const { c, t } = setup32({}, 3);
      const { guest, events } = runner(c, singleStep);
      t.map(0x00401000, 0x00234000, P | RW);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: 0x00401ffc, [EAX]: 0x77 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_U, CODE, 0x00401ffc]]);
      expect(u(c.cr2)).toBe(0x00401ffc);
      expect(c.regs[EAX]).toBe(0x77);
      expect(c.icount).toBe(0);
    });

    it(`CPL 3 store to a read-only page: #PF(U|W|P), memory and D unchanged ${m}`, () => {
      const { c, t } = setup32({}, 3);
      const { guest, events } = runner(c, singleStep);
      t.map(0x00401000, 0x00234000, P | US);
      c.view.setInt32(0x00234100, 0x55667788, true);
      // mov eax, [esi] (allowed) ; mov [edi], ebx (faults) ; int3
      guest([...MOV_EAX_ESI, ...MOV_EDI_EBX, ...INT3], CODE, { [ESI]: 0x00401100, [EDI]: 0x00401100, [EBX]: 0x12345678 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_W | PFEC_U, CODE + 2, 0x00401100]]);
      expect(c.regs[EAX]).toBe(0x55667788);
      expect(rd32(c, 0x00234100)).toBe(0x55667788);
      expect(t.pte(0x00401000)).toBe(0x00234000 | P | US | A);
      expect(c.icount).toBe(1);
    });

    it(`CPL 3 store to a not-present page: #PF(U|W) ${m}`, () => {
      const { c } = setup32({}, 3);
      const { guest, events } = runner(c, singleStep);
      guest([...MOV_EDI_EBX, ...INT3], CODE, { [EDI]: 0x00c00abc });
      expect(ev(events)).toEqual([[PF_, PFEC_W | PFEC_U, CODE, 0x00c00abc]]);
    });

    it(`CPL 3 jump into a supervisor page: the fetch faults with EIP = CR2 = the target ${m}`, () => {
      const { c, t } = setup32({}, 3);
      const { guest, events } = runner(c, singleStep);
      t.map(0x00401000, 0x00234000, P | RW);
      c.mem.set(MOV_EAX_1234_INT3, 0x00234800);
      guest(JMP_ESI, CODE, { [ESI]: 0x00401800, [EAX]: 0 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_U, 0x00401800, 0x00401800]]);
      expect(c.regs[EAX]).toBe(0);
      expect(c.icount).toBe(1);
    });

    it(`CPL 0 store to a read-only page: allowed with WP=0 (sets D), #PF(W|P) after setting WP ${m}`, () => {
      const { c, t } = setup32({ wp: false });
      const { guest, events } = runner(c, singleStep);
      t.map(0x00401000, 0x00234000, P);
      guest([...MOV_EDI_EBX, ...INT3], CODE, { [EDI]: 0x00401040, [EBX]: 0x0a0b0c0d });
      expect(ev(events)).toEqual([[3, -1, CODE + 3, 0]]);
      expect(rd32(c, 0x00234040)).toBe(0x0a0b0c0d);
      expect(t.pte(0x00401000)).toBe(0x00234000 | P | A | D);
      // The supervisor write translation cached under WP=0 must not survive the CR0 write.
      writeCr0(c, c.cr0 | CR0_WP);
      guest([...MOV_EDI_EBX, ...INT3], CODE + 0x100, { [EBX]: 0x11111111 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_W, CODE + 0x100, 0x00401040]]);
      expect(rd32(c, 0x00234040)).toBe(0x0a0b0c0d);
    });
  }
});

describe('large pages through the JIT', () => {
  for (const singleStep of MODES) {
    const m = `(singleStep=${singleStep})`;

    it(`32-bit paging, 4 MiB page at CPL 3: a load sets A only, a store then sets D, both in the PDE ${m}`, () => {
      const { c, t } = setup32({ pse: true }, 3);
      const { guest, events } = runner(c, singleStep);
      t.map4M(0x00800000, 0x00400000, P | RW | US);
      c.view.setInt32(0x00523450, 0x0badf00d, true);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: 0x00923450 });
      expect(ev(events)).toEqual([[3, -1, CODE + 3, 0]]);
      expect(u(c.regs[EAX])).toBe(0x0badf00d);
      expect(t.pde(0x00800000)).toBe(0x00400000 | P | RW | US | PS | A);
      guest([...MOV_EDI_EBX, ...INT3], CODE + 0x100, { [EDI]: 0x00bffffc, [EBX]: 0x600df00d });
      expect(rd32(c, 0x007ffffc)).toBe(0x600df00d);
      expect(t.pde(0x00800000)).toBe(0x00400000 | P | RW | US | PS | A | D);
    });

    it(`PAE, 2 MiB page at CPL 3: a load sets A only, a store then sets D, both in the PDE ${m}`, () => {
      const { c, t } = setupPae({ nxe: true }, 3);
      const { guest, events } = runner(c, singleStep);
      t.map2M(0x40400000, 0x00600000, P | RW | US);
      c.view.setInt32(0x00612340, 0x0badf00d, true);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: 0x40412340 });
      expect(ev(events)).toEqual([[3, -1, CODE + 3, 0]]);
      expect(u(c.regs[EAX])).toBe(0x0badf00d);
      expect(t.pde(0x40400000)).toBe(0x00600000 | P | RW | US | PS | A);
      guest([...MOV_EDI_EBX, ...INT3], CODE + 0x100, { [EDI]: 0x405ffffc, [EBX]: 0x600df00d });
      expect(rd32(c, 0x007ffffc)).toBe(0x600df00d);
      expect(t.pde(0x40400000)).toBe(0x00600000 | P | RW | US | PS | A | D);
      // A read-only 2 MiB page: the user store faults with P|W|U and leaves D clear.
      t.map2M(0x40800000, 0x00600000, P | US);
      guest([...MOV_EDI_EBX, ...INT3], CODE + 0x200, { [EDI]: 0x40800010 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_W | PFEC_U, CODE + 0x200, 0x40800010]]);
      expect(t.pde(0x40800000) & D).toBe(0);
    });
  }
});

describe('32-bit paging: TLB rules', () => {
  const L = 0x00401000, L2 = 0x00402000;
  const F1 = 0x00234000, F2 = 0x00235000, F3 = 0x00236000, F4 = 0x00237000;
  function tlbSetup(o: { pge?: boolean }, gBit: number, singleStep: boolean) {
    const { c, t } = setup32(o);
    const r = runner(c, singleStep);
    t.map(L, F1, P | RW | gBit);
    t.map(L2, F3, P | RW);
    for (const [f, v] of [[F1, 0x11111111], [F2, 0x22222222], [F3, 0x33333333], [F4, 0x44444444]]) c.view.setInt32(f, v, true);
    return { c, t, ...r };
  }

  it('translate(): a changed PTE is not seen until INVLPG (flushPage)', () => {
    const { c, t } = setup32();
    t.map(L, F1, P | RW);
    expect(u(translate(c, L + 8, 0))).toBe(F1 + 8);
    t.setPte(L, F2 | P | RW);
    expect(u(translate(c, L + 8, 0))).toBe(F1 + 8);
    flushPage(c, L + 0xfff);
    expect(u(translate(c, L + 8, 0))).toBe(F2 + 8);
    // A now-absent page faults only after the flush, too.
    t.setPte(L, 0);
    expect(u(translate(c, L + 8, 0))).toBe(F2 + 8);
    flushPage(c, L);
    expect(faultOf(() => translate(c, L + 8, 0))).toEqual(pf(0, L + 8));
  });

  for (const singleStep of MODES) {
    const m = `(singleStep=${singleStep})`;

    it(`a guest PTE store is not seen by a load until INVLPG ${m}`, () => {
      const { c, t, guest, events } = tlbSetup({}, 0, singleStep);
      // mov eax, [esi] ; mov [edx], ecx ; mov ebx, [esi] ; invlpg [esi] ; mov edi, [esi] ; int3
      guest([...MOV_EAX_ESI, ...MOV_EDX_ECX, ...MOV_EBX_ESI, ...INVLPG_ESI, ...MOV_EDI_ESI, ...INT3], CODE,
        { [ESI]: L, [EDX]: t.pteAddr(L), [ECX]: F2 | P | RW });
      expect(ev(events)).toEqual([[3, -1, CODE + 12, 0]]);
      expect(u(c.regs[EAX])).toBe(0x11111111);
      expect(u(c.regs[EBX])).toBe(0x11111111);
      expect(u(c.regs[EDI])).toBe(0x22222222);
      expect(t.pte(L)).toBe(F2 | P | RW | A);
    });

    it(`a guest PTE store is not seen until a CR3 write ${m}`, () => {
      const { c, t, guest } = tlbSetup({}, 0, singleStep);
      // mov eax, [esi] ; mov [edx], ecx ; mov ebx, [esi] ; mov ebp, cr3 ; mov cr3, ebp ; mov edi, [esi] ; int3
      guest([...MOV_EAX_ESI, ...MOV_EDX_ECX, ...MOV_EBX_ESI, ...RELOAD_CR3, ...MOV_EDI_ESI, ...INT3], CODE,
        { [ESI]: L, [EDX]: t.pteAddr(L), [ECX]: F2 | P | RW });
      expect(u(c.regs[EAX])).toBe(0x11111111);
      expect(u(c.regs[EBX])).toBe(0x11111111);
      expect(u(c.regs[EDI])).toBe(0x22222222);
      expect(u(c.regs[EBP])).toBe(t.cr3);
    });

    it(`with CR4.PGE a global page survives a CR3 write, a non-global one does not; INVLPG drops the global one ${m}`, () => {
      const { c, t, guest, events } = tlbSetup({ pge: true }, G, singleStep);
      // mov eax, [esi] ; mov ebx, [edi] ; int3
      guest([...MOV_EAX_ESI, ...MOV_EBX_EDI, ...INT3], CODE, { [ESI]: L, [EDI]: L2 });
      expect([u(c.regs[EAX]), u(c.regs[EBX])]).toEqual([0x11111111, 0x33333333]);
      t.setPte(L, F2 | P | RW | G);
      t.setPte(L2, F4 | P | RW);
      // mov ebp, cr3 ; mov cr3, ebp ; mov eax, [esi] ; mov ebx, [edi] ; int3
      guest([...RELOAD_CR3, ...MOV_EAX_ESI, ...MOV_EBX_EDI, ...INT3], CODE + 0x100);
      expect(ev(events)).toEqual([[3, -1, CODE + 0x10b, 0]]);
      expect([u(c.regs[EAX]), u(c.regs[EBX])]).toEqual([0x11111111, 0x44444444]);
      // invlpg [esi] ; mov eax, [esi] ; int3
      guest([...INVLPG_ESI, ...MOV_EAX_ESI, ...INT3], CODE + 0x200);
      expect(u(c.regs[EAX])).toBe(0x22222222);
    });

    it(`without CR4.PGE the G bit is ignored: a CR3 write drops the page ${m}`, () => {
      const { c, t, guest } = tlbSetup({ pge: false }, G, singleStep);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: L });
      expect(u(c.regs[EAX])).toBe(0x11111111);
      t.setPte(L, F2 | P | RW | G);
      guest([...RELOAD_CR3, ...MOV_EAX_ESI, ...INT3], CODE + 0x100);
      expect(u(c.regs[EAX])).toBe(0x22222222);
    });

    it(`a CR4 write that clears PGE flushes global pages ${m}`, () => {
      const { c, t, guest } = tlbSetup({ pge: true }, G, singleStep);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: L });
      t.setPte(L, F2 | P | RW | G);
      // mov ebp, cr4 ; and ebp, ~0x80 ; mov cr4, ebp ; mov eax, [esi] ; int3
      guest([0x0f, 0x20, 0xe5, 0x81, 0xe5, 0x7f, 0xff, 0xff, 0xff, 0x0f, 0x22, 0xe5, ...MOV_EAX_ESI, ...INT3], CODE + 0x100);
      expect(u(c.regs[EAX])).toBe(0x22222222);
      expect(c.cr4 & 0x80).toBe(0);
    });

    it(`a CR4 write that sets PGE flushes the TLB ${m}`, () => {
      const { c, t, guest } = tlbSetup({ pge: false }, 0, singleStep);
      guest([...MOV_EAX_ESI, ...INT3], CODE, { [ESI]: L });
      t.setPte(L, F2 | P | RW);
      // mov ebp, cr4 ; or ebp, 0x80 ; mov cr4, ebp ; mov eax, [esi] ; int3
      guest([0x0f, 0x20, 0xe5, 0x81, 0xcd, 0x80, 0x00, 0x00, 0x00, 0x0f, 0x22, 0xe5, ...MOV_EAX_ESI, ...INT3], CODE + 0x100);
      expect(u(c.regs[EAX])).toBe(0x22222222);
      expect(c.cr4 & 0x80).toBe(0x80);
    });
  }

  it('supervisor and user translations are cached apart: a cached supervisor entry does not let a user access through', () => {
    const { c, t } = setup32();
    t.map(L, F1, P | RW);
    expect(u(translate(c, L, 0))).toBe(F1);
    expect(u(translate(c, L, ACC_W))).toBe(F1);
    expect(faultOf(() => translate(c, L, ACC_U))).toEqual(pf(PFEC_P | PFEC_U, L));
    expect(faultOf(() => translate(c, L, ACC_U | ACC_W))).toEqual(pf(PFEC_P | PFEC_U | PFEC_W, L));
  });

  it('a page is listed once for flushes, however often its write entry is dropped for code and filled again', () => {
    const { c, t } = setup32();
    t.map(L, F1, P | RW);
    translate(c, L, 0); translate(c, L, ACC_X);
    const listed = c.tlbCount;
    // Code translated from F1 drops the write entry; the page stops holding code and a store
    // fills it again (a kernel patching code it then runs, a thousand times).
    for (let k = 0; k < 1000; k++) {
      expect(u(translate(c, L, ACC_W))).toBe(F1);
      protectCodePage(c, F1 >>> 12);
      expect(c.tlbSW[L >>> 12]).toBe(0);
    }
    expect(c.tlbCount).toBe(listed);
    // Flushes still drop every entry of the page.
    flushPage(c, L);
    expect([c.tlbCount, c.tlbSR[L >>> 12], c.tlbSX[L >>> 12]]).toEqual([listed - 1, 0, 0]);
    translate(c, L, ACC_W);
    expect(c.tlbCount).toBe(listed);
    writeCr3(c, c.cr3);
    expect([c.tlbSW[L >>> 12], c.tlbCount]).toEqual([0, 0]);
    translate(c, L, ACC_W);
    expect(c.tlbCount).toBe(1);
  });
});

describe('PAE paging: translation, accessed and dirty bits', () => {
  const L = 0x40201000; // PDPTE 1, PDE 1, PTE 1

  it('4 KiB page: physical address; A in PDE and PTE, D in the PTE on a write; PDPTE untouched', () => {
    const { c, t } = setupPae();
    t.map(L, 0x00345000, P | RW);
    const pdpte0 = t.pdpte(L), pde0 = t.pde(L);
    expect(u(translate(c, L + 0xabc, 0))).toBe(0x00345abc);
    expect(t.pte(L)).toBe(0x00345000 | P | RW | A);
    expect(t.pde(L)).toBe(pde0 | A);
    expect(t.pdpte(L)).toBe(pdpte0);
    expect(u(translate(c, L + 0xabc, ACC_W))).toBe(0x00345abc);
    expect(t.pte(L)).toBe(0x00345000 | P | RW | A | D);
    expect(t.pde(L)).toBe(pde0 | A);
    expect([t.pteHi(L), t.pdeHi(L)]).toEqual([0, 0]);
  });

  it('2 MiB page: physical address; A and D set in the PDE', () => {
    const { c, t } = setupPae();
    t.map2M(0x40400000, 0x00600000, P | RW);
    expect(u(translate(c, 0x40412345, 0))).toBe(0x00612345);
    expect(t.pde(0x40400000)).toBe(0x00600000 | P | RW | PS | A);
    expect(u(translate(c, 0x405ffffc, ACC_W))).toBe(0x007ffffc);
    expect(t.pde(0x40400000)).toBe(0x00600000 | P | RW | PS | A | D);
  });

  for (const singleStep of MODES) {
    it(`entries with physical address bits 35:32 set address no RAM: loads read all ones, stores change nothing (singleStep=${singleStep})`, () => {
      const { c, t } = setupPae();
      const { guest, events } = runner(c, singleStep);
      t.map(L, 0x00345000, P | RW, 0x1); // physical 0x1_0034_5000
      t.map2M(0x40400000, 0x00600000, P | RW, 0x2); // physical 0x2_0060_0000
      c.view.setInt32(0x00345abc, 0x5a5a5a5a, true);
      c.view.setInt32(0x00600010, 0x3c3c3c3c, true);
      // mov eax, [esi] ; mov [edi], ebx ; mov edi, [esi] ... done twice with different pointers below
      guest([...MOV_EAX_ESI, ...MOV_EDI_EBX, ...INT3], CODE, { [ESI]: L + 0xabc, [EDI]: L + 0xabc, [EBX]: 0x01010101 });
      expect(ev(events)).toEqual([[3, -1, CODE + 5, 0]]);
      expect(u(c.regs[EAX])).toBe(0xffffffff);
      expect(rd32(c, 0x00345abc)).toBe(0x5a5a5a5a);
      guest([...MOV_EAX_ESI, ...MOV_EDI_EBX, ...INT3], CODE + 0x100, { [ESI]: 0x40400010, [EDI]: 0x40400010, [EBX]: 0x02020202 });
      expect(u(c.regs[EAX])).toBe(0xffffffff);
      expect(rd32(c, 0x00600010)).toBe(0x3c3c3c3c);
    });
  }
});

describe('PAE paging: XD and reserved bits', () => {
  const L = 0x40201000, L2 = 0x40401000, BIG = 0x40600000, ABSENT = 0x40801000;
  const F = 0x00345000;

  it('with EFER.NXE, an XD page can be read and written but not fetched: #PF(P|I/D), U added for CPL 3', () => {
    const { c, t } = setupPae({ nxe: true });
    t.map(L, F, P | RW | US, XD_HI);
    expect(u(translate(c, L + 4, 0))).toBe(F + 4);
    expect(u(translate(c, L + 8, ACC_W | ACC_U))).toBe(F + 8);
    expect(faultOf(() => translate(c, L + 12, ACC_X))).toEqual(pf(PFEC_P | PFEC_ID, L + 12));
    expect(faultOf(() => translate(c, L + 12, ACC_X | ACC_U))).toEqual(pf(PFEC_P | PFEC_ID | PFEC_U, L + 12));
  });

  it('XD in the PDE covers its 4 KiB pages; XD in a 2 MiB PDE covers the large page', () => {
    const { c, t } = setupPae({ nxe: true });
    t.map(L2, F, P | RW, 0, P | RW, XD_HI);
    t.map2M(BIG, 0x00600000, P | RW, XD_HI);
    expect(u(translate(c, L2, 0))).toBe(F);
    expect(faultOf(() => translate(c, L2 + 0x10, ACC_X))).toEqual(pf(PFEC_P | PFEC_ID, L2 + 0x10));
    expect(u(translate(c, BIG + 0x1234, 0))).toBe(0x00601234);
    expect(faultOf(() => translate(c, BIG + 0x1234, ACC_X))).toEqual(pf(PFEC_P | PFEC_ID, BIG + 0x1234));
  });

  it('I/D is set for any fetch fault when NXE=1 (not-present too), and never when NXE=0', () => {
    const on = setupPae({ nxe: true });
    expect(faultOf(() => translate(on.c, ABSENT, ACC_X))).toEqual(pf(PFEC_ID, ABSENT));
    expect(faultOf(() => translate(on.c, ABSENT, ACC_X | ACC_U))).toEqual(pf(PFEC_ID | PFEC_U, ABSENT));
    expect(faultOf(() => translate(on.c, ABSENT, 0))).toEqual(pf(0, ABSENT));
    const off = setupPae({ nxe: false });
    expect(faultOf(() => translate(off.c, ABSENT, ACC_X))).toEqual(pf(0, ABSENT));
    expect(faultOf(() => translate(off.c, ABSENT, ACC_X | ACC_U))).toEqual(pf(PFEC_U, ABSENT));
  });

  it('with NXE=0 the XD bit is reserved: #PF(P|RSVD) for every access, without I/D', () => {
    const { c, t } = setupPae({ nxe: false });
    t.map(L, F, P | RW | US, XD_HI);
    expect(faultOf(() => translate(c, L, 0))).toEqual(pf(PFEC_P | PFEC_RSVD, L));
    expect(faultOf(() => translate(c, L, ACC_X))).toEqual(pf(PFEC_P | PFEC_RSVD, L));
    expect(faultOf(() => translate(c, L, ACC_W | ACC_U))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_W | PFEC_U, L));
    expect(t.pte(L) & A).toBe(0);
  });

  it('reserved bits: physical bits above 35 in a PTE or PDE, bits 20:13 of a 2 MiB PDE', () => {
    const { c, t } = setupPae({ nxe: true });
    t.map(L, F, P | RW | US, 0x10); // bit 36
    t.map(L2, F, P | RW | US, 0x40000000); // bit 62
    t.map(0x40a01000, F, P | RW | US, 0, P | RW | US, 0x00100000); // PDE bit 52
    t.map2M(BIG, 0x00600000, P | RW | 0x2000); // bit 13
    t.map2M(0x40c00000, 0x00600000, P | RW | 0x100000); // bit 20
    expect(faultOf(() => translate(c, L, 0))).toEqual(pf(PFEC_P | PFEC_RSVD, L));
    expect(faultOf(() => translate(c, L2, ACC_X))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_ID, L2));
    expect(faultOf(() => translate(c, 0x40a01000, ACC_W))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_W, 0x40a01000));
    expect(faultOf(() => translate(c, BIG + 0x20, 0))).toEqual(pf(PFEC_P | PFEC_RSVD, BIG + 0x20));
    expect(faultOf(() => translate(c, 0x40c00000, ACC_U))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_U, 0x40c00000));
  });

  it('reserved bits are not checked in a not-present entry; RSVD wins over a U/S violation', () => {
    const { c, t } = setupPae({ nxe: true });
    t.map(L, F, 0, 0x10); // P=0 with bit 36 set
    t.map(L2, F, P | RW, 0x10); // supervisor page with bit 36 set
    expect(faultOf(() => translate(c, L, 0))).toEqual(pf(0, L));
    expect(faultOf(() => translate(c, L2, ACC_U))).toEqual(pf(PFEC_P | PFEC_RSVD | PFEC_U, L2));
  });

  for (const singleStep of MODES) {
    const m = `(singleStep=${singleStep})`;
    for (const cpl of [0, 3]) {
      it(`CPL ${cpl}: a jump into an XD page faults on the fetch; after clearing XD and INVLPG the code runs ${m}`, () => {
        const { c, t } = setupPae({ nxe: true }, cpl);
        const { guest, events } = runner(c, singleStep);
        t.map(L, F, P | RW | US, XD_HI);
        c.mem.set(MOV_EAX_1234_INT3, F + 0x100);
        guest(JMP_ESI, CODE, { [ESI]: L + 0x100, [EAX]: 0 });
        expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_ID | (cpl ? PFEC_U : 0), L + 0x100, L + 0x100]]);
        expect(c.regs[EAX]).toBe(0);
        t.setPte(L, F | P | RW | US, 0);
        flushPage(c, L);
        guest(JMP_ESI, CODE + 0x100);
        expect(ev(events)).toEqual([[3, -1, L + 0x106, L + 0x100]]);
        expect(c.regs[EAX]).toBe(0x1234);
      });
    }

    it(`CPL 3 store to a page with a reserved bit: #PF(P|W|U|RSVD) with CR2 ${m}`, () => {
      const { c, t } = setupPae({ nxe: true }, 3);
      const { guest, events } = runner(c, singleStep);
      t.map(L, F, P | RW | US, 0x20); // bit 37
      guest([...MOV_EDI_EBX, ...INT3], CODE, { [EDI]: L + 0x444, [EBX]: 1 });
      expect(ev(events)).toEqual([[PF_, PFEC_P | PFEC_W | PFEC_U | PFEC_RSVD, CODE, L + 0x444]]);
      expect(rd32(c, F + 0x444)).toBe(0);
    });

    it(`PAE TLB: stale until INVLPG; a global page survives a CR3 write with PGE ${m}`, () => {
      const { c, t } = setupPae({ pge: true, nxe: true });
      const { guest } = runner(c, singleStep);
      t.map(L, 0x00234000, P | RW | G);
      t.map(L2, 0x00236000, P | RW);
      for (const [f, v] of [[0x00234000, 1], [0x00235000, 2], [0x00236000, 3], [0x00237000, 4]]) c.view.setInt32(f, v, true);
      guest([...MOV_EAX_ESI, ...MOV_EBX_EDI, ...INT3], CODE, { [ESI]: L, [EDI]: L2 });
      expect([c.regs[EAX], c.regs[EBX]]).toEqual([1, 3]);
      t.setPte(L, 0x00235000 | P | RW | G);
      t.setPte(L2, 0x00237000 | P | RW);
      guest([...MOV_EAX_ESI, ...MOV_EBX_EDI, ...INT3], CODE + 0x100);
      expect([c.regs[EAX], c.regs[EBX]]).toEqual([1, 3]);
      guest([...RELOAD_CR3, ...MOV_EAX_ESI, ...MOV_EBX_EDI, ...INT3], CODE + 0x200);
      expect([c.regs[EAX], c.regs[EBX]]).toEqual([1, 4]);
      guest([...INVLPG_ESI, ...MOV_EAX_ESI, ...INT3], CODE + 0x300);
      expect(c.regs[EAX]).toBe(2);
    });
  }
});

void EDX; void ECX;
