// runtime/abi against Xen's public headers. tests/abi/fixture.json holds what the compiler says
// about the headers for an i386 guest (tools/gen-abi-fixture.sh, tools/abi/dump.c): one object
// per runtime/abi file, keyed by export name. Every export must be in its file's object and
// every key of the object must be exported, with the same value: numbers, strings, bigints,
// layouts (objects of offsets plus size), lists, and function-like macros as sample calls.
// The few exports that no header defines, and the value-to-name tables derived from the
// constants, are listed here and checked otherwise.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hypercalls from '../../runtime/abi/hypercalls.ts';
import * as errno from '../../runtime/abi/errno.ts';
import * as xen from '../../runtime/abi/xen.ts';
import * as arch from '../../runtime/abi/arch-x86_32.ts';
import * as event_channel from '../../runtime/abi/event_channel.ts';
import * as sched from '../../runtime/abi/sched.ts';
import * as vcpu from '../../runtime/abi/vcpu.ts';
import * as memory from '../../runtime/abi/memory.ts';
import * as callback from '../../runtime/abi/callback.ts';
import * as grant_table from '../../runtime/abi/grant_table.ts';
import * as physdev from '../../runtime/abi/physdev.ts';
import * as xen_version from '../../runtime/abi/xen_version.ts';
import * as elfnote from '../../runtime/abi/elfnote.ts';
import * as nmi from '../../runtime/abi/nmi.ts';
import * as consoleAbi from '../../runtime/abi/console.ts';
import * as xs_wire from '../../runtime/abi/xs_wire.ts';
import * as blkif from '../../runtime/abi/blkif.ts';
import * as ring from '../../runtime/abi/ring.ts';
import { nameTable, nameOf, type NameTable } from '../../runtime/abi/names.ts';

type Exports = Readonly<Record<string, unknown>>;
type Sample = [number[], number];

const fixture = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixture.json'), 'utf8'),
) as Record<string, Record<string, unknown>>;

/** The fixture's sections, by runtime/abi file name. */
const MODULES: Record<string, Exports> = {
  hypercalls, errno, xen, 'arch-x86_32': arch, event_channel, sched, vcpu, memory, callback,
  grant_table, physdev, xen_version, elfnote, nmi, console: consoleAbi, xs_wire, blkif, ring,
};

/** Exports no public header defines, with where they come from. They must stay out of the
 *  fixture; they are checked below. */
const NOT_IN_HEADERS: Record<string, Record<string, string>> = {
  xen: {
    START_INFO_MAGIC_X86_32P: "start_info.magic as Xen's domain builder writes it",
    START_INFO_MAGIC_X86_32: "start_info.magic as Xen's domain builder writes it",
  },
  'arch-x86_32': { IRET_FRAME: "the words Xen's compat_iret reads" },
  memory: {
    E820_ENTRY: "Xen's struct e820entry (asm/e820.h)",
    E820_RAM: 'asm/e820.h', E820_RESERVED: 'asm/e820.h', E820_ACPI: 'asm/e820.h', E820_NVS: 'asm/e820.h',
    E820_UNUSABLE: 'asm/e820.h',
  },
};

/** Value-to-name tables: each must name every constant with its prefix (but the excluded ones)
 *  by its value, an alias giving way to the name listed first. */
interface TableSpec { module: string; table: string; prefix: string; aliases?: string[]; exclude?: RegExp }
const NAME_TABLES: TableSpec[] = [
  { module: 'hypercalls', table: 'HYPERCALL_NAMES', prefix: '__HYPERVISOR_', aliases: ['arch_0'] },
  { module: 'errno', table: 'ERRNO_NAMES', prefix: '', aliases: ['EWOULDBLOCK', 'EDEADLOCK'] },
  { module: 'xen', table: 'MMUEXT_NAMES', prefix: 'MMUEXT_' },
  { module: 'xen', table: 'VIRQ_NAMES', prefix: 'VIRQ_', aliases: ['ARCH_0'] },
  { module: 'xen', table: 'SHUTDOWN_NAMES', prefix: 'SHUTDOWN_', aliases: ['MAX'] },
  { module: 'event_channel', table: 'EVTCHNOP_NAMES', prefix: 'EVTCHNOP_' },
  { module: 'event_channel', table: 'EVTCHNSTAT_NAMES', prefix: 'EVTCHNSTAT_' },
  { module: 'sched', table: 'SCHEDOP_NAMES', prefix: 'SCHEDOP_' },
  { module: 'sched', table: 'SHUTDOWN_NAMES', prefix: 'SHUTDOWN_', aliases: ['MAX'] },
  { module: 'vcpu', table: 'VCPUOP_NAMES', prefix: 'VCPUOP_' },
  { module: 'memory', table: 'XENMEM_NAMES', prefix: 'XENMEM_', exclude: /^resource_/ },
  { module: 'callback', table: 'CALLBACKTYPE_NAMES', prefix: 'CALLBACKTYPE_' },
  { module: 'grant_table', table: 'GNTTABOP_NAMES', prefix: 'GNTTABOP_' },
  { module: 'grant_table', table: 'GNTST_NAMES', prefix: 'GNTST_' },
  { module: 'physdev', table: 'PHYSDEVOP_NAMES', prefix: 'PHYSDEVOP_', aliases: ['pirq_eoi_gmfn'], exclude: /^DBGP_/ },
  { module: 'xen_version', table: 'XENVER_NAMES', prefix: 'XENVER_' },
  { module: 'xen_version', table: 'XENFEAT_NAMES', prefix: 'XENFEAT_', exclude: /^NR_SUBMAPS$/ },
  { module: 'elfnote', table: 'XEN_ELFNOTE_NAMES', prefix: 'XEN_ELFNOTE_', aliases: ['MAX'] },
  { module: 'xs_wire', table: 'XS_NAMES', prefix: 'XS_', aliases: ['DEBUG'], exclude: /^(TYPE_COUNT|INVALID|WATCH_PATH|WATCH_TOKEN)$/ },
];

/** Helpers built on the tables, tested on their own. */
const HELPERS: Record<string, string[]> = { hypercalls: ['hypercallName'], errno: ['errnoName'] };

function derived(module: string): Set<string> {
  return new Set([
    ...NAME_TABLES.filter((t) => t.module === module).map((t) => t.table),
    ...(HELPERS[module] ?? []),
  ]);
}

function headerExports(module: string): string[] {
  const skip = derived(module);
  const outside = NOT_IN_HEADERS[module] ?? {};
  return Object.keys(MODULES[module]!).filter((k) => !skip.has(k) && !(k in outside)).sort();
}

/** Compare one export with its fixture value. */
function check(name: string, actual: unknown, expected: unknown): void {
  if (typeof actual === 'function') {
    expect(Array.isArray(expected), `${name}: the fixture has samples for a function`).toBe(true);
    for (const [args, result] of expected as Sample[]) {
      expect((actual as (...a: number[]) => number)(...args), `${name}(${args.join(', ')})`).toBe(result);
    }
  } else if (typeof actual === 'bigint') {
    expect(actual).toBe(BigInt(expected as string));
  } else if (Array.isArray(actual) && typeof expected === 'string') {
    // A byte string the header gives as an assembler directive (".byte 0x0f,0x0b,...").
    const bytes = /^\.byte\s+([^;]*)/.exec(expected)?.[1]?.split(',').map((b) => Number(b.trim()));
    expect(actual).toEqual(bytes);
  } else {
    expect(actual).toEqual(expected);
  }
}

describe('runtime/abi matches the headers (tests/abi/fixture.json)', () => {
  it('has one fixture section per runtime/abi file', () => {
    expect(Object.keys(fixture).sort()).toEqual(Object.keys(MODULES).sort());
  });

  for (const [module, exports] of Object.entries(MODULES)) {
    describe(module, () => {
      const section = fixture[module] ?? {};

      it('exports every fixture key', () => {
        const missing = Object.keys(section).filter((k) => !(k in exports));
        expect(missing).toEqual([]);
      });

      it('has every export in the fixture (or listed as not from a header, or derived)', () => {
        const extra = headerExports(module).filter((k) => !(k in section));
        expect(extra).toEqual([]);
      });

      it('keeps exports that no header defines out of the fixture', () => {
        const listed = Object.keys(NOT_IN_HEADERS[module] ?? {});
        for (const k of listed) expect(k in exports, `${k} is exported`).toBe(true);
        expect(listed.filter((k) => k in section)).toEqual([]);
      });

      it.each(headerExports(module).filter((k) => k in section))('%s', (name) => {
        check(name, exports[name], section[name]);
      });
    });
  }
});

/** Objects of offsets plus size. */
function layouts(): [string, Record<string, number>][] {
  const out: [string, Record<string, number>][] = [];
  for (const [module, exports] of Object.entries(MODULES)) {
    for (const [name, v] of Object.entries(exports)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && 'size' in v) out.push([`${module}.${name}`, v as Record<string, number>]);
    }
  }
  return out;
}

describe('layouts', () => {
  it.each(layouts())('%s: offsets are whole numbers within size', (_name, layout) => {
    for (const [field, off] of Object.entries(layout)) {
      expect(Number.isInteger(off) && off >= 0, field).toBe(true);
      expect(off, field).toBeLessThanOrEqual(layout.size!);
    }
  });

  it('nests the x86_32 arch and time structures where xen.ts flattens them', () => {
    for (const [k, off] of Object.entries(arch.ARCH_SHARED_INFO)) {
      if (k !== 'size') expect(xen.SHARED_INFO[`arch_${k}` as keyof typeof xen.SHARED_INFO]).toBe(xen.SHARED_INFO.arch + off);
    }
    expect(xen.SHARED_INFO.size).toBe(xen.SHARED_INFO.arch + arch.ARCH_SHARED_INFO.size);
    for (const k of ['version', 'tsc_timestamp', 'system_time', 'tsc_to_system_mul', 'tsc_shift', 'flags'] as const) {
      expect(xen.VCPU_INFO[`time_${k}`]).toBe(xen.VCPU_INFO.time + xen.VCPU_TIME_INFO[k]);
    }
    expect(xen.VCPU_INFO.arch_cr2).toBe(xen.VCPU_INFO.arch + arch.ARCH_VCPU_INFO.cr2);
    expect(xen.VCPU_INFO.size).toBe(xen.VCPU_INFO.time + xen.VCPU_TIME_INFO.size);
    expect(xen.SHARED_INFO.evtchn_pending).toBe(xen.MAX_VIRT_CPUS * xen.VCPU_INFO.size);
    expect(xen.NR_EVENT_CHANNELS).toBe(xen.BITS_PER_EVTCHN_WORD ** 2);
  });
});

describe('x86_32 segments', () => {
  it("the flat selectors are Xen's reserved GDT entries 3 to 6 with RPL 1 or 3", () => {
    const entry = (sel: number): number => (sel >> 3) - arch.FIRST_RESERVED_GDT_ENTRY;
    expect([arch.FLAT_RING1_CS, arch.FLAT_RING1_DS, arch.FLAT_RING3_CS, arch.FLAT_RING3_DS].map(entry)).toEqual([3, 4, 5, 6]);
    expect([arch.FLAT_KERNEL_CS & 3, arch.FLAT_KERNEL_SS & 3, arch.FLAT_USER_CS & 3, arch.FLAT_USER_SS & 3]).toEqual([1, 1, 3, 3]);
  });
});

describe('values no header defines', () => {
  it('start_info magic strings fit start_info.magic with a NUL', () => {
    for (const magic of [xen.START_INFO_MAGIC_X86_32P, xen.START_INFO_MAGIC_X86_32]) {
      expect(magic).toMatch(/^xen-3\.0-x86_32p?$/);
      expect(magic.length).toBeLessThan(xen.START_INFO_MAGIC_LEN);
    }
  });

  it('the iret frame is EAX over an ordinary 32-bit iret frame', () => {
    const words = ['eax', 'eip', 'cs', 'eflags', 'esp', 'ss'] as const;
    words.forEach((w, i) => expect(arch.IRET_FRAME[w]).toBe(4 * i));
    expect(arch.IRET_FRAME.size).toBe(4 * words.length);
  });

  it('an e820 entry is packed: 8 + 8 + 4 bytes', () => {
    expect(memory.E820_ENTRY).toEqual({ size: 20, addr: 0, size_: 8, type: 16 });
    expect([memory.E820_RAM, memory.E820_RESERVED, memory.E820_ACPI, memory.E820_NVS, memory.E820_UNUSABLE]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('value-to-name tables', () => {
  it.each(NAME_TABLES.map((t) => [`${t.module}.${t.table}`, t] as const))('%s', (_name, spec) => {
    const exports = MODULES[spec.module]!;
    const table = exports[spec.table] as NameTable;
    expect(table, `${spec.table} is exported`).toBeDefined();
    for (const [value, name] of Object.entries(table)) {
      expect(exports[spec.prefix + name], `${spec.prefix}${name}`).toBe(Number(value));
    }
    for (const [k, v] of Object.entries(exports)) {
      if (typeof v !== 'number' || !k.startsWith(spec.prefix)) continue;
      const suffix = k.slice(spec.prefix.length);
      if (spec.exclude?.test(suffix)) continue;
      expect(table[v], `${k} has a name`).toBeDefined();
      if (table[v] !== suffix) expect(spec.aliases ?? [], `${k} is an alias of ${table[v]}`).toContain(suffix);
    }
  });

  it('names values, falling back to the number', () => {
    expect(hypercalls.hypercallName(23)).toBe('iret');
    expect(hypercalls.hypercallName(48)).toBe('mca');
    expect(hypercalls.hypercallName(11)).toBe('11');
    expect(errno.errnoName(-22)).toBe('-EINVAL');
    expect(errno.errnoName(-11)).toBe('-EAGAIN');
    expect(errno.errnoName(-35)).toBe('-EDEADLK');
    expect(errno.errnoName(0)).toBe('0');
    expect(errno.errnoName(22)).toBe('22');
    expect(errno.errnoName(-1000)).toBe('-1000');
    expect(nameOf(xen.VIRQ_NAMES, 16)).toBe('MCA');
    expect(nameOf(sched.SHUTDOWN_NAMES, 5)).toBe('soft_reset');
  });

  it('refuses a name without the prefix', () => {
    expect(() => nameTable('FOO_', { BAR_X: 1 })).toThrow(/BAR_X/);
  });
});
