// The terminal as the guest's console, as `xl console` gives it: when stdin is a terminal it is
// put in raw mode and every byte typed goes to the console ring (Ctrl-C included, for the
// guest); Ctrl-] is the escape: once asks the guest to power off (control/shutdown), twice
// stops the emulator.
import type { ConsoleRing } from '../../runtime/events/console-ring.ts';

export const ESCAPE = 0x1d; // Ctrl-]

export interface TtyConsole { detach(): void }

/** Attach the terminal to `ring`; `onEscape` gets the count of Ctrl-] presses so far. */
export function attachTty(ring: ConsoleRing, onEscape: (n: number) => void): TtyConsole | undefined {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  let escapes = 0;
  stdin.setRawMode(true);
  const onData = (b: Buffer): void => {
    const keep: number[] = [];
    for (const x of b) {
      if (x === ESCAPE) onEscape(++escapes);
      else keep.push(x);
    }
    if (keep.length) ring.queueInput(Uint8Array.from(keep));
  };
  stdin.on('data', onData);
  stdin.resume();
  return {
    detach(): void {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}
