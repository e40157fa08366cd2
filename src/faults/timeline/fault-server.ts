/**
 * Which Toxiproxy API a run drives, from `faults.server`:
 * - `embedded`: drill's own server, started for the run ($TOXIPROXY_URL is not read);
 * - `toxiproxy`: an existing server at `faults.url` or $TOXIPROXY_URL (which must be on loopback, as `faults.url`
 *   must, unless the scenario sets `allowNonLoopback`: the loader checks both, see toxiproxy-url-rule.ts);
 * - `toxiproxy-container`: the real image started for the run (see `toxiproxy-container.ts`) when a Docker engine
 *   answers and the image is present locally; otherwise a warning that says why, and the embedded server.
 * Either way the harness talks to it through ToxiproxyControl; `description` says which one ran, for the report.
 */
import { FaultError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { RunRegistry } from '../../runtime/run-registry.ts';
import type { FaultsSpec } from '../../scenario/faults-schema.ts';
import { EmbeddedToxiproxy } from '../embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../toxiproxy-control.ts';
import { toxiproxyServerUrl } from '../../scenario/toxiproxy-url-rule.ts';

export interface FaultServer extends AsyncDisposable {
  control: ToxiproxyControl;
  /** Which server runs the faults, e.g. `embedded`, the URL of an external one, or the container's image and URL. */
  description: string;
  /** True when stopping the server removes its proxies with it (the embedded server, a container). */
  ownedByRun: boolean;
}

export interface FaultServerOptions {
  seed: number;
  logger: Logger;
  /** The run's id and registry: a Toxiproxy container is labelled and recorded with them. */
  runId?: string;
  registry?: RunRegistry;
  /** The scenario's `allowNonLoopback`: the embedded server may dial upstreams outside loopback. */
  allowNonLoopback?: boolean;
}

export async function openFaultServer(spec: FaultsSpec, options: FaultServerOptions): Promise<FaultServer> {
  if (spec.server === 'toxiproxy-container') return openContainerOrEmbedded(spec, options);
  if (spec.server === 'toxiproxy') {
    const externalUrl = toxiproxyServerUrl(spec, process.env, options.allowNonLoopback ?? false);
    if (typeof externalUrl !== 'string') throw new FaultError(externalUrl.problem);
    const control = new ToxiproxyControl(externalUrl, { logger: options.logger });
    const info = await control.serverInfo();
    options.logger.info(`Using the Toxiproxy server at ${externalUrl} (version ${info.version})`);
    return {
      control,
      description: `toxiproxy ${info.version} at ${externalUrl}`,
      ownedByRun: false,
      [Symbol.asyncDispose]: async () => undefined,
    };
  }
  return openEmbedded(options, 'embedded');
}

async function openEmbedded(options: FaultServerOptions, description: string): Promise<FaultServer> {
  const server = await new EmbeddedToxiproxy({ seed: options.seed, logger: options.logger, allowNonLoopback: options.allowNonLoopback ?? false }).start({
    host: '127.0.0.1',
    port: 0,
  });
  return {
    control: new ToxiproxyControl(server.url, { logger: options.logger }),
    description,
    ownedByRun: true,
    [Symbol.asyncDispose]: () => server.stop(),
  };
}

async function openContainerOrEmbedded(spec: FaultsSpec, options: FaultServerOptions): Promise<FaultServer> {
  // testcontainers loads only when a scenario asks for the container.
  const { findToxiproxyImage, ToxiproxyContainer } = await import('../toxiproxy-container.ts');
  const found = await findToxiproxyImage(spec.image);
  if (!found.usable) {
    options.logger.child('faults').warn(`faults.server is toxiproxy-container, but ${found.reason}. Using the embedded server instead.`);
    return openEmbedded(options, `embedded (toxiproxy-container unavailable: ${found.reason})`);
  }
  const container = await new ToxiproxyContainer(found.image, {
    runId: options.runId ?? 'unknown-run',
    ...(options.registry ? { registry: options.registry } : {}),
    logger: options.logger,
  }).start();
  try {
    const control = new ToxiproxyControl(container.url, { logger: options.logger });
    const info = await control.serverInfo();
    return {
      control,
      description: `toxiproxy-container ${found.image} (version ${info.version}) at ${container.url}`,
      ownedByRun: true,
      [Symbol.asyncDispose]: () => container.stop(),
    };
  } catch (error) {
    await container.stop();
    throw error;
  }
}
