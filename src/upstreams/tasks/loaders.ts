/** The task host's per-request loader (no batch read exists). */
import type { LoaderDeps } from '../host.ts';
import { perKeyLoader } from '../loader.ts';
import type { TasksClient, TasksLoaders } from '../session.ts';

export function createTasksLoaders(client: TasksClient, { observer }: LoaderDeps): TasksLoaders {
  return { execution: perKeyLoader(observer, 'taskExecution', client.getExecution) };
}
