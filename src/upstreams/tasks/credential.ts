/**
 * The task host's credential is one unit: a bearer token and the project it is for
 * (`Authorization: Bearer …` + `X-Project-ID`, docs/upstreams.md §4). A caller brings both or
 * neither; its part is never combined with the server's, and a token header that is not a bearer
 * token is refused rather than replaced. With caller authentication on, `Authorization` carries
 * the caller's JWT, so a caller's task token travels in `X-Tasks-Authorization` instead.
 */
import { refusedCredential } from '../credential.ts';
import type { CredentialScheme, RequestAuth } from '../host.ts';

export interface TaskCredential {
  readonly token: string | null;
  readonly projectId: string | null;
}

const bearer = /^Bearer\s+(\S+)\s*$/i;

/** The request header a caller's task token comes in. */
function tokenHeader(auth: RequestAuth): string {
  return auth.enabled ? 'X-Tasks-Authorization' : 'Authorization';
}

export const taskCredential: CredentialScheme<TaskCredential> = {
  server: (settings) => {
    const token = settings['TASKS_API_TOKEN'] ?? null;
    const projectId = settings['TASKS_PROJECT_ID'] ?? null;
    return token === null && projectId === null ? null : { token, projectId };
  },
  caller: (headers, auth) => {
    const header = tokenHeader(auth);
    const authorization = headers(header)?.trim() || null;
    const projectId = headers('x-project-id')?.trim() || null;
    if (authorization === null && projectId === null) return null;
    if (authorization === null) return refusedCredential('tasks', `X-Project-ID was sent without ${header}: Bearer <token>`);
    const token = bearer.exec(authorization)?.[1];
    if (token === undefined) return refusedCredential('tasks', `${header} must be Bearer <token>`);
    if (projectId === null) return refusedCredential('tasks', `${header}: Bearer was sent without X-Project-ID`);
    return { token, projectId };
  },
  headers: (credential) => ({
    Authorization: credential?.token ? `Bearer ${credential.token}` : null,
    'X-Project-ID': credential?.projectId ?? null,
  }),
  parts: (credential) => [credential?.token ?? null, credential?.projectId ?? null],
};
