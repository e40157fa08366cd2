/**
 * `drill toxiproxy`: the embedded fault server on its own, a drop-in for the real `toxiproxy-server` in scripts.
 * It takes the real binary's flags, spelled as Go's flag package reads them (`-port 8474`, `--port=8474`,
 * `-proxy-metrics`, `-proxy-metrics=false`), with its defaults (host localhost, port 8474), plus drill's own.
 */
import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { createLogger, type LogLevel } from '../../common/logger.ts';
import type { CommandIo } from '../commands.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const toxiproxyUsage = `  drill toxiproxy [options]        serve the Toxiproxy HTTP API (drill's embedded fault server) until Ctrl-C
      -host HOST                   API host: localhost (default) or 127.0.0.1; nothing else is bound
      -port PORT                   API port (default 8474; 0 picks a free one)
      -config FILE                 create the proxies of this JSON file (a POST /populate body) at startup
      -seed N                      seed of jitter, toxicity and loss draws (default random)
      -proxy-metrics               accepted: drill's server always serves GET /metrics
      -runtime-metrics             accepted: drill's server has no Go runtime metrics to add
      -version                     print the version and exit
      --allow-non-loopback         let proxies dial upstreams outside loopback (refused at connect time otherwise)
      --log-level LEVEL            debug | info | warn | error (default info; logs go to stderr)
`;

const BOOLEANS = ['proxy-metrics', 'runtime-metrics', 'version', 'allow-non-loopback'];
const OPTIONS = {
  host: { type: 'string', default: 'localhost' },
  port: { type: 'string', default: '8474' },
  config: { type: 'string' },
  seed: { type: 'string' },
  'log-level': { type: 'string', default: 'info' },
  'proxy-metrics': { type: 'boolean' },
  'runtime-metrics': { type: 'boolean' },
  version: { type: 'boolean' },
  'allow-non-loopback': { type: 'boolean' },
} as const;

/**
 * Go's flag syntax (`-name`, `--name`, `-name=value`, `-name value`, `-bool=false`) in the form node's parseArgs
 * reads. As in Go, a non-boolean flag takes the next argument as its value whatever it looks like.
 */
export function goFlagArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const flag = /^--?([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg);
    if (!flag) {
      out.push(arg);
      continue;
    }
    const [, name, value] = flag as unknown as [string, string, string | undefined];
    if (!BOOLEANS.includes(name)) {
      const next = value ?? args[++i];
      out.push(next === undefined ? `--${name}` : `--${name}=${next}`);
    } else if (value === undefined || value === 'true' || value === '1') out.push(`--${name}`);
    else if (value !== 'false' && value !== '0') throw new UsageError(`-${name} takes true or false, got "${value}"`);
  }
  return out;
}

function parse(args: string[]): ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'] {
  try {
    return parseArgs({ args: goFlagArgs(args), options: OPTIONS }).values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`drill toxiproxy: ${(error as Error).message}`, { cause: error });
  }
}

export const toxiproxyCommand: Command = async (args, io) => {
  const values = parse(args);
  const { TOXIPROXY_API_VERSION } = await import('../../faults/embedded-toxiproxy.ts');
  if (values.version) {
    io.stdout.write(`toxiproxy-server version ${TOXIPROXY_API_VERSION}+drill\n`);
    return ExitCode.Pass;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`-port must be a port number from 0 to 65535, got "${values.port}"`);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new UsageError(`-seed must be an integer, got "${values.seed}"`);
  const level = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  if (values.host !== 'localhost' && values.host !== '127.0.0.1') {
    throw new UsageError(`-host must be localhost or 127.0.0.1: drill's fault server binds loopback only, got "${values.host}"`);
  }
  const { runToxiproxyServer } = await import('../../faults/run-toxiproxy-server.ts');
  await runToxiproxyServer({
    host: values.host,
    port,
    logger: createLogger(io.stderr, level),
    allowNonLoopback: values['allow-non-loopback'] ?? false,
    ...(values.config === undefined ? {} : { configFile: values.config }),
    ...(seed === undefined ? {} : { seed }),
    onStarted: (url) => io.stdout.write(`drill toxiproxy: Toxiproxy API at ${url} (drill extensions: udp proxies; loss, duplicate, reorder toxics)\n`),
  });
  return ExitCode.Pass;
};
