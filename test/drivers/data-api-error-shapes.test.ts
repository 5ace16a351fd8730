// data-api: every documented or reported shape of an error is typed, Serverless v1's as well as v2's (the local
// peer speaks v2 only, so v1's shapes are built here with the SDK's own exception classes). docs/DRIVERS.md, "Local
// peers", lists the sources.
import {
  BadRequestException,
  DatabaseErrorException,
  DatabaseUnavailableException,
  TransactionNotFoundException,
  UnsupportedResultException,
} from '@aws-sdk/client-rds-data';
import { describe, expect, it } from 'vitest';
import { dataApiError, isTransactionGone } from '../../lib/db/drivers/data-api/errors';
import { ConnectionFailedError, ConnectionLostError, ConstraintViolationError, LimitExceededError, UnsupportedError } from '../../lib/db';

const meta = { $metadata: {} };
const ID = 'AQIDBAUGBwgJCgsMDQ4PEA==';

describe('data-api error shapes', () => {
  it.each([
    ['v2', new TransactionNotFoundException({ ...meta, message: `Transaction ${ID} isn't found. Transaction has been aborted due to an error from a previous call.` })],
    ['v1', new BadRequestException({ ...meta, message: `Transaction ${ID} is not found` })],
    ['troubleshooting wording', new BadRequestException({ ...meta, message: `Transaction ${ID} isn't found. Transaction may be expired.` })],
  ])('types a lost transaction (%s) as a retryable lost connection', (_shape, raw) => {
    // Act
    const error = dataApiError(raw);

    // Assess
    expect(isTransactionGone(raw)).toBe(true);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['v2, Detail on its own line', new DatabaseErrorException({ ...meta, message: 'ERROR: duplicate key value violates unique constraint "t_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505' })],
    ['v2, Detail run on', new DatabaseErrorException({ ...meta, message: 'ERROR: duplicate key value violates unique constraint "t_pkey"  Detail: Key (id)=(1) already exists.; SQLState: 23505' })],
    ['v1', new BadRequestException({ ...meta, message: 'ERROR: duplicate key value violates unique constraint "t_pkey"\n  Detail: Key (id)=(1) already exists.; SQLState: 23505' })],
  ])('reads the SQLSTATE of %s and keeps only PostgreSQL\'s own message (no row values from Detail)', (_shape, raw) => {
    // Act
    const error = dataApiError(raw);

    // Assess
    expect(error).toBeInstanceOf(ConstraintViolationError);
    expect(error.sqlstate).toBe('23505');
    expect(error.message).toBe('duplicate key value violates unique constraint "t_pkey"');
  });

  it.each([
    ['v2', new UnsupportedResultException({ ...meta, message: 'Database response exceeded size limit' })],
    ['v1', new BadRequestException({ ...meta, message: 'Database returned more than the allowed response size limit' })],
    ['row limit', new BadRequestException({ ...meta, message: 'Packet for query is too large' })],
  ])('types a result over the limit (%s) as LimitExceededError', (_shape, raw) => {
    expect(dataApiError(raw)).toBeInstanceOf(LimitExceededError);
  });

  it('types an unsupported result type as UnsupportedError naming the cure', () => {
    // Act
    const error = dataApiError(new UnsupportedResultException({ ...meta, message: 'The result contains the unsupported data type regclass.' }));

    // Assess
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain('cast the column to text');
  });

  it('types an unavailable database (restart, failover) as a retryable failed connection', () => {
    // Act
    const error = dataApiError(new DatabaseUnavailableException({ ...meta, message: 'unavailable' }));

    // Assess
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(error.retryable).toBe(true);
  });
});
