/** `drill export k6` and `drill import k6`: the k6 interop commands, dispatched on their format argument. */
import { UsageError } from '../../common/errors.ts';
import type { CommandIo } from '../commands.ts';
import { exportK6, k6ExportUsage } from './k6-export-command.ts';
import { importK6, k6ImportUsage } from './k6-import-command.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const k6Usage = `${k6ExportUsage}${k6ImportUsage}`;

export const k6Export: Command = async ([format, ...rest], io) => {
  if (format !== 'k6') throw new UsageError(`drill export needs a format: k6, got ${format ? `"${format}"` : 'nothing'}\n${k6ExportUsage}`);
  return exportK6(rest, io);
};

export const k6Import: Command = async ([format, ...rest], io) => {
  if (format !== 'k6') throw new UsageError(`drill import needs a format: k6, got ${format ? `"${format}"` : 'nothing'}\n${k6ImportUsage}`);
  return importK6(rest, io);
};
