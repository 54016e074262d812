/** The workflows host's per-request loaders: execution details, list pages and workflows. */
import type DataLoader from 'dataloader';
import type * as model from '../../model.ts';
import { perKeyLoader } from '../loader.ts';
import type { LoaderDeps } from '../host.ts';
import type { WorkflowsClient, WorkflowsLoaders } from '../session.ts';

export function createWorkflowsLoaders(client: WorkflowsClient, { observer }: LoaderDeps): WorkflowsLoaders {
  // Asked by slug, a workflow is cached under its uuid too (and the slug by uuid), so links that
  // name it either way (an execution names its uuid) share the one call.
  const workflow: DataLoader<string, model.Workflow> = perKeyLoader(observer, 'workflow', async (idOrSlug: string) => {
    const found = await client.getWorkflow(idOrSlug);
    for (const key of [found.workflowId, found.slug]) if (key && key !== idOrSlug) workflow.prime(key, found);
    return found;
  });
  return {
    workflow,
    // No batch endpoint keyed by execution alone (the bulk one needs the workflow).
    detail: perKeyLoader(observer, 'workflowExecutionDetail', client.getExecution),
    page: perKeyLoader(observer, 'workflowExecutionPage', client.listExecutions, {
      cacheKeyFn: (query) => JSON.stringify([query.workflowId, query.bulkId ?? null, query.offset, query.limit]),
    }),
  };
}
