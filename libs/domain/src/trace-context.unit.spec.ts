import { isTraceparent, parseTraceparent } from './trace-context.js';
import { metadataSchemaError } from './event-schemas.js';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C traceparent', () => {
  it('takes a version-00 traceparent as it is', () => {
    expect(parseTraceparent(valid)).toBe(valid);
    expect(parseTraceparent(` ${valid} `)).toBe(valid);
  });

  it.each([
    ['uppercase hex', valid.toUpperCase()],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['a version-00 value with more fields', `${valid}-extra`],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['a number', 42],
    ['a huge string', `00-${'a'.repeat(10_000)}`],
  ])('ignores %s', (_name, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('reads a later version by its first four fields and passes it on as version 00', () => {
    expect(parseTraceparent('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next')).toBe(valid);
  });

  it('is an optional, checked field of event metadata', () => {
    const metadata = { correlationId: 'c', causationId: 'r', occurredAt: '2026-01-01T00:00:00.000Z' };

    expect(metadataSchemaError({ ...metadata, traceparent: valid })).toBeUndefined();
    expect(metadataSchemaError(metadata)).toBeUndefined();
    expect(metadataSchemaError({ ...metadata, traceparent: 'not-a-trace' })).toMatch(/^metadata\.traceparent /);
    expect(isTraceparent(valid.toUpperCase())).toBe(false);
  });
});
