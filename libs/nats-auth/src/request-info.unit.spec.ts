import { parseRequestInfo, RequestInfoError, tagValue } from './request-info.js';

/** As nats-server 2.9.10 sent it through a shared import (the user JWT shortened). */
const SHARED = JSON.stringify({
  start: '2026-12-01T15:02:02.97257665Z',
  host: '127.0.0.1',
  id: 7,
  acc: 'AC2VACK2UZLXRAEK2SUF72OMRDAVSAYTGGC27TTHVQQC5ZVXH3J5ZTGW',
  user: 'UBZDEGGWDAZPMUH3GNIJUS7PGGMSU2ZCUOX5C5KXM3QQGPKXV7M35MZO',
  name: 'client-chosen-name',
  lang: 'nats.js',
  ver: '3.4.0',
  rtt: 22013814,
  server: 'NDGJHGZQBS4JY7S4NA35DDKVWDFZMXLPZULIXHEUHL6PIY7T6OI6LHGI',
  jwt: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig',
  issuer_key: 'AC2VACK2UZLXRAEK2SUF72OMRDAVSAYTGGC27TTHVQQC5ZVXH3J5ZTGW',
  name_tag: 'alice',
  tags: ['org:acme', 'role:admin'],
  kind: 'Client',
  client_type: 'nats',
});

const refusal = (raw: string) => {
  try {
    parseRequestInfo(raw);
  } catch (error) {
    if (error instanceof RequestInfoError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('Nats-Request-Info parsing', () => {
  it('reads account, user key, JWT name, tags and the client-chosen name from a shared import', () => {
    expect(parseRequestInfo(SHARED)).toEqual({
      account: 'AC2VACK2UZLXRAEK2SUF72OMRDAVSAYTGGC27TTHVQQC5ZVXH3J5ZTGW',
      userKey: 'UBZDEGGWDAZPMUH3GNIJUS7PGGMSU2ZCUOX5C5KXM3QQGPKXV7M35MZO',
      userName: 'alice',
      tags: ['org:acme', 'role:admin'],
      clientName: 'client-chosen-name',
    });
  });

  it('reads the account alone from an import that does not share identity', () => {
    expect(
      parseRequestInfo('{"acc":"ABWEBLPKQSLDY4YSMS73D4SHYQQTNZPK3SPOKTTSDVUSESTBYMNRBVQH","rtt":11373004}'),
    ).toEqual({
      account: 'ABWEBLPKQSLDY4YSMS73D4SHYQQTNZPK3SPOKTTSDVUSESTBYMNRBVQH',
      tags: [],
    });
  });

  it('refuses what the server never sends: not JSON, not an object, no account, wrong types', () => {
    expect(refusal('not json')).toMatch(/not JSON/);
    expect(refusal('[1]')).toMatch(/not a JSON object/);
    expect(refusal('null')).toMatch(/not a JSON object/);
    expect(refusal('{}')).toMatch(/names no account/);
    expect(refusal('{"acc":""}')).toMatch(/names no account/);
    expect(refusal('{"acc":42}')).toMatch(/acc must be a string/);
    expect(refusal('{"acc":"A","name_tag":{"x":1}}')).toMatch(/name_tag must be a string/);
    expect(refusal('{"acc":"A","tags":"role:admin"}')).toMatch(/tags must be a list/);
    expect(refusal('{"acc":"A","tags":[1]}')).toMatch(/tags must hold strings/);
  });

  it('refuses oversized headers and fields', () => {
    expect(refusal(`{"acc":"${'A'.repeat(40_000)}"}`)).toMatch(/larger than/);
    expect(refusal(`{"acc":"${'A'.repeat(600)}"}`)).toMatch(/at most 512/);
    expect(refusal(JSON.stringify({ acc: 'A', tags: Array.from({ length: 65 }, () => 'x') }))).toMatch(/at most 64/);
  });

  it('ignores inherited and prototype keys', () => {
    const info = parseRequestInfo('{"acc":"A","__proto__":{"name_tag":"root"},"constructor":{"x":1}}');

    expect(info).toEqual({ account: 'A', tags: [] });
    expect(({} as Record<string, unknown>)['name_tag']).toBeUndefined();
  });

  it('finds the value of a key:value tag', () => {
    expect(tagValue(['org:acme', 'role:admin'], 'role')).toBe('admin');
    expect(tagValue(['org:acme'], 'role')).toBeUndefined();
  });
});
