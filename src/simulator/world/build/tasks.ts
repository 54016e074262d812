/**
 * The Polos task executions of the seeded world, scene by scene: a live deep chain, a finished
 * batch, a failed chain, cancellations, a run waiting on a human, queued and claimed runs, filler.
 */
import { HOUR, MINUTE, SECOND } from '../time.ts';
import type { TaskFact, TaskStatus } from '../tasks.ts';
import type { Draft } from './draft.ts';

export interface TaskPicks {
  /** Leaf of a task chain of depth >= 5 (root → … → leaf). */
  readonly deepTaskChainLeaf: string;
  readonly deepTaskChainRoot: string;
  /** Queued at start, then claimed, running and completed. */
  readonly queuedTask: string;
  readonly completedTask: string;
  readonly failedTask: string;
  readonly cancelledTask: string;
  readonly pendingCancelTask: string;
  readonly waitingTask: string;
}

/** A task as a scene describes it; the rest are defaults. */
type TaskSketch = Partial<TaskFact> & Pick<TaskFact, 'workflowId' | 'phases' | 'payload'>;
/** Records a task in the draft: draws its id and worker, fills the defaults. */
type MakeTask = (sketch: TaskSketch) => TaskFact;

/** Lays out every task execution, the scenes in a fixed order. */
export function layOutTasks(draft: Draft): TaskPicks {
  const deploymentId = `deploy-2026-02-20-${draft.rng.hex(6)}`;
  const task = taskMaker(draft, deploymentId);
  const chain = deepChain(draft, task);
  const completedTask = batchRun(draft, task);
  const failedTask = failedChain(draft, task);
  const { cancelledTask, pendingCancelTask } = cancellations(draft, task);
  const waitingTask = waitingOnHuman(draft, task);
  const queuedTask = queuedAndClaimed(draft, task);
  pastFiller(draft, task, deploymentId, 8);
  const chainRoot = chain[0];
  const chainLeaf = chain[chain.length - 1];
  if (!chainRoot || !chainLeaf || !completedTask) throw new Error('fixture invariant: task picks missing');
  return {
    deepTaskChainLeaf: chainLeaf.id,
    deepTaskChainRoot: chainRoot.id,
    queuedTask: queuedTask.id,
    completedTask: completedTask.id,
    failedTask: failedTask.id,
    cancelledTask: cancelledTask.id,
    pendingCancelTask: pendingCancelTask.id,
    waitingTask: waitingTask.id,
  };
}

function taskMaker({ rng, tasks }: Draft, deploymentId: string): MakeTask {
  return (sketch) => {
    const fact: TaskFact = {
      id: rng.uuid(),
      queueName: sketch.workflowId,
      result: null,
      error: null,
      retryCount: 0,
      worker: `worker-${rng.hex(8)}`,
      batchId: null,
      concurrencyKey: null,
      deploymentId,
      sessionId: null,
      stepKey: null,
      userId: null,
      outputSchemaName: null,
      runTimeoutSeconds: 3600,
      cancelledBy: null,
      parentId: null,
      rootId: null,
      ...sketch,
    };
    tasks.push(fact);
    return fact;
  };
}

/** Queued, claimed and running, then `final` at `end`; each wait is a waiting spell while running. */
function lifecycle(created: number, end: number, final: TaskStatus, waits: readonly [number, number][] = []): TaskFact['phases'] {
  const phases: { at: number; status: TaskStatus }[] = [
    { at: created, status: 'queued' },
    { at: created + 150, status: 'claimed' },
    { at: created + 400, status: 'running' },
  ];
  for (const [from, until] of waits) phases.push({ at: from, status: 'waiting' }, { at: until, status: 'running' });
  phases.push({ at: end, status: final });
  return phases;
}

/** A live chain of depth 6: each ancestor waits for its child, then finishes shortly after it. */
function deepChain({ rng, epoch }: Draft, task: MakeTask): TaskFact[] {
  const chainNames = ['research-agent', 'plan-research', 'web-search-tool', 'fetch-page', 'extract-facts', 'summarize-findings'];
  const chainStart = epoch - 20 * SECOND + rng.int(0, 999);
  const leafEnd = epoch + 40 * SECOND + rng.int(0, 999);
  const sessionId = rng.uuid();
  const chain: TaskFact[] = [];
  chainNames.forEach((workflowId, depth) => {
    const created = chainStart + depth * 2 * SECOND + rng.int(0, 300);
    const isLeaf = depth === chainNames.length - 1;
    const childCreated = chainStart + (depth + 1) * 2 * SECOND;
    const end = leafEnd + (chainNames.length - 1 - depth) * 1500;
    const parent = chain[depth - 1];
    chain.push(
      task({
        workflowId,
        queueName: depth === 0 ? 'agents' : workflowId,
        phases: lifecycle(created, end, 'completed', isLeaf ? [] : [[childCreated + 50, end - 1000]]),
        payload:
          depth === 0
            ? { question: 'What changed in EU AI regulation in 2026?', depth: 'thorough' }
            : depth === 2
              ? ['EU AI Act 2026 amendments', 'AI Office guidance']
              : { from: parent?.workflowId ?? null, index: depth },
        result: isLeaf
          ? 'The 2026 amendments phase in obligations for general-purpose models.'
          : depth === 0
            ? { summary: 'Obligations phase in through 2027.', sources: 4 }
            : { ok: true, depth },
        sessionId,
        userId: 'user_2f9c41',
        stepKey: depth === 0 ? null : `${workflowId.replace(/-/g, '_')}_0`,
        parentId: parent?.id ?? null,
        rootId: chain[0]?.id ?? null,
        outputSchemaName: depth === 0 ? 'ResearchReport' : null,
        concurrencyKey: depth === 0 ? 'user:2f9c41' : null,
        runTimeoutSeconds: depth === 0 ? 3600 : 300,
      }),
    );
  });
  return chain;
}

/** A finished batch run: a root that fanned out three children with one shared batch id; the first child. */
function batchRun({ rng, epoch }: Draft, task: MakeTask): TaskFact | undefined {
  const batchRootCreated = epoch - 5 * HOUR + rng.int(0, 999);
  const batchRoot = task({
    workflowId: 'report-pipeline',
    phases: lifecycle(batchRootCreated, batchRootCreated + 95 * SECOND, 'completed', [
      [batchRootCreated + 2 * SECOND, batchRootCreated + 90 * SECOND],
    ]),
    payload: { report: 'weekly-metrics', week: 9 },
    result: { url: 'https://reports.example.com/weekly-metrics/2026-w09.pdf', pages: 12 },
    userId: 'user_8a1d07',
    sessionId: rng.uuid(),
    outputSchemaName: 'ReportLink',
  });
  const batchId = rng.uuid();
  const batchResults: unknown[] = [1284, ['mrr', 'churn', 'nps'], true];
  return batchResults.map((result, i) =>
    task({
      workflowId: ['count-signups', 'list-metrics', 'check-thresholds'][i] ?? 'count-signups',
      queueName: 'reports',
      phases: lifecycle(batchRootCreated + 2 * SECOND + i * 37, batchRootCreated + (30 + i * 20) * SECOND, 'completed'),
      payload: i === 0 ? 'signups' : i === 1 ? { period: '2026-W09' } : 42,
      result,
      retryCount: i === 1 ? 1 : 0,
      batchId,
      stepKey: `batch_${i}`,
      parentId: batchRoot.id,
      rootId: batchRoot.id,
      concurrencyKey: 'tenant-acme',
      runTimeoutSeconds: null,
    }),
  )[0];
}

/** A failed chain: the child exhausted its retries, so the root failed too; the child. */
function failedChain({ rng, epoch }: Draft, task: MakeTask): TaskFact {
  const failedRootCreated = epoch - 9 * HOUR + rng.int(0, 999);
  const failedRoot = task({
    workflowId: 'ingest-documents',
    phases: lifecycle(failedRootCreated, failedRootCreated + 70 * SECOND, 'failed', [
      [failedRootCreated + SECOND, failedRootCreated + 65 * SECOND],
    ]),
    payload: { bucket: 's3://acme-inbox', prefix: '2026/02/' },
    error: "Child execution 'parse-pdf' failed after 2 retries",
    deploymentId: null,
  });
  return task({
    workflowId: 'parse-pdf',
    phases: lifecycle(failedRootCreated + SECOND, failedRootCreated + 64 * SECOND, 'failed'),
    payload: 's3://acme-inbox/2026/02/scan-0042.pdf',
    error: 'PdfParseError: unexpected end of stream at byte 48213',
    retryCount: 2,
    stepKey: 'parse_pdf_0',
    parentId: failedRoot.id,
    rootId: failedRoot.id,
    deploymentId: null,
  });
}

/**
 * Cancelled by a user (descendants follow), one still waiting for its worker to confirm, and one
 * the system cancelled at its run timeout.
 */
function cancellations({ rng, epoch }: Draft, task: MakeTask): { cancelledTask: TaskFact; pendingCancelTask: TaskFact } {
  const cancelCreated = epoch - 3 * HOUR + rng.int(0, 999);
  const cancelledTask = task({
    workflowId: 'translate-batch',
    phases: [
      ...lifecycle(cancelCreated, cancelCreated + 20 * SECOND, 'pending_cancel'),
      { at: cancelCreated + 21 * SECOND, status: 'cancelled' },
    ],
    payload: { languages: ['de', 'fr', 'tr'], document_id: 'doc_5521' },
    cancelledBy: 'manual',
    userId: 'user_77b2e0',
  });
  task({
    workflowId: 'translate-document',
    phases: [
      ...lifecycle(cancelCreated + SECOND, cancelCreated + 20 * SECOND, 'pending_cancel'),
      { at: cancelCreated + 22 * SECOND, status: 'cancelled' },
    ],
    payload: { language: 'de', document_id: 'doc_5521' },
    cancelledBy: 'manual',
    stepKey: 'translate_de',
    parentId: cancelledTask.id,
    rootId: cancelledTask.id,
  });
  const pendingCreated = epoch - 4 * MINUTE + rng.int(0, 999);
  const pendingCancelTask = task({
    workflowId: 'video-render',
    queueName: 'gpu',
    phases: lifecycle(pendingCreated, epoch - 30 * SECOND, 'pending_cancel'),
    payload: { scene: 'intro', fps: 30 },
    cancelledBy: 'manual',
    concurrencyKey: 'gpu-a100',
    runTimeoutSeconds: 900,
  });
  const timeoutCreated = epoch - 26 * HOUR + rng.int(0, 999);
  task({
    workflowId: 'video-render',
    queueName: 'gpu',
    phases: lifecycle(timeoutCreated, timeoutCreated + 900 * SECOND, 'cancelled'),
    payload: { scene: 'outro', fps: 60 },
    cancelledBy: 'system',
    runTimeoutSeconds: 900,
  });
  return { cancelledTask, pendingCancelTask };
}

/** Waiting on a human approval with no end in sight. */
function waitingOnHuman({ rng, epoch }: Draft, task: MakeTask): TaskFact {
  const waitingCreated = epoch - 45 * MINUTE + rng.int(0, 999);
  return task({
    workflowId: 'approval-agent',
    queueName: 'agents',
    phases: [...lifecycle(waitingCreated, Infinity, 'completed').slice(0, 3), { at: waitingCreated + 3 * SECOND, status: 'waiting' }],
    payload: { request: 'refund', amount: 129.5, currency: 'EUR' },
    sessionId: rng.uuid(),
    userId: 'user_c0ffee',
    outputSchemaName: 'ApprovalDecision',
  });
}

/** Queued now, claimed and run shortly after; and one claimed now (picked up, not started). The queued one. */
function queuedAndClaimed({ rng, epoch }: Draft, task: MakeTask): TaskFact {
  const queuedCreated = epoch - 800 + rng.int(0, 300);
  const queuedTask = task({
    workflowId: 'send-digest-email',
    queueName: 'email',
    phases: [
      { at: queuedCreated, status: 'queued' },
      { at: epoch + 5 * SECOND, status: 'claimed' },
      { at: epoch + 8 * SECOND, status: 'running' },
      { at: epoch + 30 * SECOND, status: 'completed' },
    ],
    payload: { to: 'team@example.com', template: 'daily-digest' },
    result: 'queued-for-delivery',
    concurrencyKey: 'email-provider',
  });
  const claimedCreated = epoch - 2 * SECOND + rng.int(0, 300);
  task({
    workflowId: 'resize-images',
    phases: [
      { at: claimedCreated, status: 'queued' },
      { at: claimedCreated + 500, status: 'claimed' },
      { at: epoch + 10 * SECOND, status: 'running' },
      { at: epoch + 50 * SECOND, status: 'completed' },
    ],
    payload: [640, 1280, 1920],
    result: { resized: 3 },
    runTimeoutSeconds: null,
  });
  return queuedTask;
}

/** Finished runs of the last three days, most completed, the rest failed on a timeout. */
function pastFiller({ rng, epoch }: Draft, task: MakeTask, deploymentId: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const created = epoch - rng.int(1, 72) * HOUR - rng.int(0, 3599) * SECOND;
    const ok = rng.chance(0.75);
    const results: unknown[] = [{ rows: rng.int(10, 5000) }, 'done', rng.int(1, 99), [rng.hex(4), rng.hex(4)], false];
    task({
      workflowId: rng.pick(['sync-crm', 'score-leads', 'cleanup-temp-files']),
      phases: lifecycle(created, created + rng.int(2, 120) * SECOND, ok ? 'completed' : 'failed'),
      payload: rng.chance(0.5) ? { batch: rng.int(1, 40) } : `job-${rng.hex(6)}`,
      result: ok ? rng.pick(results) : null,
      error: ok ? null : 'TimeoutError: upstream CRM did not answer within 30s',
      retryCount: ok ? rng.int(0, 1) : 2,
      userId: rng.chance(0.5) ? `user_${rng.hex(6)}` : null,
      deploymentId: rng.chance(0.8) ? deploymentId : null,
    });
  }
}
