/** Subject tokens ({org}, {gatewayId}) and other caller-chosen ids. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Pool names: lowercase slug, 1 to 32 characters, no leading or trailing hyphen. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN_PATTERN.test(value);
export const isSlug = (value: unknown): value is string => typeof value === 'string' && SLUG_PATTERN.test(value);

/** NKey public keys of a NATS account (`A…`) and user (`U…`): 56 base32 characters. Public keys are not secrets. */
export const ACCOUNT_KEY_PATTERN = /^A[A-Z2-7]{55}$/;
export const USER_KEY_PATTERN = /^U[A-Z2-7]{55}$/;
export const isAccountKey = (value: unknown): value is string =>
  typeof value === 'string' && ACCOUNT_KEY_PATTERN.test(value);

/** The org catalog is the consistency boundary: one stream per org (see docs/design.md). */
export const ORG_STREAM_PREFIX = 'gwpool-org-';
export const orgStreamId = (org: string): string => `${ORG_STREAM_PREFIX}${org}`;
export const orgFromStreamId = (streamId: string): string | undefined =>
  streamId.startsWith(ORG_STREAM_PREFIX) ? streamId.slice(ORG_STREAM_PREFIX.length) : undefined;

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Free text the stores can hold: no NUL character and no lone surrogate, which PostgreSQL's text and jsonb refuse. */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);
