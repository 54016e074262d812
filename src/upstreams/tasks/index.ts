/** The task host, as the registry composes it. Off until `TASKS_API_URL` is set. */
import type { Host } from '../host.ts';
import type { TasksClient, TasksLoaders } from '../session.ts';
import { createTasksClient } from './client.ts';
import { type TaskCredential, taskCredential } from './credential.ts';
import { createTasksLoaders } from './loaders.ts';

export const tasks: Host<'tasks', TaskCredential, TasksClient, TasksLoaders> = {
  name: 'tasks',
  variable: 'TASKS_API_URL',
  defaultUrl: null,
  settings: ['TASKS_API_TOKEN', 'TASKS_PROJECT_ID'],
  credential: taskCredential,
  client: createTasksClient,
  loaders: createTasksLoaders,
};
