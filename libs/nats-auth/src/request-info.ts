/** The header nats-server sets on a request that crosses a service import (it replaces any copy the client sent). */
export const REQUEST_INFO_HEADER = 'Nats-Request-Info';

/**
 * What nats-server 2.9 reports about the requester. Seen on 2.9.10 in operator mode: without `share` the header is
 * `{acc, rtt}`; with `share` it adds start, host, id, user, name, lang, ver, server, jwt, issuer_key, name_tag, tags,
 * kind and client_type.
 */
export interface RequestInfo {
  /** The requester's account: its public key in operator mode. Always present. */
  account: string;
  /** The user's public key (`user`), only through a shared import. */
  userKey?: string;
  /** The user JWT's name (`name_tag`), signed by the account's key: the trustworthy name of the user. */
  userName?: string;
  /** The user JWT's tags. */
  tags: string[];
  /**
   * The connection name the client chose (`name`). Anyone can set it to anything: it is never identity, and is
   * kept only so that logs can show it as what it is.
   */
  clientName?: string;
}

export class RequestInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestInfoError';
  }
}

/** Room for the user JWT the server embeds (a few KiB) with margin; anything larger is not from the server. */
const MAX_HEADER = 32 * 1024;
const MAX_FIELD = 512;
const MAX_TAGS = 64;

function field(obj: Record<string, unknown>, key: string): string | undefined {
  if (!Object.hasOwn(obj, key)) return undefined;
  const value = obj[key];
  if (typeof value !== 'string' || value.length > MAX_FIELD) {
    throw new RequestInfoError(`${REQUEST_INFO_HEADER}.${key} must be a string of at most ${MAX_FIELD} characters`);
  }
  return value === '' ? undefined : value;
}

function tagsOf(obj: Record<string, unknown>): string[] {
  if (!Object.hasOwn(obj, 'tags')) return [];
  const tags = obj['tags'];
  if (!Array.isArray(tags) || tags.length > MAX_TAGS) {
    throw new RequestInfoError(`${REQUEST_INFO_HEADER}.tags must be a list of at most ${MAX_TAGS} strings`);
  }
  return tags.map((tag) => {
    if (typeof tag !== 'string' || tag.length > MAX_FIELD) {
      throw new RequestInfoError(`${REQUEST_INFO_HEADER}.tags must hold strings of at most ${MAX_FIELD} characters`);
    }
    return tag;
  });
}

/**
 * Reads the header strictly: own keys only, each with its type checked, unknown keys ignored. Throws
 * RequestInfoError on anything else, which the server never sends.
 */
export function parseRequestInfo(raw: string): RequestInfo {
  if (raw.length > MAX_HEADER) throw new RequestInfoError(`${REQUEST_INFO_HEADER} is larger than ${MAX_HEADER} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new RequestInfoError(`${REQUEST_INFO_HEADER} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestInfoError(`${REQUEST_INFO_HEADER} is not a JSON object`);
  }
  const obj = parsed as Record<string, unknown>;
  const account = field(obj, 'acc');
  if (!account) throw new RequestInfoError(`${REQUEST_INFO_HEADER} names no account`);
  const info: RequestInfo = { account, tags: tagsOf(obj) };
  const userKey = field(obj, 'user');
  const userName = field(obj, 'name_tag');
  const clientName = field(obj, 'name');
  if (userKey) info.userKey = userKey;
  if (userName) info.userName = userName;
  if (clientName) info.clientName = clientName;
  return info;
}

/** The value of a `key:value` tag, e.g. `role` of `role:admin`; the first one wins. */
export function tagValue(tags: readonly string[], key: string): string | undefined {
  const prefix = `${key}:`;
  return tags.find((tag) => tag.startsWith(prefix))?.slice(prefix.length);
}
