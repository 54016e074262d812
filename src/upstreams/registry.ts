/**
 * The registry: the hosts the gateway speaks to, in the order their loaders may lean on each
 * other (flows falls back on workflows). Adding a host is one folder and one line here.
 */
import { flows } from './flows/index.ts';
import type { AnyHost } from './host.ts';
import { models } from './models/index.ts';
import { tasks } from './tasks/index.ts';
import { workflows } from './workflows/index.ts';

export const defaultHosts = [workflows, flows, models, tasks] as const satisfies readonly AnyHost[];
