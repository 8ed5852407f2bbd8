// Host-time sampling of our own thread through node:inspector's CPU profiler (the same
// sampler Chrome DevTools uses). The in-process session answers synchronously, so a profile
// can bracket a synchronous guest run.
import { Session } from 'node:inspector';

export interface CallFrame { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number; }
export interface ProfileNode {
  id: number; callFrame: CallFrame; hitCount?: number; children?: number[];
  /** Samples per source line (1-based lines of the script) while this node was on top. */
  positionTicks?: { line: number; ticks: number }[];
}
/** V8's CPU profile: the call tree, and the sampled top node with the time since the previous sample. */
export interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[]; }

export class Sampler {
  private session = new Session();

  /** Start sampling every `intervalUs` microseconds. */
  start(intervalUs: number): void {
    this.session.connect();
    this.post('Profiler.enable');
    this.post('Profiler.setSamplingInterval', { interval: Math.max(1, Math.round(intervalUs)) });
    this.post('Profiler.start');
  }

  stop(): CpuProfile {
    const r = this.post('Profiler.stop') as { profile: CpuProfile };
    this.post('Profiler.disable');
    this.session.disconnect();
    return r.profile;
  }

  private post(method: string, params?: object): unknown {
    let done = false, result: unknown, error: Error | null = null;
    this.session.post(method, params ?? {}, (e, r) => { done = true; error = e; result = r; });
    if (!done) throw new Error(`inspector: ${method} did not answer synchronously`);
    if (error) throw error;
    return result;
  }
}
