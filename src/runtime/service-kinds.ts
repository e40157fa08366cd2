/**
 * What drill knows about each kind of service: its named ports, how a stand-in fixture is told its ports,
 * its readiness probe, and the environment a linked service gets to reach it.
 *
 * Templates in `linkEnv`: `${target.PORT}` is the host:port at which the linking service reaches the target's
 * named port (the fault proxy's listener when the link is proxied). Scenario env values use `${ports.NAME}`,
 * `${links.SERVICE.PORT}`, `${release}` and `${dataDir}` (see `env-template.ts`).
 */
import type { ServiceKind } from '../scenario/service-schema.ts';

export interface KindPort {
  protocol: 'tcp' | 'udp';
  /** Fixture env var that receives the port's `host:port` or port (see `format`). */
  env?: string;
  format?: 'port' | 'host:port';
}

export interface KindDefinition {
  ports: Record<string, KindPort>;
  /** Port a link to this kind carries by default. */
  mainPort: string;
  readiness: { port: string; path: string; protocol?: 'http' | 'redis' } | undefined;
  /** Env every service of this kind gets (the scenario's env overrides it). */
  env?: Record<string, string>;
  /** Env a fixture of this kind gets when it links to a service of another kind. */
  linkEnv: Partial<Record<ServiceKind, Record<string, string>>>;
}

export const serviceKindCatalog: Record<ServiceKind, KindDefinition> = {
  bridge: {
    ports: {
      http: { protocol: 'tcp', env: 'PORT', format: 'port' },
      control: { protocol: 'tcp', env: 'DRILL_CONTROL_PORT', format: 'port' },
    },
    mainPort: 'http',
    readiness: { port: 'http', path: '/v1/health' },
    // json-rpc is the mode a bot's websocket ingest needs; set here so nothing inherited changes it.
    env: { MODE: 'json-rpc' },
    linkEnv: {},
  },
  bot: {
    ports: {
      health: { protocol: 'tcp', env: 'HEALTH_PORT', format: 'port' },
      metrics: { protocol: 'tcp', env: 'METRICS_PORT', format: 'port' },
    },
    mainPort: 'health',
    readiness: { port: 'health', path: '/live' },
    linkEnv: {
      bridge: { SIGNAL_SERVICE_URL: 'ws://${target.http}', SIGNAL_API_URL: 'http://${target.http}' },
      // The address only: the scenario chooses `STORAGE_TYPE=redis`.
      redis: { REDIS_HOST: '${target.redis.host}', REDIS_PORT: '${target.redis.port}' },
    },
  },
  gateway: {
    ports: {
      http: { protocol: 'tcp', env: 'WAVRY_GATEWAY_BIND_ADDR', format: 'host:port' },
      relay: { protocol: 'udp', env: 'WAVRY_GATEWAY_RELAY_BIND_ADDR', format: 'host:port' },
    },
    mainPort: 'http',
    readiness: { port: 'http', path: '/health' },
    // The token store lives in the service's own folder, so it survives a restart as the real SQLite file does.
    // The real host sends no Origin header; the gateway would refuse it without this. The embedded relay is
    // announced at its own port (the real gateway announces 127.0.0.1:3478 unless told otherwise).
    env: {
      WAVRY_GATEWAY_DB: '${dataDir}/gateway.db',
      WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
      WAVRY_RELAY_PUBLIC_ADDR: '127.0.0.1:${ports.relay}',
    },
    linkEnv: { master: { WAVRY_MASTER_URL: 'http://${target.http}' } },
  },
  master: {
    ports: { http: { protocol: 'tcp', env: 'WAVRY_MASTER_LISTEN', format: 'host:port' } },
    mainPort: 'http',
    readiness: { port: 'http', path: '/health' },
    // A provisioned key kept in the service folder (so restarts keep it; the fixture writes it at the first start,
    // where the real master would panic on the missing file) and an admin token drills can use.
    env: {
      WAVRY_MASTER_KEY_FILE: '${dataDir}/master.key',
      DRILL_MASTER_KEY_FILE_CREATE: '1',
      // Read only by a release that keeps admin-set relay states across restarts (profile `keepsAdminStates`).
      DRILL_MASTER_ADMIN_STATE_FILE: '${dataDir}/admin-states.json',
      ADMIN_PANEL_TOKEN: 'drill-admin-token-0123456789abcdef-0123',
    },
    linkEnv: {},
  },
  relay: {
    ports: {
      udp: { protocol: 'udp', env: 'WAVRY_RELAY_LISTEN', format: 'host:port' },
      health: { protocol: 'tcp', env: 'WAVRY_RELAY_HEALTH_LISTEN', format: 'host:port' },
    },
    mainPort: 'udp',
    readiness: { port: 'health', path: '/health' },
    linkEnv: { master: { WAVRY_MASTER_URL: 'http://${target.http}' } },
  },
  host: {
    ports: {
      udp: { protocol: 'udp', env: 'WAVRY_LISTEN_ADDR', format: 'host:port' },
      health: { protocol: 'tcp', env: 'WAVRY_HOST_HEALTH_LISTEN', format: 'host:port' },
    },
    mainPort: 'udp',
    // `/ready` answers 200 only once the host is bound on the gateway (`/health` answers before), so the first
    // sessions do not offer to a host the gateway does not know yet.
    readiness: { port: 'health', path: '/ready' },
    // The host signs up under its service name, so sessions can address it by name.
    env: { WAVRY_HOST_USERNAME: '${service}', WAVRY_HOST_EMAIL: '${service}@hosts.drill.test', WAVRY_HOST_PASSWORD: 'drill-host-${service}-password' },
    linkEnv: { gateway: { WAVRY_GATEWAY_URL: 'ws://${target.http}/ws' } },
  },
  // A real redis-server (see redis-server.ts), not a fixture: no persistence unless the scenario's env asks.
  redis: {
    ports: { redis: { protocol: 'tcp' } },
    mainPort: 'redis',
    readiness: { port: 'redis', path: '', protocol: 'redis' },
    env: { REDIS_APPENDONLY: 'no', REDIS_SAVE: '' },
    linkEnv: {},
  },
};
