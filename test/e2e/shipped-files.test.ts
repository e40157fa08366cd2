/**
 * What the repository ships stays true: every scenario in scenarios/ and playbook in drills/ validates, and the committed JSON Schemas
 * are the ones the zod definitions generate (run `npm run schema` after changing a format).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityJsonSchema, reportJsonSchema, scenarioJsonSchema, suiteJsonSchema } from '../../src/scenario/json-schema.ts';
import { loadScenarioFile } from '../../src/scenario/scenario-loader.ts';

describe('shipped files', () => {
  const scenarios = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));

  it.each(scenarios)('scenarios/%s is valid', async (file) => {
    const loaded = await loadScenarioFile(path.join('scenarios', file));
    expect(loaded.scenario.name).toBe(file.replace(/\.yaml$/, ''));
  });

  const drills = readdirSync('drills').filter((f) => f.endsWith('.yaml'));

  it.each(drills)('drills/%s is a valid playbook', async (file) => {
    const { scenario } = await loadScenarioFile(path.join('drills', file));
    expect(scenario.name).toBe(file.replace(/\.yaml$/, ''));
    expect(scenario.method.length).toBeGreaterThan(0);
    expect(scenario.steadyState.length).toBeGreaterThan(0);
  });

  it('schema/*.schema.json match the definitions', () => {
    const committed = (name: string) => JSON.parse(readFileSync(path.join('schema', name), 'utf8')) as unknown;
    expect(committed('scenario.schema.json')).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
    expect(committed('report.schema.json')).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
    expect(committed('suite.schema.json')).toEqual(JSON.parse(JSON.stringify(suiteJsonSchema())));
    expect(committed('capacity.schema.json')).toEqual(JSON.parse(JSON.stringify(capacityJsonSchema())));
  });
});
