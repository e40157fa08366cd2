/**
 * Namespaced logger (`drill:runtime`, `drill:faults`). Writes to a stream passed in, never to the console
 * directly, so the CLI decides where lines go and tests can read them. Each line carries the run id.
 */
import type { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogSink {
  stream: Writable | undefined;
  level: LogLevel;
  runId?: string;
}

export class Logger {
  constructor(
    readonly namespace: string,
    private readonly sink: LogSink,
    private readonly fields: Record<string, string> = {},
  ) {}

  child(namespace: string, fields: Record<string, string> = {}): Logger {
    return new Logger(`${this.namespace}:${namespace}`, this.sink, { ...this.fields, ...fields });
  }

  with(fields: Record<string, string>): Logger {
    return new Logger(this.namespace, this.sink, { ...this.fields, ...fields });
  }

  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }

  private write(level: LogLevel, message: string): void {
    if (!this.sink.stream || LEVEL_RANK[level] < LEVEL_RANK[this.sink.level]) return;
    const context = Object.entries({ ...(this.sink.runId ? { run: this.sink.runId } : {}), ...this.fields })
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const time = new Date().toISOString().slice(11, 23);
    this.sink.stream.write(`${time} ${level.padEnd(5)} ${this.namespace}${context ? ` [${context}]` : ''} ${message}\n`);
  }
}

/** A logger that writes nowhere: the default for library use and unit tests. */
export const silentLogger = new Logger('drill', { stream: undefined, level: 'error' });

export function createLogger(stream: Writable | undefined, level: LogLevel = 'info', runId?: string): Logger {
  return new Logger('drill', { stream, level, ...(runId ? { runId } : {}) });
}
