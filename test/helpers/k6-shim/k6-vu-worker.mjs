// One k6 VU stand-in: runs an exported script's exec function for a list of iterations, with the k6 APIs the
// exported scripts use (k6/http, k6/ws, k6/metrics, k6/execution, k6/encoding) blocking as k6's are. The I/O runs
// on the parent thread; this thread blocks on a shared counter and reads replies with receiveMessageOnPort.
// Not k6: a test stand-in to run the scripts against real fixtures where no k6 binary exists.
import { receiveMessageOnPort, workerData, parentPort } from 'node:worker_threads';

const { port, counter, scriptFile, env, iterations, execName } = workerData;
const signal = new Int32Array(counter);
const inbox = [];
let nextId = 1;

function drain() {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) inbox.push(m.message);
}
function waitFor(predicate, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    drain();
    const index = inbox.findIndex(predicate);
    if (index >= 0) return inbox.splice(index, 1)[0];
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    Atomics.wait(signal, 0, Atomics.load(signal, 0), Math.min(left, 50));
  }
}
function sleepMs(ms) {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const samples = [];
class Metric {
  constructor(name, type) {
    this.name = name;
    this.type = type;
  }
  add(value, tags = {}) {
    samples.push({
      metric: this.name,
      value: typeof value === 'boolean' ? (value ? 1 : 0) : value,
      atMs: Date.now(),
      tags: { ...scenarioTags, ...tags },
    });
  }
}
let scenarioTags = {};
const exec = { scenario: { name: '', startTime: 0, iterationInTest: 0 } };

const http = {
  expectedStatuses: (...statuses) => statuses,
  request(method, url, body, params = {}) {
    const id = nextId++;
    port.postMessage({ kind: 'http', id, method, url, body, headers: params.headers ?? {} });
    const reply = waitFor((m) => m.id === id && m.kind === 'http');
    const response = { status: reply ? reply.status : 0, body: reply ? reply.body : null, json: () => JSON.parse(reply.body) };
    samples.push({ metric: 'http_req_duration', value: reply ? reply.elapsedMs : 0, atMs: Date.now(), tags: { ...scenarioTags } });
    return response;
  },
  post(url, body, params) {
    return this.request('POST', url, body, params);
  },
};

const ws = {
  connect(url, _params, callback) {
    const id = nextId++;
    const handlers = {};
    const timers = [];
    let closed = false;
    const socket = {
      on: (event, handler) => (handlers[event] = handler),
      send: (data) => port.postMessage({ kind: 'ws-send', id, data }),
      close: () => {
        if (!closed) port.postMessage({ kind: 'ws-close', id });
        closed = true;
      },
      setTimeout: (handler, delayMs) => timers.push({ at: Date.now() + delayMs, handler }),
    };
    callback(socket);
    port.postMessage({ kind: 'ws-open', id, url });
    while (!closed) {
      const due = timers.filter((t) => t.at <= Date.now());
      for (const timer of due) {
        timers.splice(timers.indexOf(timer), 1);
        timer.handler();
      }
      if (closed) break;
      const nextTimer = Math.min(...timers.map((t) => t.at), Date.now() + 1_000);
      const event = waitFor((m) => m.id === id && m.kind === 'ws', Math.max(1, nextTimer - Date.now()));
      if (!event) continue;
      if (event.event === 'close') closed = true;
      handlers[event.event]?.(event.data);
    }
    return { status: 101 };
  },
};

const encoding = {
  b64encode: (text) => Buffer.from(text).toString('base64'),
  b64decode: (text) => Buffer.from(text, 'base64').toString('utf8'),
};

globalThis.__k6 = {
  exec,
  http,
  ws,
  encoding,
  Trend: class extends Metric {
    constructor(name) {
      super(name, 'trend');
    }
  },
  Rate: class extends Metric {
    constructor(name) {
      super(name, 'rate');
    }
  },
  Counter: class extends Metric {
    constructor(name) {
      super(name, 'counter');
    }
  },
};
globalThis.__ENV = env;

const script = await import(scriptFile);
for (const iteration of iterations) {
  sleepMs(iteration.startAtMs - Date.now());
  exec.scenario = { name: iteration.scenario, startTime: iteration.scenarioStartMs, iterationInTest: iteration.n };
  scenarioTags = { ...iteration.tags, scenario: iteration.scenario };
  script[execName]();
  samples.push({ metric: 'iterations', value: 1, atMs: Date.now(), tags: { ...scenarioTags } });
}
parentPort.postMessage({ kind: 'done', samples });
