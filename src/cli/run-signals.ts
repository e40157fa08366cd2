/**
 * Signal handling around a run (or a suite of runs): the first SIGINT/SIGTERM aborts the signal given to `work`
 * (the load stops, rollbacks run, the report is written, the stack is torn down); a second one kills every process
 * group and container at once and, before exiting, calls the writer the work registered through `onHardStop` (so an
 * interrupted run still leaves its report). A bug that escapes (a throw in a timer) must not leave the stack running.
 */
import { ExitCode } from '../common/errors.ts';
import { removeOwnContainersSync } from '../runtime/docker/container-remover.ts';
import { killOwnChildren } from '../runtime/run-registry.ts';
import type { CommandIo } from './commands.ts';

export async function withRunSignals<T>(io: CommandIo, what: string, work: (signal: AbortSignal, onHardStop: (write: () => void) => void) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let writeNow: (() => void) | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(`\ndrill: ${signal}: ${what} (again to kill at once)\n`);
      controller.abort(new Error(signal));
    } else {
      const killed = killOwnChildren() + removeOwnContainersSync();
      io.stderr.write(`drill: ${signal} again: killed ${killed} process group(s)\n`);
      try {
        writeNow?.();
      } catch (error) {
        io.stderr.write(`drill: could not write the interrupted report: ${(error as Error).message}\n`);
      }
      process.exit(ExitCode.Infrastructure);
    }
  };
  const onCrash = (error: unknown) => {
    const killed = killOwnChildren() + removeOwnContainersSync();
    io.stderr.write(`drill: internal error, killed ${killed} process group(s): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(ExitCode.Infrastructure);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    return await work(controller.signal, (write) => (writeNow = write));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}
