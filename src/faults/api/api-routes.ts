/**
 * Toxiproxy v2's routes and what each answers: 201 for a created proxy and for /populate, 200 for a created or
 * updated toxic, 204 for deletes and /reset, and `{"error", "status"}` for failures.
 */
import { ApiError } from '../api-error.ts';
import type { ProxyCollection } from '../proxy-collection.ts';
import { parseToxicCreate, parseToxicUpdate } from '../toxic-spec.ts';
import { renderMetrics } from './metrics-text.ts';
import { parsePopulateRequest, parseProxyRequest, parseProxyUpdate } from './proxy-request.ts';

export interface ApiResponse {
  status: number;
  /** Serialized as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
  contentType?: string;
}

export interface RouteContext {
  params: string[];
  body(): Promise<unknown>;
  proxies: ProxyCollection;
  /** What GET /version answers. */
  version: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  handle(ctx: RouteContext): Promise<ApiResponse>;
}

const ok = (json: unknown, status = 200): ApiResponse => ({ status, json });
const noContent: ApiResponse = { status: 204 };

const updateProxy = async ({ params, body, proxies }: RouteContext): Promise<ApiResponse> => {
  const proxy = proxies.get(params[0]!);
  const update = parseProxyUpdate(await body(), proxy.protocol);
  await proxies.serialize(() => proxy.update(update));
  return ok(proxy.toJSON());
};

const updateToxic = async ({ params, body, proxies }: RouteContext): Promise<ApiResponse> => {
  const proxy = proxies.get(params[0]!);
  const input = await body();
  const updated = parseToxicUpdate(proxy.toxics.get(params[1]!), input);
  return ok(proxy.toxics.update(updated));
};

const PROXY = /^\/proxies\/([^/]+)$/;
const TOXICS = /^\/proxies\/([^/]+)\/toxics$/;
const TOXIC = /^\/proxies\/([^/]+)\/toxics\/([^/]+)$/;

export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/reset$/, handle: async ({ proxies }) => (await proxies.reset(), noContent) },
  {
    method: 'GET',
    pattern: /^\/proxies$/,
    handle: async ({ proxies }) => ok(Object.fromEntries(proxies.list().map((p) => [p.name, p.toJSON()]))),
  },
  {
    method: 'POST',
    pattern: /^\/proxies$/,
    handle: async ({ body, proxies }) => ok((await proxies.create(parseProxyRequest(await body()))).toJSON(), 201),
  },
  {
    method: 'POST',
    pattern: /^\/populate$/,
    handle: async ({ body, proxies }) => {
      const created = await proxies.populate(parsePopulateRequest(await body()));
      return ok({ proxies: created.map((p) => p.toJSON()) }, 201);
    },
  },
  { method: 'GET', pattern: PROXY, handle: async ({ params, proxies }) => ok(proxies.get(params[0]!).toJSON()) },
  { method: 'POST', pattern: PROXY, handle: updateProxy },
  { method: 'PATCH', pattern: PROXY, handle: updateProxy },
  { method: 'DELETE', pattern: PROXY, handle: async ({ params, proxies }) => (await proxies.remove(params[0]!), noContent) },
  { method: 'GET', pattern: TOXICS, handle: async ({ params, proxies }) => ok(proxies.get(params[0]!).toxics.list()) },
  {
    method: 'POST',
    pattern: TOXICS,
    handle: async ({ params, body, proxies }) => {
      const proxy = proxies.get(params[0]!);
      const spec = parseToxicCreate(await body(), proxy.protocol, proxy.name);
      return ok(proxy.toxics.add(spec));
    },
  },
  { method: 'GET', pattern: TOXIC, handle: async ({ params, proxies }) => ok(proxies.get(params[0]!).toxics.get(params[1]!)) },
  { method: 'POST', pattern: TOXIC, handle: updateToxic },
  { method: 'PATCH', pattern: TOXIC, handle: updateToxic },
  {
    method: 'DELETE',
    pattern: TOXIC,
    handle: async ({ params, proxies }) => (proxies.get(params[0]!).toxics.remove(params[1]!), noContent),
  },
  { method: 'GET', pattern: /^\/version$/, handle: async ({ version }) => ok(version) },
  {
    method: 'GET',
    pattern: /^\/metrics$/,
    handle: async ({ proxies }) => ({
      status: 200,
      text: renderMetrics(proxies.list()),
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
    }),
  },
];

/** The route for `method` and `path`, its decoded path parameters, or the error Toxiproxy's router answers. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | ApiError {
  let pathMatched = false;
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    try {
      return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    } catch {
      return ApiError.badRequest(`bad path encoding: ${path}`);
    }
  }
  return pathMatched ? new ApiError(405, `method ${method} not allowed on ${path}`) : new ApiError(404, `no route for ${path}`);
}
