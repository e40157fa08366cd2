/**
 * node-datachannel (libdatachannel) loaded on first use, and its peer connections counted: the library keeps
 * the process alive until `cleanup()`, which must only run once no connection is left. Each connection binds its
 * ICE socket to the viewer's loopback address and gathers no other candidates (no STUN/TURN servers).
 */
import type { PeerConnection } from 'node-datachannel';

type DataChannelModule = typeof import('node-datachannel');

let loaded: Promise<DataChannelModule> | undefined;
let live = 0;
let used = false;

export async function openPeerConnection(name: string, bindAddress: string): Promise<PeerConnection> {
  loaded ??= import('node-datachannel');
  const { PeerConnection } = await loaded;
  const connection = new PeerConnection(name, { iceServers: [], bindAddress, enableIceTcp: false });
  live += 1;
  used = true;
  return connection;
}

/** Closes the connection (once) and forgets it. */
export function closePeerConnection(connection: PeerConnection): void {
  try {
    connection.close();
  } catch {
    /* already closed */
  }
  live = Math.max(0, live - 1);
}

/** Releases the library's threads once every connection is closed, so the process can exit. */
export async function releaseWebRtcIfIdle(): Promise<void> {
  if (!used || live > 0 || !loaded) return;
  (await loaded).cleanup();
  used = false;
}
