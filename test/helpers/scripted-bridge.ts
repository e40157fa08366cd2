/**
 * A scripted signal-cli-rest-api peer for bot tests: a real HTTP + websocket server on 127.0.0.1, port 0.
 * It serves `GET /v1/receive/<account>` as a websocket and sends the frames a test pushes; it records every
 * `POST /v2/send` and answers each with the next scripted reply (201, an error status, a delay, or no answer
 * at all), then with a default 201 once the script is used up.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope, ReceiveFrame, SendRequest } from '../../src/wire/signal.ts';

/** How to answer one send. `hang` never answers (the request stays open until the bridge closes). */
export type SendReply = { status: number; body?: unknown; delayMs?: number } | 'hang';

export interface RecordedSend {
  body: SendRequest;
  headers: IncomingHttpHeaders;
  /** `process.hrtime` seconds (CLOCK_MONOTONIC, the clock of the bot's `ingest_paused_until`) at arrival. */
  arrivedAtMonotonic: number;
}

export class ScriptedBridge implements AsyncDisposable {
  readonly sends: RecordedSend[] = [];
  /** Websocket connections accepted so far. */
  connections = 0;
  private readonly sockets = new Set<WebSocket>();
  private readonly openResponses = new Set<ServerResponse>();
  private readonly script: SendReply[] = [];
  private defaultReply: SendReply = { status: 201, body: { timestamp: String(Date.now()) } };

  private constructor(
    readonly account: string,
    private readonly server: Server,
    private readonly wss: WebSocketServer,
  ) {}

  static async start(account: string): Promise<ScriptedBridge> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer();
    const bridge = new ScriptedBridge(account, server, wss);
    server.on('request', (request, response) => bridge.onRequest(request, response));
    server.on('upgrade', (request, socket, head) => {
      if (request.url !== `/v1/receive/${encodeURIComponent(account)}` && request.url !== `/v1/receive/${account}`) {
        socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => bridge.onSocket(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return bridge;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Replies for the next sends, used in order. */
  scriptSends(...replies: SendReply[]): void {
    this.script.push(...replies);
  }

  setDefaultReply(reply: SendReply): void {
    this.defaultReply = reply;
  }

  /** Sends a frame to every open socket; returns how many got it. */
  sendFrame(frame: ReceiveFrame | string): number {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const socket of this.sockets) socket.send(text);
    return this.sockets.size;
  }

  /** Closes every websocket from the bridge side, as a bridge restart does. */
  closeSockets(): void {
    for (const socket of this.sockets) socket.close(1001, 'going away');
  }

  async waitForSends(count: number, timeoutMs = 10_000): Promise<RecordedSend[]> {
    await waitFor(
      () => this.sends.length >= count,
      timeoutMs,
      () => `${count} sends (have ${this.sends.length})`,
    );
    return this.sends;
  }

  async waitForConnections(count: number, timeoutMs = 10_000): Promise<void> {
    await waitFor(
      () => this.connections >= count && this.sockets.size > 0,
      timeoutMs,
      () => `${count} websocket connections (have ${this.connections})`,
    );
  }

  async close(): Promise<void> {
    for (const response of this.openResponses) response.destroy();
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private onSocket(ws: WebSocket): void {
    this.connections++;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v2/send') {
        respond(response, 404, { error: 'not found' });
        return;
      }
      const arrivedAtMonotonic = Number(process.hrtime.bigint()) / 1e9;
      this.sends.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SendRequest,
        headers: request.headers,
        arrivedAtMonotonic,
      });
      const reply = this.script.shift() ?? this.defaultReply;
      if (reply === 'hang') {
        this.openResponses.add(response);
        response.on('close', () => this.openResponses.delete(response));
        return;
      }
      if (!reply.delayMs) return respond(response, reply.status, reply.body);
      this.openResponses.add(response);
      setTimeout(() => {
        this.openResponses.delete(response);
        if (!response.destroyed) respond(response, reply.status, reply.body);
      }, reply.delayMs);
    });
  }
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function waitFor(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`scripted bridge: no ${what()} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface FrameOptions {
  source: string;
  /** ms since epoch */
  timestamp: number;
  message?: string | null;
  groupId?: string;
  /** `sync` wraps the content in `syncMessage.sentMessage` with this destination. */
  syncDestination?: string;
  kind?: 'data' | 'receipt' | 'typing';
}

/** A receive frame as signal-cli's json-rpc mode delivers it. */
export function receiveFrame(account: string, options: FrameOptions): ReceiveFrame {
  const envelope: Envelope = {
    source: options.source,
    sourceNumber: options.source,
    sourceUuid: `uuid-${options.source}`,
    sourceName: 'Test User',
    sourceDevice: 1,
    timestamp: options.timestamp,
    serverReceivedTimestamp: options.timestamp + 5,
    serverDeliveredTimestamp: options.timestamp + 10,
  };
  const content = {
    timestamp: options.timestamp,
    message: options.message ?? null,
    expiresInSeconds: 0,
    viewOnce: false,
    ...(options.groupId ? { groupInfo: { groupId: options.groupId, groupName: 'Drill group', revision: 1, type: 'DELIVER' } } : {}),
  };
  if (options.kind === 'receipt') {
    envelope.receiptMessage = {
      when: options.timestamp,
      isDelivery: true,
      isRead: false,
      isViewed: false,
      timestamps: [options.timestamp - 1],
    };
  } else if (options.kind === 'typing') {
    envelope.typingMessage = { action: 'STARTED', timestamp: options.timestamp };
  } else if (options.syncDestination) {
    envelope.syncMessage = {
      sentMessage: { ...content, destination: options.syncDestination, destinationNumber: options.syncDestination },
    };
  } else {
    envelope.dataMessage = content;
  }
  return { envelope, account };
}
