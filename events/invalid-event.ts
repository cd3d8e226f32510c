/**
 * Raised when an event does not meet the contract. `problems` name fields and rules
 * (`patient.email: must be an email address`), never values, so the error is safe to log
 * and to keep in a dead-letter queue beside the event itself.
 */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}
