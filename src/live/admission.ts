/**
 * How many subscriptions may be open on this replica, in all and per caller
 * (`MAX_SUBSCRIPTIONS`, `MAX_SUBSCRIPTIONS_PER_CALLER`). A slot is taken before anything else
 * happens (no upstream call, no watcher), and given back when the subscription ends, however it
 * ends: one client cannot open thousands of streams, nor start a poller per id it invents.
 */
import { tooManySubscriptions } from '../errors.ts';

export interface AdmissionLimits {
  /** Open subscriptions on this replica. */
  readonly max: number;
  /** Open subscriptions of one caller (`callerKeyOf` in src/plugins/rate-limit.ts says who that is). */
  readonly perCaller: number;
}

export interface Admission {
  /** A slot for one more subscription of `caller`, else TOO_MANY_SUBSCRIPTIONS. The returned release is idempotent. */
  admit(caller: string): () => void;
  /** Slots taken, and by how many callers. */
  stats(): { readonly open: number; readonly callers: number };
}

export function createAdmission(limits: AdmissionLimits): Admission {
  const byCaller = new Map<string, number>();
  let open = 0;
  return {
    admit: (caller) => {
      const mine = byCaller.get(caller) ?? 0;
      if (mine >= limits.perCaller)
        throw tooManySubscriptions(`At most ${limits.perCaller} subscriptions may be open per caller: end one first`);
      if (open >= limits.max)
        throw tooManySubscriptions(`This server holds its maximum of ${limits.max} open subscriptions: try again later`);
      byCaller.set(caller, mine + 1);
      open++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        open--;
        const left = (byCaller.get(caller) ?? 1) - 1;
        if (left === 0) byCaller.delete(caller);
        else byCaller.set(caller, left);
      };
    },
    stats: () => ({ open, callers: byCaller.size }),
  };
}
