/** Hit counters by route key and the log of recent requests: how tests prove batching and headers. */
import type { IncomingMessage } from 'node:http';
import type { HostName } from './hosts.ts';

export interface RecordedRequest {
  host: HostName;
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Parsed JSON, raw text when not JSON, undefined when empty. */
  body: unknown;
  /** The status sent; 0 while pending or when none was sent (hang, reset). */
  status: number;
}

export const requestLogSize = 2000;

export interface Recorder {
  /** Counts a request under its route key and logs it; the caller fills in `body` and `status` later. */
  record(host: HostName, route: string, method: string, url: URL, req: IncomingMessage): RecordedRequest;
  hits(): Record<string, number>;
  totalHits(host?: HostName): number;
  /** The last `requestLogSize` requests, oldest first. */
  requests(): readonly RecordedRequest[];
  reset(): void;
}

export function createRecorder(): Recorder {
  const counts = new Map<string, number>();
  let log: RecordedRequest[] = [];
  return {
    record: (host, route, method, url, req) => {
      counts.set(route, (counts.get(route) ?? 0) + 1);
      const entry: RecordedRequest = {
        host,
        route,
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: flattenHeaders(req),
        body: undefined,
        status: 0,
      };
      log.push(entry);
      if (log.length > requestLogSize) log.splice(0, log.length - requestLogSize);
      return entry;
    },
    hits: () => Object.fromEntries(counts),
    totalHits: (host) => {
      let total = 0;
      for (const [key, count] of counts) if (host === undefined || key.startsWith(`${host} `)) total += count;
      return total;
    },
    requests: () => [...log],
    reset: () => {
      counts.clear();
      log = [];
    },
  };
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
