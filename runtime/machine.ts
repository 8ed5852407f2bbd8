// Putting a domain together: memory and vCPU (domain.ts), start of day (builder.ts), the
// hypercall table, trap routing, and the optional subsystems. `xenjit run` and the tests use it.
import { Domain, type DomainOptions } from './domain.ts';
import { buildDomain, type BootImage, type StartOfDay } from './builder.ts';
import { HypercallTable, type Hypercall } from './hypercalls/table.ts';
import { installTraps, type TrapBouncer } from './traps.ts';
import { runDomain, type RunLimits, type RunEnd, type Idler } from './run.ts';
import { consoleIo } from './hypercalls/console_io.ts';
import { schedOp } from './hypercalls/sched_op.ts';
import { xenVersion } from './hypercalls/xen_version.ts';
import { vmAssist } from './hypercalls/vm_assist.ts';

/** Hypercalls every domain has; subsystems add theirs through `plugins`. */
export const BASE_HYPERCALLS: Hypercall[] = [consoleIo, schedOp, xenVersion, vmAssist];

/** A subsystem: registers hypercalls and hooks itself into the domain. */
export interface Plugin {
  name: string;
  install(m: Machine): void;
}

export interface MachineOptions extends DomainOptions {
  plugins: Plugin[];
}

export class Machine {
  readonly domain: Domain;
  readonly hypercalls = new HypercallTable();
  bouncer: TrapBouncer | undefined;
  /** The grant table, when the grant plugin is installed. */
  grant: import('./grant/grant-table.ts').GrantTable | undefined;
  idler: Idler | undefined;
  startOfDay!: StartOfDay;
  /** Event channels the builder advertises for the store and the console. */
  storeEvtchn = 1;
  consoleEvtchn = 2;

  constructor(opts: MachineOptions) {
    this.domain = new Domain(opts);
    for (const h of BASE_HYPERCALLS) this.hypercalls.register(h);
    installTraps(this.domain, this.hypercalls, () => this.bouncer);
    for (const p of opts.plugins) p.install(this);
  }

  /** Subsystems' start-of-day work, run after the builder (e.g. typing the boot page tables). */
  readonly bootHooks: ((sod: StartOfDay) => void)[] = [];

  boot(img: BootImage): StartOfDay {
    this.startOfDay = buildDomain(this.domain, img, { store: this.storeEvtchn, console: this.consoleEvtchn });
    for (const h of this.bootHooks) h(this.startOfDay);
    return this.startOfDay;
  }

  run(limits: RunLimits): RunEnd {
    return runDomain(this.domain, limits, this.idler);
  }
}
