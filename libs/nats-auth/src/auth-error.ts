export type AuthErrorCode =
  | 'INVALID_NAME'
  | 'ORG_EXISTS'
  | 'UNKNOWN_ORG'
  | 'ORG_DISABLED'
  | 'ALREADY_ISSUED'
  | 'NOT_ISSUED'
  | 'CLAIMS_REJECTED'
  | 'STORE_UNREADABLE'
  | 'STORE_LOCKED';

/** A refusal of the auth tooling, with a stable code for the CLI and a message for people. Never carries a secret. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
