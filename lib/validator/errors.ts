// Typed errors of the validator's repositories. Every one means: nothing was written.
// Refused input is lib/db's BadInputError (or one of the subclasses below, for callers that want to tell
// the causes apart); a reference to something that does not exist is NotFoundError.
import { BadInputError } from '../db';

export { BadInputError };

export type NotFoundEntity = 'region';

/** The input names a region that is not stored. */
export class NotFoundError extends Error {
  readonly code = 'NOT_FOUND' as const;
  readonly retryable = false;

  constructor(
    readonly entity: NotFoundEntity,
    readonly key: string | number,
    message = `${entity} not found: ${key}`,
  ) {
    super(message);
    this.name = 'NotFoundError';
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, code: this.code, entity: this.entity, key: this.key, message: this.message };
  }
}

/** A prediction from a (uid, hotkey) that is not a registered slot of the metagraph. */
export class UnregisteredMinerError extends BadInputError {
  constructor(
    readonly uid: number,
    readonly hotkey: string,
  ) {
    super(`uid ${uid} is not registered to that hotkey`);
  }
}

/** A prediction for a region or hour whose ground truth is already stored (a late answer could copy it). */
export class SubmissionsClosedError extends BadInputError {}

/**
 * A prediction that arrived outside its submission window (server clock): a geo hour not yet open or already
 * begun, a soil region past its closing time. `field` is what the window belongs to.
 */
export class SubmissionWindowError extends BadInputError {
  constructor(
    readonly field: 'queryTime' | 'regionId',
    readonly window: { opensAt: Date | null; closesAt: Date },
    readonly receivedAt: Date,
    message: string,
  ) {
    super(message);
  }
}

/** A signed submission whose signer's public key holds no slot of the metagraph. Nothing was written. */
export class UnregisteredSignerError extends Error {
  readonly code = 'UNREGISTERED_SIGNER' as const;
  readonly retryable = false;

  constructor() {
    super('the signer is not a registered miner hotkey');
    this.name = 'UnregisteredSignerError';
  }
}

/** A signed submission whose uuid this signer already used within the replay window. Nothing was written. */
export class ReplayError extends Error {
  readonly code = 'REPLAY' as const;
  readonly retryable = false;

  constructor(readonly nonce: string) {
    super(`request uuid ${nonce} was already used by this signer`);
    this.name = 'ReplayError';
  }
}

export function isNotFoundError(err: unknown): err is NotFoundError {
  return err instanceof NotFoundError;
}
