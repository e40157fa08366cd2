/** node:util parseArgs whose refusals (unknown option, missing value) are usage errors (exit 2), not crashes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../common/errors.ts';

export function parseOptions<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
      throw new UsageError(`${(error as Error).message}\n${usage}`, { cause: error });
    throw error;
  }
}
