import { RequestValidationError, type WireError } from '@gwpool/contracts';
import { DomainError } from '@gwpool/domain';
import { boundWireError, headerText, WIRE_LIMITS } from './bounded-wire-error.js';
import { errorHeaders } from './plain-json.serializer.js';
import { toWireError } from './wire-exception.filter.js';

const replyBytes = (error: WireError) => Buffer.byteLength(JSON.stringify({ error }), 'utf8');

const manyFields = (count: number, name: (i: number) => string, reason: (i: number) => string) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [name(i), reason(i)]));

describe('bounded error replies', () => {
  it('leaves a short error exactly as it is', () => {
    const error: WireError = {
      code: 'NOT_FOUND',
      message: "pool 'p1' not found in org 'acme'",
      details: { poolId: 'p1' },
    };

    expect(boundWireError(error)).toEqual(error);
  });

  it('names at most five fields and counts the rest', () => {
    const fields = manyFields(
      50_000,
      (i) => `k${i}`,
      (i) => `property k${i} should not exist`,
    );
    const bounded = boundWireError({ code: 'VALIDATION_FAILED', message: 'invalid request', details: { fields } });

    expect(Object.keys(bounded.details?.['fields'] as object)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    expect(bounded.details?.['moreFields']).toBe(49_995);
  });

  it('truncates a megabyte field name, its reason and the message', () => {
    const key = 'a'.repeat(1_000_000);
    const bounded = toWireError(new RequestValidationError(`invalid request: ${key}`, { [key]: `bad ${key}` }));
    const [[name, reason]] = Object.entries(bounded.details?.['fields'] as object) as [[string, string]];

    expect(bounded.message).toHaveLength(WIRE_LIMITS.messageChars);
    expect(name).toHaveLength(WIRE_LIMITS.fieldNameChars);
    expect(reason).toHaveLength(WIRE_LIMITS.fieldReasonChars);
    expect(replyBytes(bounded)).toBeLessThanOrEqual(WIRE_LIMITS.bodyBytes);
  });

  it('stays within the reply budget even with multi-byte and escaped characters', () => {
    const fields = manyFields(
      10,
      (i) => `\u0001${'€'.repeat(100)}${i}`,
      () => '\u0000'.repeat(500),
    );
    const bounded = boundWireError({ code: 'VALIDATION_FAILED', message: '€'.repeat(5000), details: { fields } });

    expect(replyBytes(bounded)).toBeLessThanOrEqual(WIRE_LIMITS.bodyBytes);
    expect(bounded.code).toBe('VALIDATION_FAILED');
  });

  it('keeps a __proto__ field as a plain field of the reply', () => {
    const bounded = toWireError(
      new RequestValidationError(
        'invalid request',
        JSON.parse('{"__proto__":"property __proto__ should not exist"}') as Record<string, string>,
      ),
    );

    expect(JSON.stringify(bounded.details)).toBe('{"fields":{"__proto__":"property __proto__ should not exist"}}');
  });

  it('bounds domain details too: long strings and long arrays', () => {
    const bounded = toWireError(
      new DomainError('CONFLICT', 'in use', {
        consumerIds: Array.from({ length: 100 }, (_, i) => `c${i}`),
        note: 'n'.repeat(9999),
      }),
    );

    expect(bounded.details?.['consumerIds']).toHaveLength(WIRE_LIMITS.detailArrayItems);
    expect((bounded.details?.['note'] as string).length).toBe(WIRE_LIMITS.detailStringChars);
  });

  it('answers an unexpected error with INTERNAL and no internal text', () => {
    const wire = toWireError(new TypeError("Cannot read properties of null (reading 'prototype')"));

    expect(wire).toEqual({ code: 'INTERNAL', message: 'internal error; the service logged the details' });
  });

  it('writes the message header on one short line', () => {
    const h = errorHeaders({ code: 'VALIDATION_FAILED', message: `line one\r\nline two\u0000${'x'.repeat(5000)}` });
    const value = h.get('Nats-Service-Error');

    expect(value).toMatch(/^line one line two x+…$/);
    expect(value.length).toBe(WIRE_LIMITS.headerChars);
    expect(headerText('a\nb')).toBe('a b');
  });
});
