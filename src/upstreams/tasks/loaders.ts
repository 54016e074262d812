/** The task host's per-request loaders: executions (no batch read exists) and runs list pages. */
import type { LoaderDeps } from '../host.ts';
import { perKeyLoader } from '../loader.ts';
import type { TasksClient, TasksLoaders } from '../session.ts';

export function createTasksLoaders(client: TasksClient, { observer }: LoaderDeps): TasksLoaders {
  return {
    execution: perKeyLoader(observer, 'taskExecution', client.getExecution),
    runs: perKeyLoader(observer, 'taskRunsPage', client.listRuns, { cacheKeyFn: (query) => JSON.stringify(query) }),
  };
}
