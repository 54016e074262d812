/** The four simulated hosts, and where each one's API lives under its origin. */
export type HostName = 'workflows' | 'flows' | 'models' | 'tasks';
export const hostNames: readonly HostName[] = ['workflows', 'flows', 'models', 'tasks'];

/** The base URL as the gateway config expects it (see CONTRACT.md "Environment"). */
export function baseUrl(host: HostName, origin: string): string {
  if (host === 'workflows' || host === 'flows') return `${origin}/api/v1`;
  return host === 'models' ? `${origin}/v1` : origin;
}
