/**
 * Every GraphiQL example tab answers with data against the simulator, without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesFrom, graphiqlTabs } from '../src/graphiql.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('GraphiQL example tabs', () => {
  it('has the five examples', () => {
    expect(graphiqlTabs(examplesFrom(h.simulator.data))).toHaveLength(5);
  });
  for (const index of [0, 1, 2, 3, 4]) {
    it(`tab ${index + 1} answers with data and no errors`, async () => {
      const tab = graphiqlTabs(examplesFrom(h.simulator.data))[index]!;
      const { status, body } = await h.post({
        query: tab.query,
        variables: tab.variables ? JSON.parse(tab.variables) : undefined,
      });
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      const values = Object.values(body.data ?? {});
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(value).not.toBeNull();
    });
  }
});
