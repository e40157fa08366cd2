/**
 * Runs a command for a service (a playbook's `exec`): an argv list, never a shell string. On the process runtime it
 * runs in the service's folder with its environment; on containers, inside the container (`docker exec`), whose
 * multiplexed output is read here. Either way: the exit code and the first output, bounded in time.
 */
import { execFile } from 'node:child_process';
import type { Duplex } from 'node:stream';
import type { ExecResult, ServicePlan } from './runtime.ts';

/** Most output kept, bytes. */
const OUTPUT_BYTES = 64 * 1024;

export function execInFolder(plan: ServicePlan, argv: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd: plan.dataDir, env: { ...process.env, ...plan.env }, timeout: timeoutMs, maxBuffer: OUTPUT_BYTES }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ exitCode: 0, output, timedOut: false });
      const code = typeof error.code === 'number' ? error.code : null;
      resolve({ exitCode: code, output: code === null ? `${output}${error.message}` : output, timedOut: Boolean(error.killed) });
    });
  });
}

/** What dockerode's container gives for an exec (the subset used). */
export interface ExecCapable {
  exec(options: { Cmd: string[]; AttachStdout: boolean; AttachStderr: boolean }): Promise<{
    start(options: { hijack: boolean; stdin: boolean }): Promise<Duplex>;
    inspect(): Promise<{ ExitCode: number | null; Running: boolean }>;
  }>;
}

export async function execInContainer(container: ExecCapable, argv: string[], timeoutMs: number): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const finished = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    for (const event of ['end', 'close', 'error']) stream.once(event, () => (clearTimeout(timer), resolve(true)));
  });
  const done = await finished;
  stream.destroy();
  const { ExitCode } = await exec.inspect();
  return { exitCode: done ? ExitCode : null, output: demultiplex(Buffer.concat(chunks)), timedOut: !done };
}

/** The engine's stream format without a TTY: frames of [stream, 0, 0, 0, size (4 bytes, big-endian)] + payload. */
export function demultiplex(data: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= data.length && parts.reduce((n, p) => n + p.length, 0) < OUTPUT_BYTES) {
    const size = data.readUInt32BE(offset + 4);
    parts.push(data.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}
