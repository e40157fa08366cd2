/**
 * A simulated viewer's account at the gateway: `POST /auth/register` (a new user per session), or
 * `POST /auth/login` when the name is already taken (a replay on a gateway that kept its database).
 * Both come from the viewer's own loopback address, so the gateway's auth limit (20 a minute per IP) applies
 * per viewer.
 */
import type { GatewayAuthResponse, GatewayLoginRequest, GatewayRegisterRequest } from '../../wire/wavry.ts';
import { requestJson } from './request-json.ts';

export interface ClientAccount {
  /** 3..32 of [A-Za-z0-9_.-]. */
  username: string;
  email: string;
  /** 12..128 characters. */
  password: string;
  /** 64 hex characters. */
  publicKey: string;
}

/** Registration or login refused (status 0: no HTTP answer at all). */
export class AuthRefused extends Error {
  override name = 'AuthRefused';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const errorText = (body: unknown) =>
  typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : JSON.stringify(body);

export interface SignInOptions {
  localAddress: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** The session token to Bind with. */
export async function signIn(gatewayUrl: string, account: ClientAccount, options: SignInOptions): Promise<string> {
  return (await signUpOrIn(gatewayUrl, account, options)).token;
}

/** The session token, and whether the account was made now (201) rather than found (409, then login). */
export async function signUpOrIn(
  gatewayUrl: string,
  account: ClientAccount,
  options: SignInOptions,
): Promise<{ token: string; registered: boolean }> {
  const call = async (path: string, body: GatewayRegisterRequest | GatewayLoginRequest) => {
    try {
      return await requestJson(new URL(path, gatewayUrl).href, { method: 'POST', body, ...options });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new AuthRefused(0, `${path}: ${(error as Error).message}`);
    }
  };
  let reply = await call('/auth/register', {
    email: account.email,
    password: account.password,
    display_name: account.username,
    username: account.username,
    public_key: account.publicKey,
  });
  const registered = reply.status === 201;
  if (reply.status === 409) reply = await call('/auth/login', { email: account.email, password: account.password });
  if (reply.status !== 200 && reply.status !== 201)
    throw new AuthRefused(reply.status, `gateway auth answered ${reply.status}: ${errorText(reply.body)}`);
  const token = (reply.body as Partial<GatewayAuthResponse> | undefined)?.token;
  if (typeof token !== 'string') throw new AuthRefused(reply.status, 'gateway auth answered without a token');
  return { token, registered };
}
