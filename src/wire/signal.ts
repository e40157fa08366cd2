/**
 * Wire shapes of the Signal bot stack, shared by the harness and the stand-in services in `fixtures/`.
 * The public parts follow signal-cli-rest-api (json-rpc mode) and signal-client; the `/_drill` control API is
 * the harness's own and plays the Signal network: it delivers user messages and records what the bridge sent.
 */

/** `dataMessage` of a received envelope (subset a bot reads). */
export interface DataMessage {
  timestamp: number;
  message: string | null;
  expiresInSeconds?: number;
  viewOnce?: boolean;
  /** Always present in signal-cli's JSON (a boolean of the message), false for ordinary messages. */
  isExpirationUpdate?: boolean;
  /** signal-cli always writes all four: `groupName` is null for a group it knows no title of. */
  groupInfo?: { groupId: string; groupName: string | null; revision: number; type: string };
  quote?: { id: number; author: string; authorNumber?: string; authorUuid?: string; text: string };
}

export interface Envelope {
  source: string;
  sourceNumber: string | null;
  sourceUuid: string;
  sourceName: string;
  sourceDevice: number;
  /** ms since epoch; with `source`, the pair bots deduplicate on. */
  timestamp: number;
  serverReceivedTimestamp?: number;
  serverDeliveredTimestamp?: number;
  dataMessage?: DataMessage;
  syncMessage?: { sentMessage?: DataMessage & { destination?: string; destinationNumber?: string; destinationUuid?: string } };
  receiptMessage?: { when: number; isDelivery: boolean; isRead: boolean; isViewed: boolean; timestamps: number[] };
  typingMessage?: { action: 'STARTED' | 'STOPPED'; timestamp: number; groupId?: string };
}

/**
 * The envelope of a message signal-cli could not decrypt (no session with the sender, as on a re-linked device):
 * sealed sender hides who sent it, and there is no content.
 */
export interface UndecryptableEnvelope {
  source: null;
  sourceNumber: null;
  sourceUuid: null;
  sourceName: null;
  sourceDevice: null;
  timestamp: number;
  serverReceivedTimestamp: number;
  serverDeliveredTimestamp: number;
  dataMessage?: never;
  syncMessage?: never;
  receiptMessage?: never;
  typingMessage?: never;
}

/** signal-cli's `exception` of a receive notification (JsonError: the Java exception's message and class name). */
export interface ReceiveException {
  message: string;
  type: string;
}

/** One websocket text frame of `GET /v1/receive/{number}` in json-rpc mode. */
export interface ReceiveFrame {
  envelope: Envelope | UndecryptableEnvelope;
  account: string;
  /** Set when signal-cli failed on the message; the envelope then carries no content. */
  exception?: ReceiveException;
}

/** Body of `POST /v2/send`. */
export interface SendRequest {
  number: string;
  recipients?: string[];
  recipient?: string;
  message?: string;
  base64_attachments?: string[];
  quote_timestamp?: number;
  quote_author?: string;
  quote_message?: string;
  text_mode?: 'normal' | 'styled';
  view_once?: boolean;
  sticker?: string;
  notify_self?: boolean;
}

/** signal-cli's `SendMessageResult` types other than SUCCESS (JsonSendMessageResult.Type). */
export type RecipientFailureReason =
  | 'NETWORK_FAILURE'
  | 'UNREGISTERED_FAILURE'
  | 'IDENTITY_FAILURE'
  | 'RATE_LIMIT_FAILURE'
  | 'INVALID_PRE_KEY_FAILURE';

/** 201 body up to release 0.100. */
export interface SendResponseObject {
  timestamp: string;
}
/** 201 body after 0.100: one entry per batch. */
export type SendResponseArray = { timestamp: string; errors?: { recipients: { number?: string; uuid?: string; username?: string; reason: string }[] } }[];

// ---- The harness control API of the bridge stand-in (its own port, `DRILL_CONTROL_PORT`) ----

/** What kind of envelope to generate. `receipt` and `typing` are noise a bot must ignore. */
export type InjectKind = 'data' | 'sync' | 'receipt' | 'typing';

export interface InjectMessage {
  source: string;
  sourceName?: string;
  sourceUuid?: string;
  /** ms since epoch; reuse a pair to test dedupe. */
  timestamp: number;
  message?: string;
  groupId?: string;
  /** The group's title as `groupInfo.groupName`; null when not given. */
  groupName?: string;
  kind?: InjectKind;
}

/** `POST /_drill/inject` body. */
export interface InjectRequest {
  /** The bot's account number; frames are delivered to sockets on `/v1/receive/{account}`. */
  account: string;
  messages: InjectMessage[];
  /**
   * Deliver the messages back to back, as notification lines signal-cli already wrote (a backlog drained at
   * once): upstream, a socket whose goroutine is still writing the previous frame misses the next one, so in
   * a burst every socket misses all but the first frame. Default false: one event-loop turn between frames.
   */
  burst?: boolean;
}

/** `POST /_drill/inject` 200 body: per message, to how many sockets the frame went (0 = dropped). */
export interface InjectResponse {
  delivered: number[];
  dropped: number;
}

/** One accepted send in the oracle log: `GET /_drill/sends?since=SEQ`, and pushed on the `/_drill/oracle` websocket. */
export interface SendRecord {
  seq: number;
  /** Route template that accepted it: `/v2/send`, `/v1/reactions/{number}`, `/v1/typing-indicator/{number}`. */
  route: string;
  method: string;
  number: string;
  recipients: string[];
  message: string | null;
  quoteTimestamp: number | null;
  quoteAuthor: string | null;
  idempotencyKey: string | null;
  /** Recipients signal-cli reported failed although the send was accepted (`recipientFailures` fault); absent when none. */
  recipientErrors?: { number?: string; uuid?: string; username?: string; reason: string }[];
  /** Epoch ms with fraction when the bridge accepted the request. */
  receivedAtMs: number;
}

export interface SendsResponse {
  next: number;
  sends: SendRecord[];
}

/** `GET /_drill/stats`. */
export interface BridgeStats {
  release: string;
  up: boolean;
  subscribers: number;
  framesDelivered: number;
  /**
   * Frames a socket missed: no subscriber, a socket still busy (writing, or waiting for the shared write lock
   * behind a slow socket), frame loss or an unlinked device, or lost in a restart flush.
   */
  framesDropped: number;
  sendsAccepted: number;
  sendsRejected: number;
  /** Receive websocket upgrades accepted, all accounts; reported only by a release that limits reconnects. */
  receiveConnects?: number;
  /** Receive websocket upgrades refused (429) by the release's reconnect limit. */
  receiveRejected?: number;
  /** Most receive upgrade attempts (accepted or refused) within any one second. */
  receivePeakPerSecond?: number;
}

/** `PUT /_drill/faults` body; `DELETE /_drill/faults` clears all. Route keys are paths such as `/v2/send` or `*`. */
export interface BridgeFaults {
  /** Added latency per route, ms. */
  latencyMs?: Record<string, number>;
  /** Routes that never answer (json-rpc getRaw has no timeout). */
  hang?: string[];
  /**
   * The device is unlinked: in json-rpc mode every signal-cli call answers 400 "Specified account does not exist"
   * (normal mode: "User +X is not registered."), and the websocket stays open but silent. Once cleared (re-linked),
   * the first message of each sender arrives as an `exception` frame: the new device has no sessions yet.
   */
  unregistered?: boolean;
  /**
   * The account is no longer registered for sending while the daemon's open receive connection still delivers
   * (the state the bridge's issues report, BR#457, BR#621): every signal-cli call answers 400
   * "User +X is not registered.\n" in any mode; frames keep arriving. Clearing it re-links as `unregistered` does
   * (each sender's first message then arrives as an `exception` frame).
   */
  notRegistered?: boolean;
  /**
   * Per-recipient send failures signal-cli reports inside a result (`UNREGISTERED_FAILURE`, `NETWORK_FAILURE`, …):
   * each recipient of a send fails with probability `share`. A send where no recipient succeeded answers 400
   * "Failed to send message"; a group send, or one with any success, answers 201 and, with the array body,
   * lists the failures under `errors.recipients`.
   */
  recipientFailures?: { share: number; reason: RecipientFailureReason };
  /** Sends answer 429 with challenge tokens. */
  rateLimited?: boolean;
  /** Share of frames lost before delivery, 0..1. */
  frameLoss?: number;
  /** Answer sends with this 5xx status. */
  sendErrorStatus?: number;
}

/** `POST /_drill/restart` body: close sockets, refuse connections for downMs, flush the backlog before subscribers return. */
export interface BridgeRestartRequest {
  downMs: number;
}

/** `PUT /_drill/config` body. */
export interface BridgeConfig {
  sendResponseShape?: 'object' | 'array';
  mode?: 'json-rpc' | 'normal' | 'native';
  version?: string;
}

// ---- The bot (signal-client stand-in) ----

export interface BotReady {
  ready: boolean;
  queue_ready: boolean;
  worker_pool_ready: boolean;
  websocket_configured: boolean;
  api_clients_ready: boolean;
  queue_depth: number;
  ingest_paused_until: number;
}

export type BotDlqStatus = { enabled: true; depth: number; oldest_next_retry_at: number | null } | { enabled: false; depth: 0 };

/** What a worker dead-letters: the frame, why, and where it failed. */
export interface DlqWorkerPayload {
  raw: unknown;
  reason: string;
  metadata: Record<string, unknown>;
}

/** A DLQ record. Backpressure (FAIL_FAST) stores the parsed frame itself, or `{raw}` when it was not JSON. */
export interface DlqRecord {
  payload: DlqWorkerPayload | ReceiveFrame | { raw: string };
  message: DlqRecord['payload'];
  retry_count: number;
  /** epoch seconds */
  next_retry_at: number;
}

/** `POST /_drill/dlq/replay` on the bot's health port (harness extension: upstream has no replay loop). */
export interface DlqReplayResponse {
  replayed: number;
  pending: number;
  discarded: number;
  /** Ready records dropped because their message already ran in this replay; only with `dlqReplay: once-per-message`. */
  duplicates?: number;
}
