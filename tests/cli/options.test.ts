// The run/profile command lines' JIT options: in range they reach the JIT options, out of range
// they are a clear error (a GuestError the command reports with a nonzero exit).
import { describe, it, expect } from 'vitest';
import { guestOptionsFrom } from '../../src/cli/run.ts';

const base = { memory: '16', cmdline: '', clock: 'virtual' };

describe('JIT options on the command line', () => {
  it('passes --tier-up, --region-at and --regrow-at through', () => {
    expect(guestOptionsFrom({ ...base, tierUp: '0', regionAt: '40', regrowAt: '0' }).jit).toEqual({ tierUp: 0, regionAt: 40, regrowAt: 0 });
    expect(guestOptionsFrom({ ...base, sparseTierUp: '1000' }).jit).toEqual({ sparseTierUp: 1000 });
    expect(() => guestOptionsFrom({ ...base, sparseTierUp: '-1' })).toThrow('--sparse-tier-up must be an integer from 0 to 1073741824, not -1');
    expect(guestOptionsFrom({ ...base, regrowAt: '1000' }).jit).toEqual({ regrowAt: 1000 });
    expect(guestOptionsFrom(base).jit).toEqual({});
    expect(guestOptionsFrom({ ...base, wasmFirstRun: false }).jit).toEqual({ wasmFirstRun: false });
    expect(guestOptionsFrom({ ...base, wasmFirstRun: true }).jit).toEqual({});
  });
  it('rejects values that are not integers in range, naming the flag', () => {
    expect(() => guestOptionsFrom({ ...base, regrowAt: '-1' })).toThrow(/--regrow-at must be an integer from 0 to \d+, not -1/);
    expect(() => guestOptionsFrom({ ...base, regrowAt: 'many' })).toThrow(/--regrow-at .* not many/);
    expect(() => guestOptionsFrom({ ...base, regionAt: '0' })).toThrow(/--region-at must be an integer from 1/);
  });
});
