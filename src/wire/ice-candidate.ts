/**
 * ICE candidates in CANDIDATE signaling messages: the JSON a browser's `RTCIceCandidate.toJSON()` gives
 * (`{"candidate":"candidate:…","sdpMid":"0"}`); a bare candidate line is read too, with mid "0".
 */
export interface IceCandidate {
  /** `candidate:…` (no `a=` prefix). */
  candidate: string;
  sdpMid: string;
}

export function encodeCandidate(candidate: string, sdpMid: string): string {
  return JSON.stringify({ candidate: candidate.replace(/^a=/, ''), sdpMid });
}

export function decodeCandidate(text: string): IceCandidate | undefined {
  const bare = (line: string) => line.replace(/^a=/, '');
  if (/^(a=)?candidate:/.test(text)) return { candidate: bare(text), sdpMid: '0' };
  try {
    const parsed = JSON.parse(text) as { candidate?: unknown; sdpMid?: unknown };
    if (typeof parsed.candidate !== 'string' || !/^(a=)?candidate:/.test(parsed.candidate)) return undefined;
    return { candidate: bare(parsed.candidate), sdpMid: typeof parsed.sdpMid === 'string' ? parsed.sdpMid : '0' };
  } catch {
    return undefined;
  }
}
