/**
 * Each call's budget (retries, backoff and body included) as an abort signal. The retry policy
 * runs inside undici, which hands it only the dispatch options: it finds the call's deadline
 * and attempt count through the signal among them.
 */

/** How one upstream call is going. */
export interface CallState {
  /** When the call must give up (epoch ms). */
  until: number;
  attempts: number;
  /** The last HTTP status received. */
  status: number | null;
  /** Aborts when the call's own budget runs out (not when its caller gives up). */
  deadline: AbortSignal | null;
}

export interface Deadlines {
  /** Starts `state`'s budget; the signal to send with aborts at the deadline or with the caller's. */
  start(state: CallState, callerSignal: AbortSignal | undefined): AbortSignal;
  /** The call a dispatch belongs to, through the signal it was sent with. */
  find(signal: object | null | undefined): CallState | undefined;
}

export function createDeadlines(deadlineMs: number): Deadlines {
  // Weak: a settled call's state goes with its signal.
  const calls = new WeakMap<object, CallState>();
  return {
    start(state, callerSignal) {
      const deadline = AbortSignal.timeout(deadlineMs);
      const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
      state.until = Date.now() + deadlineMs;
      state.deadline = deadline;
      calls.set(signal, state);
      return signal;
    },
    find: (signal) => (signal ? calls.get(signal) : undefined),
  };
}
