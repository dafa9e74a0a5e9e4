/**
 * A request refused by transport validation: the body or subject breaks the API's contract. The edge turns it into
 * VALIDATION_FAILED; the domain keeps DomainError for its own rules.
 */
export class RequestValidationError extends Error {
  readonly code = 'VALIDATION_FAILED' as const;

  constructor(
    message: string,
    readonly fields: Record<string, string>,
  ) {
    super(message);
    this.name = 'RequestValidationError';
  }

  get details(): { fields: Record<string, string> } {
    return { fields: this.fields };
  }
}
