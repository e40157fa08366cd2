/**
 * The HTTP side of the fault server (node:http): routes requests, reads JSON bodies, answers JSON. Like Toxiproxy
 * it refuses requests from browsers (403), so a web page cannot drive the fault server.
 */
import http from 'node:http';
import type { Logger } from '../../common/logger.ts';
import { toApiError } from '../api-error.ts';
import type { ProxyCollection } from '../proxy-collection.ts';
import { matchRoute, type ApiResponse } from './api-routes.ts';
import { readJsonBody } from './request-body.ts';

export interface ApiServerDeps {
  proxies: ProxyCollection;
  logger: Logger;
  version: unknown;
}

async function respond(request: http.IncomingMessage, deps: ApiServerDeps): Promise<ApiResponse> {
  if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
    return { status: 403, text: 'User agent not allowed\n', contentType: 'text/plain; charset=utf-8' };
  }
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const matched = matchRoute(request.method ?? 'GET', path);
  if (!('route' in matched)) return { status: matched.status, json: matched.toJSON() };
  try {
    return await matched.route.handle({
      params: matched.params,
      body: () => readJsonBody(request),
      proxies: deps.proxies,
      version: deps.version,
    });
  } catch (error) {
    const apiError = toApiError(error);
    if (apiError.status >= 500) deps.logger.warn(`${request.method} ${path}: ${apiError.message}`);
    return { status: apiError.status, json: apiError.toJSON() };
  }
}

function send(response: http.ServerResponse, answer: ApiResponse): void {
  if (answer.status === 204) {
    response.writeHead(204).end();
    return;
  }
  const body = answer.text ?? `${JSON.stringify(answer.json)}\n`;
  response
    .writeHead(answer.status, {
      'Content-Type': answer.contentType ?? 'application/json',
      'Content-Length': Buffer.byteLength(body),
    })
    .end(body);
}

export function createApiServer(deps: ApiServerDeps): http.Server {
  const server = http.createServer((request, response) => {
    respond(request, deps).then(
      (answer) => {
        deps.logger.debug(`${request.method} ${request.url} → ${answer.status}`);
        // Drain an unread body so the connection can be reused.
        request.resume();
        send(response, answer);
      },
      (error: unknown) => send(response, { status: 500, json: toApiError(error).toJSON() }),
    );
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
