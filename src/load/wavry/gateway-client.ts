/**
 * A simulated user at the gateway: signs up over HTTP and holds a signaling websocket in the gateway's own
 * dialect (`{"type":"Bind","payload":{...}}`), from the client's own loopback address.
 */
import http from 'node:http';
import WebSocket from 'ws';
import type { GatewayAuthResponse, RelayCredentials, RiftHelloAck } from '../../wire/wavry.ts';

export class SetupFailure extends Error {
  constructor(
    readonly reason: 'auth' | 'bind_timeout' | 'relay_credentials_timeout' | 'lease_rejected' | 'relay_unreachable' | 'direct_unreachable',
    message: string,
  ) {
    super(message);
  }
}

interface Frame {
  type: string;
  payload?: Record<string, unknown>;
}

function postJson(baseUrl: string, path: string, body: unknown, localAddress: string, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const url = new URL(path, baseUrl);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, timeout: timeoutMs, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(data);
  });
}

/** Signs a new user up; the token is valid for Bind. */
export async function signUp(baseUrl: string, username: string, localAddress: string, timeoutMs: number): Promise<string> {
  const response = await postJson(
    baseUrl,
    '/auth/register',
    { email: `${username}@clients.drill.test`, password: `${username}-password`, display_name: username, username, public_key: 'ab'.repeat(32) },
    localAddress,
    timeoutMs,
  ).catch((error: Error) => {
    throw new SetupFailure('auth', `register: ${error.message}`);
  });
  if (response.status !== 201) throw new SetupFailure('auth', `register answered ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as GatewayAuthResponse).token;
}

export class SignalingClient {
  private readonly inbox: Frame[] = [];
  private readonly waiters: { type: string; resolve: (frame: Frame) => void }[] = [];
  private closedWith: string | undefined;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.deliver(JSON.parse(String(data)) as Frame));
    socket.on('close', (code) => (this.closedWith = `closed (${code})`));
    socket.on('error', () => undefined);
  }

  static open(wsUrl: string, localAddress: string, timeoutMs: number): Promise<SignalingClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { localAddress, handshakeTimeout: timeoutMs });
      socket.once('open', () => resolve(new SignalingClient(socket)));
      socket.once('error', (error) => reject(new SetupFailure('auth', `signaling socket: ${error.message}`)));
    });
  }

  send(type: string, payload?: Record<string, unknown>): void {
    this.socket.send(JSON.stringify(payload ? { type, payload } : { type }));
  }

  /** The next frame of `type`; an `Error` frame or a closed socket fails at once. */
  next(type: string, timeoutMs: number, onTimeout: SetupFailure['reason']): Promise<Frame> {
    const index = this.inbox.findIndex((f) => f.type === type || f.type === 'Error');
    if (index >= 0) return this.settle(this.inbox.splice(index, 1)[0]!);
    if (this.closedWith) return Promise.reject(new SetupFailure('auth', `signaling ${this.closedWith}`));
    return new Promise((resolve, reject) => {
      const waiter = { type, resolve: (frame: Frame) => (clearTimeout(timer), this.settle(frame).then(resolve, reject)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new SetupFailure(onTimeout, `no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async bind(token: string, timeoutMs: number): Promise<void> {
    this.send('Bind', { token });
    await this.next('Bound', timeoutMs, 'bind_timeout');
  }

  async offer(target: string, hello: Record<string, unknown>, timeoutMs: number): Promise<RiftHelloAck> {
    this.send('OFFER_RIFT', { target_username: target, hello_base64: Buffer.from(JSON.stringify(hello)).toString('base64') });
    const answer = await this.next('ANSWER_RIFT', timeoutMs, 'bind_timeout');
    return JSON.parse(Buffer.from(String(answer.payload?.ack_base64), 'base64').toString('utf8')) as RiftHelloAck;
  }

  async requestRelay(target: string, timeoutMs: number): Promise<Omit<RelayCredentials, 'type'>> {
    this.send('REQUEST_RELAY', { target_username: target });
    const frame = await this.next('RELAY_CREDENTIALS', timeoutMs, 'relay_credentials_timeout');
    return frame.payload as unknown as Omit<RelayCredentials, 'type'>;
  }

  close(): void {
    this.socket.terminate();
  }

  private settle(frame: Frame): Promise<Frame> {
    if (frame.type === 'Error') return Promise.reject(new SetupFailure('auth', `gateway error: ${String(frame.payload?.message)}`));
    return Promise.resolve(frame);
  }

  private deliver(frame: Frame): void {
    const index = this.waiters.findIndex((w) => w.type === frame.type || frame.type === 'Error');
    if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(frame);
    else this.inbox.push(frame);
  }
}
