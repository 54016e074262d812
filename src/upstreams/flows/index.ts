/** The flows host (the bulk endpoint), as the registry composes it. */
import { apiKeyScheme } from '../credential.ts';
import type { Host } from '../host.ts';
import type { FlowsClient, FlowsLoaders } from '../session.ts';
import { createFlowsClient } from './client.ts';
import { createFlowsLoaders } from './loaders.ts';

export const flows: Host<'flows', string, FlowsClient, FlowsLoaders> = {
  name: 'flows',
  variable: 'FLOWS_API_URL',
  defaultUrl: 'https://flows.eachlabs.ai/api/v1',
  settings: ['EACHLABS_API_KEY'],
  credential: apiKeyScheme({ requestHeader: 'x-api-key', upstreamHeader: 'X-API-KEY', setting: 'EACHLABS_API_KEY' }),
  client: createFlowsClient,
  loaders: createFlowsLoaders,
};
