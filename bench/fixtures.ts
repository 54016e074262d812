/**
 * The ids the workloads need, taken from the simulator's seeded data (laid out relative to its
 * start instant, so only the process that started it knows them). Pure: tests use it too.
 */
import type { SimulatorData } from '../src/simulator/index.ts';

export interface Fixtures {
  readonly urls: { readonly workflows: string; readonly flows: string; readonly models: string; readonly tasks: string };
  readonly credentials: { readonly apiKey: string; readonly tasksToken: string; readonly tasksProjectId: string };
  readonly bigWorkflowId: string;
  /** A completed execution with image steps and the workflow it belongs to. */
  readonly single: { readonly workflowId: string; readonly executionId: string };
  /** The workflow with the most model executions linked to a workflow execution. */
  readonly modelWorkflowId: string;
  readonly modelWorkflowLinked: number;
  readonly taskLeaf: string;
  /** Tasks from the leaf up to the root, leaf first. */
  readonly taskChain: readonly string[];
  readonly workflows: readonly { readonly id: string; readonly executions: number }[];
  readonly bulks: readonly { readonly workflowId: string; readonly bulkId: string }[];
  readonly taskExecutionIds: readonly string[];
}

/** What the workloads need of the data; `urls` and `credentials` come from the simulator itself. */
export function fixturesOf(data: SimulatorData): Omit<Fixtures, 'urls' | 'credentials'> {
  const executionId = data.picks.completedImageExecution;
  const owner = data.workflows.find((workflow) => workflow.executionIds.includes(executionId));
  if (!owner) throw new Error('no workflow owns the completed image execution');
  const linked = new Map<string, number>();
  for (const item of data.modelExecutionList()) {
    const workflowId = item['workflow_id'];
    if (typeof workflowId === 'string' && typeof item['workflow_execution_id'] === 'string') {
      linked.set(workflowId, (linked.get(workflowId) ?? 0) + 1);
    }
  }
  const [modelWorkflowId, modelWorkflowLinked] = [...linked].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
  const taskChain: string[] = [];
  for (let id: unknown = data.picks.deepTaskChainLeaf; typeof id === 'string' && taskChain.length < 50;) {
    taskChain.push(id);
    id = data.taskExecution(id)?.['parent_execution_id'];
  }
  return {
    bigWorkflowId: data.bigWorkflowId,
    single: { workflowId: owner.id, executionId },
    modelWorkflowId,
    modelWorkflowLinked,
    taskLeaf: data.picks.deepTaskChainLeaf,
    taskChain,
    workflows: data.workflows.map((workflow) => ({ id: workflow.id, executions: workflow.executionIds.length })),
    bulks: data.bulks.map(({ workflowId, bulkId }) => ({ workflowId, bulkId })),
    taskExecutionIds: data.taskExecutionIds,
  };
}
