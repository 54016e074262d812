/** The models host's per-request loaders: list pages and predictions (no batch read exists). */
import type { LoaderDeps } from '../host.ts';
import { perKeyLoader } from '../loader.ts';
import type { ModelsClient, ModelsLoaders } from '../session.ts';

export function createModelsLoaders(client: ModelsClient, { observer }: LoaderDeps): ModelsLoaders {
  return {
    page: perKeyLoader(observer, 'modelExecutionPage', client.listExecutions, { cacheKeyFn: (query) => JSON.stringify(query) }),
    prediction: perKeyLoader(observer, 'prediction', client.getPrediction),
  };
}
