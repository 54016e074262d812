/**
 * Child process: the simulated upstreams with a fixed latency (SIMULATOR_LATENCY_MS), their
 * hit counters over IPC, and the ids the workloads need (the seeded data is laid out
 * relative to the start instant, so only this process knows them).
 */
import { startSimulator, type SimulatorData } from '../src/simulator/index.ts';
import { serve } from './ipc.ts';

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

export interface Hits {
  readonly total: number;
  readonly byRoute: Record<string, number>;
}

function fixtures(data: SimulatorData): Omit<Fixtures, 'urls' | 'credentials'> {
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
  for (let id: unknown = data.picks.deepTaskChainLeaf; typeof id === 'string' && taskChain.length < 50; ) {
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

const latencyMs = Number(process.env['SIMULATOR_LATENCY_MS'] ?? 0);
const simulator = await startSimulator({ latencyMs });
serve<Fixtures>(
  { urls: simulator.urls, credentials: simulator.credentials, ...fixtures(simulator.data) },
  {
    hits: (): Hits => ({ total: simulator.totalHits(), byRoute: simulator.hits() }),
    reset: () => simulator.resetHits(),
    latency: (ms) => simulator.setLatency(Number(ms)),
  },
  () => simulator.close(),
);
