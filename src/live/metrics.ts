/**
 * Live updates in Prometheus: whether the replicas share work (Redis reachable), the watchers
 * and how many of them poll, and the subscription slots taken.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Live } from './index.ts';

export function registerLiveMetrics(live: Live, registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: 'gateway_live_bus_degraded',
    help: '1 while Redis is unreachable and every replica polls what it watches on its own; 0 otherwise (and without Redis)',
    registers,
    collect() {
      this.set(live.health().degraded ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gateway_live_watchers',
    help: 'Shared watchers on this replica (one per watched thing and credential), and how many of them poll',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const { watching, polling } = live.watches.stats();
      this.set({ state: 'watching' }, watching);
      this.set({ state: 'polling' }, polling);
    },
  });
  new Gauge({
    name: 'gateway_subscription_slots',
    help: 'Open subscriptions counted against MAX_SUBSCRIPTIONS on this replica',
    registers,
    collect() {
      this.set(live.admission.stats().open);
    },
  });
}
