/** The models host, as the registry composes it. */
import { apiKeyScheme } from '../credential.ts';
import type { Host } from '../host.ts';
import type { ModelsClient, ModelsLoaders } from '../session.ts';
import { createModelsClient } from './client.ts';
import { createModelsLoaders } from './loaders.ts';

export const models: Host<'models', string, ModelsClient, ModelsLoaders> = {
  name: 'models',
  variable: 'MODELS_API_URL',
  defaultUrl: 'https://api.eachlabs.ai/v1',
  settings: ['EACHLABS_API_KEY'],
  credential: apiKeyScheme({ requestHeader: 'x-api-key', upstreamHeader: 'X-API-Key', setting: 'EACHLABS_API_KEY' }),
  client: createModelsClient,
  loaders: createModelsLoaders,
};
