import { UsageError } from '../../common/errors.ts';
import type { CommandIo } from '../commands.ts';
export const k6ImportUsage = '';
export async function importK6(_args: string[], _io: CommandIo): Promise<number> {
  throw new UsageError('todo');
}
