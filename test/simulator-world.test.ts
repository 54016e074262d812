/**
 * The seeded world is frozen: tests, GraphiQL examples and benchmarks depend on its ids, so a
 * change to how it is built (say, splitting the builder into parts) must not move one draw of the
 * seeded generator. These digests were computed before the simulator's world was restructured;
 * a digest that changes means the world changed, not that the digest needs updating.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClock } from '../src/simulator/clock.ts';
import { createSimulatorData } from '../src/simulator/data.ts';
import { buildWorld, modelStateAt, taskStateAt, workflowStateAt, type World } from '../src/simulator/world/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** JSON with sorted object keys, Maps and Sets in iteration order, non-finite numbers as text. */
function canonical(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(String(value));
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Map) return `{"$map":${canonical([...value.entries()])}}`;
  if (value instanceof Set) return `{"$set":${canonical([...value])}}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, item]) => item !== undefined && typeof item !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Every fact of the world (the write functions aside). */
const worldDigest = (world: World) => sha256(canonical({ ...world, writes: undefined }));

/** The timeline functions over every fact at each instant. */
function statesDigest(world: World, times: readonly number[]): string {
  return sha256(
    canonical(
      times.map((now) => ({
        workflows: [...world.executions.values()].map((fact) => workflowStateAt(fact, now)),
        models: world.modelExecutions.map((fact) => modelStateAt(fact, now)),
        tasks: world.tasks.map((fact) => taskStateAt(fact, now)),
      })),
    ),
  );
}

/** What `sim.data` (and so the hosts' renderers) answers at each instant, as the wire would carry it. */
function dataDigest(world: World, seed: number, times: readonly number[]): string {
  const clock = createClock('manual', world.epoch);
  const data = createSimulatorData(world, seed, clock, () => 'http://127.0.0.1:1/v1');
  const executionIds = data.workflows.flatMap((workflow) => workflow.executionIds);
  const answers: unknown[] = [{ ...data }];
  let at = world.epoch;
  for (const now of times) {
    clock.advance(now - at);
    at = now;
    answers.push({
      workflows: executionIds.map((id) => [data.workflowExecution(id), data.workflowExecutionSummary(id), data.bulkExecution(id)]),
      models: data.modelExecutionList(),
      predictions: data.modelExecutionIds.map((id) => [data.modelExecution(id), data.prediction(id)]),
      tasks: data.taskExecutionIds.map((id) => data.taskExecution(id)),
    });
  }
  return sha256(JSON.stringify(answers));
}

/** The write endpoints draw from the same generator after the build: their results are frozen too. */
function applyWrites(world: World): unknown[] {
  const { epoch, picks, writes } = world;
  const results: unknown[] = [];
  for (const workflow of world.workflows) {
    const inputs = Object.fromEntries(writes.inputNames(workflow.id).map((name) => [name, `${name} of ${workflow.slug}`]));
    results.push(writes.trigger(workflow.id, inputs, epoch, { bulkId: null, versionId: null }).id);
  }
  const bulkId = writes.newBulkId();
  const first = world.workflows[0];
  if (!first) throw new Error('no workflows');
  const member = writes.trigger(first.id, { prompt: 'a bulk member' }, epoch, { bulkId, versionId: 'v7' });
  writes.addBulk({ workflowId: first.id, bulkId, executionIds: [member.id] });
  results.push(bulkId, member.id);
  results.push(writes.cancelPrediction(picks.modelExecutionRunning, epoch + 20_000));
  results.push(writes.cancelTask(picks.deepTaskChainLeaf, epoch + 1_000));
  results.push(writes.cancelTask(picks.queuedTask, epoch));
  results.push(writes.cancelTask(picks.completedTask, epoch));
  results.push(writes.cancelWorkflowExecution(picks.runningExecution, epoch + 30_000));
  results.push(writes.cancelWorkflowExecution(picks.completedImageExecution, epoch));
  return results;
}

const cases = [
  {
    seed: 1,
    epoch: Date.parse('2026-03-01T09:30:00.750Z'),
    digests: {
      world: 'fadebf1d6b1d9b3dca3b1a92f9b4664563043731099eaefb60e2a10188cddc7b',
      states: '82c534cdf997c601c87c9067c80e4732785aac493771d5d5ac25d814dbc79dd5',
      data: '20bc0c0618f49730f97944aea7760ee6e6d54bd6c30ccda428e6bf440ea707e6',
      writes: '09d87c53f0ceefdd98849c7fef23358d70ced6a5629871dfb19a84bb6e80aa79',
      afterWrites: 'd6caf650f1d21dbdc08272a1925ca619fd7d610c87342604429c7de0fb3762d0',
      afterWritesData: '59f5af3eb336c862ea9417bdc4fe5d5d28f37d4da42be4b4ed1a213c7d62f522',
    },
  },
  {
    seed: 7,
    epoch: Date.parse('2026-03-10T12:00:00Z'),
    digests: {
      world: '2c07a535d68283579dfa019378b91cd8425b885d315d54ad09feab616ed7c193',
      states: 'b2bfb9d5f4f15aa88d8d6795455ce49518fb238b8881b06c34a95399b8499f85',
      data: 'f992dec3ad8cb5e107f9540ec9ef7ca8e005800d3c34fc47edc42d87bb5a4da9',
      writes: '764e93cac7a24f344057c8593f75f7d9a7e0fca3a352b30d933e0c7532f3fb9b',
      afterWrites: '7d064784938eca2546a14d530c0a3b8b478715b063864c15c86253005393f515',
      afterWritesData: '8a4ee6775edb713a7bd50de2ddf4c1bc3cca0c5e5169bf032d77e203c31667a2',
    },
  },
];

describe('the seeded world (buildWorld) is byte-for-byte stable', () => {
  for (const { seed, epoch, digests } of cases) {
    const times = (world: World) => [world.epoch, world.epoch + MINUTE, world.epoch + HOUR];

    it(`seed ${seed}: facts, timelines and rendered answers keep their digests`, () => {
      const world = buildWorld(seed, epoch);
      expect({ world: worldDigest(world), states: statesDigest(world, times(world)), data: dataDigest(world, seed, times(world)) }).toEqual(
        {
          world: digests.world,
          states: digests.states,
          data: digests.data,
        },
      );
    });

    it(`seed ${seed}: the writes draw the same ids and leave the same world`, () => {
      const world = buildWorld(seed, epoch);
      const writes = sha256(canonical(applyWrites(world)));
      expect({ writes, afterWrites: worldDigest(world), afterWritesData: dataDigest(world, seed, times(world)) }).toEqual({
        writes: digests.writes,
        afterWrites: digests.afterWrites,
        afterWritesData: digests.afterWritesData,
      });
    });
  }

  it('two builds of one seed are equal, and another seed differs', () => {
    const epoch = Date.parse('2026-03-10T12:00:00Z');
    expect(worldDigest(buildWorld(3, epoch))).toBe(worldDigest(buildWorld(3, epoch)));
    expect(worldDigest(buildWorld(3, epoch))).not.toBe(worldDigest(buildWorld(4, epoch)));
  });
});
