// The subsystems a domain gets by default, each in its own folder, installed as a Plugin
// (machine.ts).
import type { Plugin } from './machine.ts';
import { mmuPlugin } from './mmu/index.ts';
import { grantPlugin } from './grant/grant-table.ts';
import { trapsPlugin } from './traps/index.ts';
import { eventsPlugin } from './events/index.ts';
import { xenstorePlugin, type XenStorePluginOptions } from './xenstore/index.ts';

export interface DefaultPluginOptions { clock: 'host' | 'virtual'; xenstore?: XenStorePluginOptions; }

export function defaultPlugins(o: DefaultPluginOptions): Plugin[] {
  return [mmuPlugin, grantPlugin, trapsPlugin, eventsPlugin({ clock: o.clock }), xenstorePlugin(o.xenstore)];
}
