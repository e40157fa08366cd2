/**
 * JSON Schemas generated from the zod definitions, so editors (yaml-language-server) complete and check
 * scenario files, and tools can check reports. Never edited by hand: `drill schema` rewrites them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { capacityReportSchema } from '../capacity/capacity-report-schema.ts';
import { reportSchema } from '../report/report-schema.ts';
import { suiteReportSchema } from '../report/suite-report.ts';
import { scenarioSchema } from './scenario-schema.ts';

export function scenarioJsonSchema(): unknown {
  return { title: 'drill scenario', ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) };
}

export function reportJsonSchema(): unknown {
  return { title: 'drill report', ...z.toJSONSchema(reportSchema, { io: 'output', unrepresentable: 'any' }) };
}

export function suiteJsonSchema(): unknown {
  return { title: 'drill monthly suite report', ...z.toJSONSchema(suiteReportSchema, { io: 'output', unrepresentable: 'any' }) };
}

export function capacityJsonSchema(): unknown {
  return { title: 'drill capacity report', ...z.toJSONSchema(capacityReportSchema, { io: 'output', unrepresentable: 'any' }) };
}

export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, unknown][] = [
    [path.join(dir, 'scenario.schema.json'), scenarioJsonSchema()],
    [path.join(dir, 'report.schema.json'), reportJsonSchema()],
    [path.join(dir, 'suite.schema.json'), suiteJsonSchema()],
    [path.join(dir, 'capacity.schema.json'), capacityJsonSchema()],
  ];
  for (const [file, schema] of files) await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`);
  return files.map(([file]) => file);
}
