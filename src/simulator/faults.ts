/** Injected upstream failures: what proxies, overloaded hosts and broken networks do. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostName } from './hosts.ts';

export type Fault =
  /** Accept, never answer (until the simulator closes). */
  | { kind: 'hang' }
  /** An error status, e.g. 500/502/503; body defaults to `{"error":"<reason phrase>"}`. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** 429 with `Retry-After` and the eachlabs rate-limit body. */
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  /** 200 with `{"executions": [` (cut JSON). */
  | { kind: 'malformed-json' }
  /** 502 with a proxy's HTML page. */
  | { kind: 'html' }
  /** 200 with an empty body. */
  | { kind: 'empty' }
  /** A Content-Length larger than the bytes sent, then the socket ends. */
  | { kind: 'truncated' }
  /** 200 with valid JSON of the wrong shape. */
  | { kind: 'wrong-shape' }
  /** The socket is destroyed without an answer. */
  | { kind: 'reset' };

export interface FaultRule {
  fault: Fault;
  /** Only requests of this route key (see `hits()`); every route when absent. */
  route?: string;
  /** Apply to the next N matching requests only, then clear. */
  times?: number;
}

/** A rule as held per host: `remaining` counts down when `times` was given. */
interface ActiveFault {
  readonly rule: FaultRule;
  remaining: number | null;
}

function activate(rule: FaultRule): ActiveFault {
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
    throw new RangeError(`FaultRule.times must be an integer >= 1, got ${rule.times}`);
  }
  return { rule, remaining: rule.times ?? null };
}

/** The rule each host currently answers by, if any. */
export interface FaultBoard {
  /** The fault for a request of `route`, counted against `times`; null when none applies. */
  take(host: HostName, route: string): Fault | null;
  set(host: HostName, rule: FaultRule | null): void;
  clear(): void;
}

export function createFaultBoard(): FaultBoard {
  const faults = new Map<HostName, ActiveFault>();
  return {
    take: (host, route) => {
      const active = faults.get(host);
      if (!active || (active.rule.route !== undefined && active.rule.route !== route)) return null;
      if (active.remaining !== null) {
        active.remaining -= 1;
        if (active.remaining <= 0) faults.delete(host);
      }
      return active.rule.fault;
    },
    set: (host, rule) => {
      if (rule === null) faults.delete(host);
      else faults.set(host, activate(rule));
    },
    clear: () => faults.clear(),
  };
}

const proxyPage =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function send(res: ServerResponse, status: number, body: string, contentType: string, headers: Record<string, string> = {}): number {
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
  return status;
}

/** Answers (or refuses to) as the fault says; returns the status sent, 0 when none was. */
export function writeFault(fault: Fault, req: IncomingMessage, res: ServerResponse): number {
  const jsonType = 'application/json; charset=utf-8';
  switch (fault.kind) {
    case 'hang':
      return 0;
    case 'reset': {
      const socket = req.socket;
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      return 0;
    }
    case 'status': {
      const body = fault.body ?? JSON.stringify({ error: statusText(fault.status) });
      return send(res, fault.status, body, fault.contentType ?? jsonType);
    }
    case 'rate-limit': {
      const seconds = fault.retryAfterSeconds ?? 60;
      const body = JSON.stringify({ error: `Rate limit exceeded. Please retry after ${seconds} seconds.` });
      return send(res, 429, body, jsonType, { 'retry-after': String(seconds) });
    }
    case 'malformed-json':
      return send(res, 200, '{"executions": [', jsonType);
    case 'html':
      return send(res, 502, proxyPage, 'text/html');
    case 'empty':
      return send(res, 200, '', jsonType);
    case 'wrong-shape':
      return send(res, 200, JSON.stringify({ unexpected: true }), jsonType);
    case 'truncated': {
      const body = JSON.stringify({ executions: [{ execution_id: 'cut-off' }], total_count: 1 });
      const sent = body.slice(0, Math.floor(body.length / 2));
      res.writeHead(200, { 'content-type': jsonType, 'content-length': String(Buffer.byteLength(body) + 64) });
      res.write(sent, () => res.socket?.destroy());
      return 200;
    }
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    500: 'Internal server error',
    502: 'Bad gateway',
    503: 'Service unavailable',
    504: 'Gateway timeout',
  };
  return texts[status] ?? `HTTP ${status}`;
}
