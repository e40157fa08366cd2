/**
 * Wavry's session setup as k6 code, the part a k6 runner can reach over HTTP and websockets: sign up at the
 * gateway (`POST /auth/register`, `/auth/login` when the name is taken), Bind on the signaling websocket `/ws`,
 * OFFER_RIFT to a host and its ANSWER_RIFT within setupTimeout, then, for a viewer "behind NAT" or a host with no
 * address, REQUEST_RELAY and the lease (RELAY_CREDENTIALS) within relayCredentialsTimeout. A setup counts as a
 * success once the data path could start; the data path itself (UDP, WebRTC) is beyond k6.
 */
import type { WavryWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { WorkloadScript } from './workload-script.ts';

export const WAVRY_K6_SLIS = [
  'session_setup_success',
  'handshake_failures',
  'handshake_failures_auth',
  'handshake_failures_bind_timeout',
  'handshake_failures_host_unavailable',
  'handshake_failures_relay_credentials_timeout',
  'relay_share',
  'leases_issued',
];

const LIMITS = [
  'the data path: UDP media through relays and to hosts, WebRTC data channels (k6 speaks neither UDP nor WebRTC)',
  'so also input_to_present*, rtt_*, loss_*, jitter_*, session_drops, webrtc_share, lease_rejects, handshake_failures_lease_rejected / _relay_unreachable / _direct_unreachable',
  'session_setup_success ends at the answer (direct) or the lease (relay): the UDP handshake after it is not made',
  'relay inventory gauges (relays_*), relay_heartbeat_age: drill samples the master, a k6 runner does not',
  "controlPlaneRelays (relay_register_latency, relay_heartbeat_latency): the synthetic relays are drill's",
  'the gateway allows 20 sign-ups and 10 Binds a minute per address (drill gives each viewer its own): give the runner many source addresses (k6 --local-ips) or raise WAVRY_AUTH_RATE_LIMIT and WAVRY_WS_BIND_RATE_LIMIT on a test gateway',
];

export function wavryScript(workload: WavryWorkloadSpec): WorkloadScript {
  return {
    imports: [
      "import http from 'k6/http';",
      "import ws from 'k6/ws';",
      "import encoding from 'k6/encoding';",
      "import { Counter, Rate } from 'k6/metrics';",
    ],
    produced: WAVRY_K6_SLIS,
    env: { GATEWAY_URL: `the gateway's HTTP port (service ${workload.gateway}, port http)` },
    limits:
      workload.returningViewers > 0
        ? [...LIMITS, `returningViewers (${workload.returningViewers}): every k6 session signs up anew, so tokens_rejected and accounts_lost are drill's`]
        : LIMITS,
    extraScenarios: {},
    body: `const GATEWAY_URL = requiredEnv('GATEWAY_URL', 'http://127.0.0.1:3000');
/** Usernames of the hosts to view (drill signs each host up under its service name). */
const HOSTS: string[] = ${JSON.stringify(workload.hosts)};
const RELAY_SHARE = ${workload.relayShare};
const SETUP_TIMEOUT_MS = ${workload.setupTimeout};
const RELAY_CREDENTIALS_TIMEOUT_MS = ${workload.relayCredentialsTimeout};

const setupSuccess = new Rate('session_setup_success');
const setupSuccessCount = new Counter('session_setup_success_count');
const handshakeFailures = new Rate('handshake_failures');
const handshakeFailuresCount = new Counter('handshake_failures_count');
const relayShare = new Rate('relay_share');
const relayShareCount = new Counter('relay_share_count');
const leasesIssued = new Counter('leases_issued');
const failureCounters: Record<string, Counter> = {
  auth: new Counter('handshake_failures_auth'),
  bind_timeout: new Counter('handshake_failures_bind_timeout'),
  host_unavailable: new Counter('handshake_failures_host_unavailable'),
  relay_credentials_timeout: new Counter('handshake_failures_relay_credentials_timeout'),
};

type Reason = 'auth' | 'bind_timeout' | 'host_unavailable' | 'relay_credentials_timeout';

/** A signaling frame of either dialect (\`{"type":"Bound"}\`, \`{"type":"BOUND"}\`, fields at the top or in payload). */
function readFrame(raw: string): { type: string; fields: Record<string, unknown> } | undefined {
  try {
    const frame = JSON.parse(raw) as { type?: unknown; payload?: Record<string, unknown> };
    if (typeof frame.type !== 'string') return undefined;
    return { type: frame.type.toUpperCase(), fields: frame.payload ?? (frame as Record<string, unknown>) };
  } catch {
    return undefined;
  }
}

function signUp(username: string): string | undefined {
  const account = { email: \`\${username}@viewers.k6.test\`, password: \`\${username}-password\` };
  const json = { headers: { 'content-type': 'application/json' } };
  const publicKey = (username + '0'.repeat(64)).replace(/[^0-9a-f]/g, '0').slice(0, 64);
  let reply = http.post(\`\${GATEWAY_URL}/auth/register\`, JSON.stringify({ ...account, display_name: username, username, public_key: publicKey }), json);
  if (reply.status === 409) reply = http.post(\`\${GATEWAY_URL}/auth/login\`, JSON.stringify(account), json);
  if (reply.status !== 200 && reply.status !== 201) return undefined;
  const token = (reply.json() as { token?: unknown } | null)?.token;
  return typeof token === 'string' ? token : undefined;
}

function outcome(failure: Reason | undefined, relayed: boolean): void {
  setupSuccess.add(failure === undefined);
  if (failure === undefined) setupSuccessCount.add(1);
  handshakeFailures.add(failure !== undefined);
  if (failure === undefined) {
    relayShare.add(relayed);
    if (relayed) relayShareCount.add(1);
    return;
  }
  handshakeFailuresCount.add(1);
  failureCounters[failure]!.add(1);
}

export function arrival(): void {
  const n = exec.scenario.iterationInTest;
  const random = randomFor(exec.scenario.name, n);
  const username = \`k6-\${exec.scenario.startTime % 100000000}-\${exec.scenario.name.length}-\${n}\`.slice(0, 32);
  const host = HOSTS[Math.floor(random() * HOSTS.length)]!;
  const behindNat = random() < RELAY_SHARE;
  const token = signUp(username);
  if (token === undefined) return outcome('auth', false);
  let failure: Reason | undefined = 'bind_timeout';
  let relayed = false;
  const hello = encoding.b64encode(JSON.stringify({ client_name: username }));
  ws.connect(\`\${GATEWAY_URL.replace(/^http/, 'ws')}/ws\`, null, (socket) => {
    const send = (type: string, payload: Record<string, unknown>) => socket.send(JSON.stringify({ type, payload }));
    const done = (reason: Reason | undefined) => {
      failure = reason;
      socket.close();
    };
    socket.on('open', () => send('Bind', { token }));
    socket.setTimeout(() => done(failure), SETUP_TIMEOUT_MS);
    socket.on('message', (raw) => {
      const frame = readFrame(raw);
      if (frame === undefined) return;
      if (frame.type === 'ERROR') return done(failure === 'bind_timeout' ? 'auth' : failure);
      if (frame.type === 'BOUND') {
        failure = 'host_unavailable';
        return send('OFFER_RIFT', { target_username: host, hello_base64: hello });
      }
      if (frame.type === 'ANSWER_RIFT' && frame.fields.target_username === host) {
        const ack = JSON.parse(encoding.b64decode(String(frame.fields.ack_base64), 'std', 's')) as { accepted?: boolean; public_addr?: string };
        if (ack.accepted !== true) return done('host_unavailable');
        if (ack.public_addr && !behindNat) return done(undefined);
        failure = 'relay_credentials_timeout';
        relayed = true;
        send('REQUEST_RELAY', { target_username: host });
        return socket.setTimeout(() => done(failure), RELAY_CREDENTIALS_TIMEOUT_MS);
      }
      if (frame.type === 'RELAY_CREDENTIALS' && failure === 'relay_credentials_timeout') {
        leasesIssued.add(1);
        return done(undefined);
      }
    });
    socket.on('error', () => done(failure));
  });
  outcome(failure, relayed);
}
`,
  };
}
