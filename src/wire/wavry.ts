/**
 * Wire shapes of the Wavry streaming stack (gateway, master, relay, host), shared by the harness and the
 * stand-in services in `fixtures/`. They follow the Rust code of wavry v0.0.5 (`crates/rift-core/src/relay.rs`,
 * `crates/wavry-master`, `crates/wavry-gateway`, `crates/wavry-common/src/protocol.rs`).
 *
 * Constants are exported as values for the harness and as types, so a fixture (which may import only types from
 * here) can declare its own copy and have the compiler check that it matches.
 */

// ---- Relay UDP wire format (all integers big-endian) ----

/** Byte 0 of every relay packet. */
export const RELAY_MAGIC = 0x57;
/** Byte 1 of every relay packet. */
export const RELAY_VERSION = 0x01;
/** magic(1) + version(1) + type(1) + flags(1) + session UUID(16), bytes. */
export const RELAY_HEADER_BYTES = 20;
/** Largest relay datagram accepted, bytes. */
export const RELAY_MAX_PACKET_BYTES = 1500;
/** Largest lease token in a LEASE_PRESENT, bytes. */
export const RELAY_MAX_TOKEN_BYTES = 8192;

/** Byte 2 of the header. */
export const RELAY_PACKET_TYPE = {
  /** Payload: role u8 (0 client, 1 server), token length u16, token bytes. */
  LeasePresent: 0x01,
  /** Payload: lease expiry u64 (unix ms), soft limit u32 (kbps), hard limit u32 (kbps). */
  LeaseAck: 0x02,
  /** Payload: reason u16, one of {@link LEASE_REJECT_REASON}. */
  LeaseReject: 0x03,
  /** Header only. */
  LeaseRenew: 0x04,
  /** Payload forwarded unchanged to the other peer; starts with a u64 sequence (or a RIFT packet, `RI`). */
  Forward: 0x10,
} as const;
export type RelayPacketTypeCodes = typeof RELAY_PACKET_TYPE;
export type RelayPacketTypeName = keyof RelayPacketTypeCodes;

/** Payload of LEASE_REJECT. `Banned` is defined but never sent by the relay. */
export const LEASE_REJECT_REASON = {
  Expired: 0x0001,
  InvalidSignature: 0x0002,
  WrongRelay: 0x0003,
  SessionFull: 0x0004,
  Banned: 0x0005,
  RateLimited: 0x0006,
} as const;
export type LeaseRejectReasonCodes = typeof LEASE_REJECT_REASON;
export type LeaseRejectReason = keyof LeaseRejectReasonCodes;

/** Peer role in a relay session; on the wire 0 = client, 1 = server. */
export type LeaseRole = 'client' | 'server';

export interface RelayHeader {
  type: number;
  flags: number;
  /** Session UUID, lower-case hyphenated. */
  sessionId: string;
}

export interface LeaseAck {
  /** Unix ms at which the relay's own lease clock for the session runs out. */
  expiresAtMs: number;
  softLimitKbps: number;
  hardLimitKbps: number;
}

/** Claims of a master-issued lease: a PASETO v4.public token signed with Ed25519. */
export interface LeaseClaims {
  /** wavry_id of the peer the lease is for. */
  sub: string;
  /** Session UUID; must equal the session id in the relay header. */
  sid: string;
  role: LeaseRole;
  /** relay_id the lease is bound to. */
  rid: string;
  /** Signing key id. */
  kid: string;
  /** wavry_id again, as an extra claim (the relay reads `sub`). */
  wavry_id: string;
  /** Registered PASETO claims set by pasetors' `Claims::new()`: issue time (RFC 3339). */
  iat: string;
  /** Registered claim: issue time (not before). */
  nbf: string;
  /** Registered claim: issue time plus one hour, whatever the lease TTL. */
  exp: string;
  iat_rfc3339: string;
  /** Issue time minus 5 s. */
  nbf_rfc3339: string;
  /** Issue time plus the lease TTL (60..3600 s, default 900 s). */
  exp_rfc3339: string;
  /** Soft bitrate limit, kbps (50000). */
  slimit: number;
  /** Hard bitrate limit, kbps (100000). */
  hlimit: number;
}

// ---- Media payloads of drill's synthetic peers (direct UDP datagram, or a relay FORWARD payload) ----

/**
 * Layout: sequence u64 (the relay's replay window reads it) | kind u8 | sentAtMs f64 | padding.
 * The host answers an Input with a Frame and a Ping with a Pong, copying sequence and sentAtMs, so the sender
 * measures input-to-present and round-trip time on its own clock. One-byte datagrams are hole punches.
 */
export const MEDIA_KIND = { Input: 0x01, Frame: 0x02, Ping: 0x03, Pong: 0x04 } as const;
export type MediaKindCodes = typeof MEDIA_KIND;
export type MediaKind = keyof MediaKindCodes;
/** sequence(8) + kind(1) + sentAtMs(8), bytes. */
export const MEDIA_HEADER_BYTES = 17;

export interface MediaPacket {
  /** Per-sender sequence, starts at 1, below 2^53. */
  sequence: number;
  kind: MediaKind;
  /** Sender's clock reading when it sent the original packet, ms (any epoch; echoed unchanged). */
  sentAtMs: number;
  /** Extra bytes after the header, to model frame sizes; bytes. */
  paddingBytes: number;
}

/**
 * `hello_base64` of OFFER_RIFT. The real one is a protobuf `Hello`; drill's peers send base64 JSON of this shape
 * (the gateway forwards the blob without reading it).
 */
export interface RiftHello {
  client_name: string;
  /** `ip:port` the client reached by STUN, if any. */
  public_addr?: string;
}

/** `ack_base64` of ANSWER_RIFT (base64 JSON; the real one is a protobuf `HelloAck`). No `public_addr` forces the relay path. */
export interface RiftHelloAck {
  accepted: boolean;
  session_id: string;
  session_alias: number;
  public_addr?: string;
}

// ---- Signaling over `/ws` ----

/**
 * The wavry-common dialect (`{"type":"BIND","token":...}`, internally tagged): spoken by the master's `/ws` and by
 * the Rust client and host. `BOUND` is drill's reply in this dialect (the real gateway does not speak it).
 */
export type FlatSignal =
  | { type: 'BIND'; token: string }
  | { type: 'BOUND' }
  | { type: 'OFFER_RIFT'; target_username: string; hello_base64: string }
  | { type: 'ANSWER_RIFT'; target_username: string; ack_base64: string }
  | { type: 'OFFER'; target_username: string; sdp: string; public_addr?: string }
  | { type: 'ANSWER'; target_username: string; sdp: string; public_addr?: string }
  | { type: 'CANDIDATE'; target_username: string; candidate: string }
  | { type: 'REQUEST_RELAY'; target_username: string; region?: string }
  | RelayCredentials
  | { type: 'ERROR'; code?: number; message: string };

/** Sent to both peers of a relay request. `relay_id` is absent when the gateway's embedded relay answers. */
export interface RelayCredentials {
  type: 'RELAY_CREDENTIALS';
  relay_id?: string;
  /** PASETO lease (master) or 64-hex opaque token (gateway's embedded relay). */
  token: string;
  /** Relay UDP `ip:port`. */
  addr: string;
  session_id: string;
}

/** The gateway dialect (`{"type":"Bind","payload":{...}}`, adjacently tagged). */
export type AdjacentSignal =
  | { type: 'Bind'; payload: { token: string } }
  | { type: 'Bound' }
  | { type: 'OFFER_RIFT'; payload: { target_username: string; hello_base64: string } }
  | { type: 'ANSWER_RIFT'; payload: { target_username: string; ack_base64: string } }
  | { type: 'Offer'; payload: { target_username: string; sdp: string } }
  | { type: 'Answer'; payload: { target_username: string; sdp: string } }
  | { type: 'Candidate'; payload: { target_username: string; candidate: string } }
  | { type: 'REQUEST_RELAY'; payload: { target_username: string } }
  | { type: 'RELAY_CREDENTIALS'; payload: Omit<RelayCredentials, 'type'> }
  | { type: 'Error'; payload: { message: string } };

export type SignalDialect = 'adjacent' | 'flat';

// ---- Master HTTP ----

/** Every state the master gives a relay (`new_state` variant names of `update_state`). */
export const RELAY_STATES = ['New', 'Probation', 'Active', 'Degraded', 'Draining', 'Quarantined', 'Banned'] as const;
export type RelayState = (typeof RELAY_STATES)[number];

/** `POST /v1/relays/register` body (Bearer service token when the master has one). */
export interface RelayRegisterRequest {
  relay_id: string;
  /** `ip:port` strings; the relay sends its bound UDP address only. */
  endpoints: string[];
  region?: string;
  asn?: number;
  max_sessions?: number;
  /** Must be at least 10000 when present, kbps. */
  max_bitrate_kbps?: number;
  features: string[];
}

export interface RelayRegisterResponse {
  /** How often the relay should heartbeat, ms (5000). */
  heartbeat_interval_ms: number;
  /** Ed25519 public key as a JSON array of 32 bytes. */
  master_public_key: number[];
  master_key_id: string;
}

/** `POST /v1/relays/heartbeat` body; 404 when the master does not know the relay. */
export interface RelayHeartbeatRequest {
  relay_id: string;
  /** Active sessions / max sessions × 100, 0..100. */
  load_pct: number;
}

/** One entry of `GET /v1/relays`. */
export interface RelayListEntry {
  relay_id: string;
  endpoints: string[];
  load_pct: number;
  last_seen_ms_ago: number;
  max_bitrate_kbps: number;
  state: RelayState;
}

/** `POST /admin/api/relays/update_state` body (Bearer `ADMIN_PANEL_TOKEN`). */
export interface RelayStateUpdate {
  relay_id: string;
  new_state: RelayState;
}

/** `GET /health` of the master, always 200. */
export interface MasterHealth {
  status: 'ok';
  ready: boolean;
  uptime_secs: number;
  peers_connected: number;
  relays_registered: number;
  relays_assignable: number;
  signing_key_id: string;
  provisioned_signing_key: boolean;
  lease_ttl_secs: number;
  /** drill: the behaviour profile the fixture runs. */
  release?: string;
}

/** `GET /ready` of the master: 200 with a provisioned key and at least one assignable relay, else 503. */
export interface MasterReady {
  ready: boolean;
  relays_assignable: number;
  provisioned_signing_key: boolean;
  signing_key_id: string;
}

/** `GET /.well-known/wavry-id`. */
export interface WavryIdDocument {
  /** Ed25519 public key, hex. */
  public_key: string;
  key_id: string;
  version: '1.0';
}

// ---- Relay HTTP ----

/** Counters of the relay; each is exported as `wavry_relay_<name>{relay_id="..."}` in `/metrics/prometheus`. */
export const RELAY_COUNTER_NAMES = [
  'packets_rx',
  'bytes_rx',
  'packets_forwarded',
  'bytes_forwarded',
  'lease_present_packets',
  'lease_renew_packets',
  'dropped_packets',
  'rate_limited_packets',
  'identity_rate_limited_packets',
  'invalid_packets',
  'auth_reject_packets',
  'session_not_found_packets',
  'session_not_active_packets',
  'unknown_peer_packets',
  'replay_dropped_packets',
  'backpressure_dropped_packets',
  'session_full_rejects',
  'wrong_relay_rejects',
  'expired_lease_rejects',
  'cleanup_expired_sessions',
  'cleanup_idle_sessions',
  'overload_shed_packets',
  'nat_rebind_events',
] as const;
export type RelayCounterName = (typeof RELAY_COUNTER_NAMES)[number];
export type RelayCounters = Record<RelayCounterName, number>;

/** `GET /health` of the relay, always 200. */
export interface RelayHealth {
  relay_id: string;
  status: 'ok';
  ready: boolean;
  has_master_key: boolean;
  registered_with_master: boolean;
  /** Sessions with both peers present. */
  active_sessions: number;
  total_sessions: number;
  max_sessions: number;
  uptime_secs: number;
  metrics: RelayCounters;
  release?: string;
}

/** `GET /ready` of the relay: 200 when it has a key, is registered and is below the load-shed threshold. */
export interface RelayReady {
  relay_id: string;
  ready: boolean;
}

// ---- Gateway HTTP ----

/** `POST /auth/register` body; 201 on success. */
export interface GatewayRegisterRequest {
  email: string;
  /** 12..128 characters. */
  password: string;
  display_name: string;
  /** 3..32 of [A-Za-z0-9_.-]. */
  username: string;
  /** 64..128 hex characters. */
  public_key: string;
}

export interface GatewayLoginRequest {
  email: string;
  password: string;
  totp_code?: string;
}

/** Body of a successful register or login. */
export interface GatewayAuthResponse {
  user: { id: string; email: string; username: string; display_name: string };
  session: { token: string; expires_at: string };
  /** Opaque session token for `Bind` and `Authorization: Bearer`; valid 24 h, survives a gateway restart. */
  token: string;
  user_id: string;
  email: string;
  username: string;
  totp_required: boolean;
}

/** Every gateway error body. */
export interface GatewayError {
  error: string;
}

/** `GET /health` (= `/metrics/runtime`) of the gateway, always 200. */
export interface GatewayHealth {
  active_ws_connections: number;
  active_relay_sessions: number;
  /** drill: binds per signaling dialect since start, and frames refused because of their dialect. */
  signal_dialects?: { adjacent: number; flat: number; rejected: number };
  release?: string;
}

export const GATEWAY_AUTH_COUNTER_NAMES = [
  'register_attempts',
  'register_success',
  'login_attempts',
  'login_success',
  'totp_setup_attempts',
  'totp_setup_success',
  'totp_enable_attempts',
  'totp_enable_success',
  'logout_attempts',
  'logout_success',
  'rate_limited',
  'validation_errors',
  'auth_failures',
  'db_errors',
] as const;
/** `GET /metrics/auth`. */
export type GatewayAuthMetrics = Record<(typeof GATEWAY_AUTH_COUNTER_NAMES)[number], number>;

// ---- Host (drill's stand-in for wavry-server) ----

/** `GET /health` of the host fixture. */
export interface HostHealth {
  status: 'ok';
  release: string;
  username: string;
  /** Bound on the gateway `/ws` right now. */
  bound: boolean;
  /** `ip:port` the host advertises in HelloAck, or null when it forces clients onto a relay. */
  public_addr: string | null;
  counters: {
    binds: number;
    gateway_disconnects: number;
    offers_answered: number;
    relay_credentials: number;
    lease_acks: number;
    lease_rejects: number;
    inputs_received: number;
    frames_presented: number;
    pings_answered: number;
    direct_packets: number;
    relay_packets: number;
    /** WebRTC offers answered with a data channel. */
    webrtc_offers_answered: number;
    /** WebRTC offers whose SDP the host could not apply (logged; the viewer gets no answer). */
    webrtc_offers_refused: number;
    /** Trickled ICE candidates the host could not read or apply (logged). */
    webrtc_candidates_refused: number;
    /** Logins (or the first registration) at the gateway: 1 while every Bind could reuse the first token. */
    sign_ins: number;
    /** Binds the gateway answered "Invalid Token" (the token the host kept was no longer valid). */
    tokens_refused: number;
  };
  /** Reason name of the most recent LEASE_REJECT, if any. */
  last_lease_reject: LeaseRejectReason | null;
}

/** `GET /ready` of the host fixture: 200 while bound on the gateway `/ws`, else 503 (the real host has no HTTP). */
export interface HostReady {
  ready: boolean;
  bound: boolean;
}

/** First stdout line of every Wavry fixture once it serves; port fields vary by fixture (`ip:port`). */
export interface FixtureListening {
  event: 'listening';
  release: string;
  http?: string;
  udp?: string;
  health?: string;
}
