/**
 * `drill toxiproxy`: runs the embedded fault server until SIGINT or SIGTERM (or `signal` aborts), then closes every
 * proxy and resolves. With `configFile`, the proxies of that populate file exist before the API answers.
 */
import type { Logger } from '../common/logger.ts';
import { EmbeddedToxiproxy, type EmbeddedToxiproxyOptions } from './embedded-toxiproxy.ts';
import { applyPopulateConfig } from './populate-config.ts';

export interface RunToxiproxyServerOptions extends EmbeddedToxiproxyOptions {
  /** API port. Default 8474, Toxiproxy's. */
  port?: number;
  /** Only 127.0.0.1 or localhost is accepted. Default 127.0.0.1. */
  host?: string;
  /** A JSON file in POST /populate's format, applied at startup (Toxiproxy's `-config`). */
  configFile?: string;
  logger: Logger;
  /** Stops the server when aborted, besides SIGINT and SIGTERM. */
  signal?: AbortSignal;
  /** Called once the server listens (and the config file is applied), with its URL. */
  onStarted?: (url: string) => void;
}

export async function runToxiproxyServer(options: RunToxiproxyServerOptions): Promise<void> {
  const server = await new EmbeddedToxiproxy(options).start({ host: options.host ?? '127.0.0.1', port: options.port ?? 8474 });
  const logger = options.logger.child('faults');
  if (options.configFile) {
    try {
      const proxies = await applyPopulateConfig(server, options.configFile);
      logger.info(`Populated ${proxies.length} proxies from ${options.configFile}`);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }
  options.onStarted?.(server.url);
  const reason = await new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => done(signal);
    const onAbort = () => done('abort');
    const done = (why: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (options.signal?.aborted) return done('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  logger.info(`Received ${reason}, stopping`);
  await server.stop();
}
