/** `drill report html REPORT.json [--out FILE]`: the HTML page of a finished run, from its report.json. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { readReportFile } from '../../report/report-file.ts';
import type { CommandIo } from '../commands.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const reportUsage = `  drill report html REPORT.json    write the run's HTML page (default: report.html beside REPORT.json)
      --out FILE                   write it here instead
`;

export const report: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  const [kind, file, ...rest] = positionals;
  if (kind !== 'html') throw new UsageError(`drill report takes a page kind, html, got ${kind ? `"${kind}"` : 'none'}: drill report html REPORT.json`);
  if (!file || rest.length) throw new UsageError('drill report html takes exactly one report.json');
  const input = path.resolve(io.cwd, file);
  const parsed = await readReportFile(input);
  const { renderRunPage } = await import('../../report/html/run-page.ts');
  const out = values.out ? path.resolve(io.cwd, values.out) : path.join(path.dirname(input), 'report.html');
  const html = renderRunPage(parsed);
  await writeFile(out, html);
  io.stdout.write(`wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB)\n`);
  return ExitCode.Pass;
};
