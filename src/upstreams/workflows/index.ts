/** The workflows host, as the registry composes it. */
import { apiKeyScheme } from '../credential.ts';
import type { Host } from '../host.ts';
import type { WorkflowsClient, WorkflowsLoaders } from '../session.ts';
import { createWorkflowsClient } from './client.ts';
import { createWorkflowsLoaders } from './loaders.ts';

export const workflows: Host<'workflows', string, WorkflowsClient, WorkflowsLoaders> = {
  name: 'workflows',
  variable: 'WORKFLOWS_API_URL',
  defaultUrl: 'https://workflows.eachlabs.run/api/v1',
  settings: ['EACHLABS_API_KEY'],
  credential: apiKeyScheme({ requestHeader: 'x-api-key', upstreamHeader: 'X-API-Key', setting: 'EACHLABS_API_KEY' }),
  client: createWorkflowsClient,
  loaders: createWorkflowsLoaders,
};
