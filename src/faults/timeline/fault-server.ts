/**
 * Which Toxiproxy API a run drives: drill's embedded server (the default, started for the run), or an existing
 * server named by `faults.url` or $TOXIPROXY_URL. Either way the harness talks to it through ToxiproxyControl.
 */
import { FaultError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { FaultsSpec } from '../../scenario/faults-schema.ts';
import { EmbeddedToxiproxy } from '../embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../toxiproxy-control.ts';

export interface FaultServer extends AsyncDisposable {
  control: ToxiproxyControl;
  /** `embedded` or the URL of the external server, for the report. */
  description: string;
}

export async function openFaultServer(spec: FaultsSpec, options: { seed: number; logger: Logger }): Promise<FaultServer> {
  const externalUrl = spec.url ?? (spec.server === 'toxiproxy' ? process.env.TOXIPROXY_URL : undefined) ?? (spec.server === 'embedded' ? process.env.TOXIPROXY_URL : undefined);
  if (spec.server === 'toxiproxy' && !externalUrl) {
    throw new FaultError('faults.server is "toxiproxy" but no server is named: set faults.url or $TOXIPROXY_URL (e.g. http://127.0.0.1:8474)');
  }
  if (spec.server === 'toxiproxy-container') {
    throw new FaultError('faults.server "toxiproxy-container" needs the container runtime (runtime: docker); use "embedded" or point faults.url at a running Toxiproxy');
  }
  if (externalUrl) {
    const control = new ToxiproxyControl(externalUrl, { logger: options.logger });
    const info = await control.serverInfo();
    options.logger.info(`Using the Toxiproxy server at ${externalUrl} (version ${info.version})`);
    return { control, description: externalUrl, [Symbol.asyncDispose]: async () => undefined };
  }
  const server = await new EmbeddedToxiproxy({ seed: options.seed, logger: options.logger }).start({ host: '127.0.0.1', port: 0 });
  return {
    control: new ToxiproxyControl(server.url, { logger: options.logger }),
    description: 'embedded',
    [Symbol.asyncDispose]: () => server.stop(),
  };
}
