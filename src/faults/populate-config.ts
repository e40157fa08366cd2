/**
 * `drill toxiproxy -config FILE`: the proxies to create at startup, in the body format of POST /populate (a JSON
 * array of `{name, listen, upstream, enabled}`), as the real server's `-config`. A file that cannot be read or
 * parsed, or that /populate would refuse, is a usage error (exit 2); the real server logs it and starts empty.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../common/errors.ts';
import { ApiError } from './api-error.ts';
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, nestsDeeperThan } from './api/request-body.ts';
import type { StartedEmbeddedToxiproxy } from './embedded-toxiproxy.ts';
import type { ProxyJson } from './toxic-types.ts';

/** The parsed JSON of a config file. */
export async function readPopulateConfig(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`-config ${file}: cannot read the file: ${(error as Error).message}`, { cause: error });
  }
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new UsageError(`-config ${file}: larger than ${MAX_BODY_BYTES} bytes`);
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new UsageError(`-config ${file}: nests more than ${MAX_JSON_DEPTH} levels deep`);
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    throw new UsageError(`-config ${file}: not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Creates the proxies of `file` on `server`, as POST /populate would. */
export async function applyPopulateConfig(server: StartedEmbeddedToxiproxy, file: string): Promise<ProxyJson[]> {
  const body = await readPopulateConfig(file);
  try {
    return await server.populate(body);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new UsageError(`-config ${file}: ${error.message} (the file holds a POST /populate body: a JSON array of proxies)`, { cause: error });
  }
}
