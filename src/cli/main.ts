/**
 * The `drill` command line. Thin: parses arguments, calls the library, maps errors to exit codes
 * (0 pass, 1 SLO breached, 2 bad input or usage, 3 harness or infrastructure failure).
 */
import { DrillError, ExitCode, UsageError } from '../common/errors.ts';
import { commands, usage } from './commands.ts';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? ExitCode.Pass : ExitCode.BadInput;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) throw new UsageError(`unknown command "${name}"; run \`drill --help\``);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(usage());
    return ExitCode.Pass;
  }
  try {
    return await command(rest, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
  } catch (error) {
    // node:util parseArgs rejects an unknown or malformed option with a TypeError: that is a usage error.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new UsageError(`${(error as Error).message.split(/\.\s/)[0]}; run \`drill ${name} --help\``, { cause: error });
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof DrillError) {
      process.stderr.write(`drill: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      process.stderr.write(`drill: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = ExitCode.Infrastructure;
    }
  },
);
