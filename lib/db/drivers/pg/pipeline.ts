// A PipelineUnit (lib/db/driver.ts) on a node-postgres-shaped client: pg's, and the pg fork Neon bundles. The unit
// is a "submittable" query object, the mechanism pg-cursor and pg-query-stream use: the client calls submit() when
// the connection is free and then hands it every backend message (handleRowDescription, handleDataRow, ...).
// submit() writes the whole unit at once, ending in one Sync, so it costs one round trip. When a step fails the
// server skips to the Sync: nothing after it runs, and the transaction block it opened is left failed ('E').
import { toDbError } from '../../classify';
import type { PipelineUnit, QueryResult, RowOptions } from '../../driver';
import { BadInputError, type FailedStep } from '../../errors';
import { fingerprint } from '../../fingerprint';
import { beginStatements } from '../../timeouts';
import { encodeUnit, type WireStatement } from './frontend';
import { ResultBuilder, type FieldDescription, type TypeParsers } from './rows';
import { rawTemporalTypes } from './types';

/** What the unit needs of the client: a submittable goes in as is; a text is a plain (simple-protocol) query. */
export type PipelineClient = TypeParsers & {
  query(submittable: PipelinedUnit): unknown;
  query(text: string): Promise<unknown>;
};

/** What the unit needs of the connection it runs on (a PgConnection). */
export type PipelineConnection = { readonly alive: boolean; destroy(): void };

/** The client's protocol connection, as submit() receives it: its socket, and the events it emits per message. */
type Wire = {
  stream: { write(data: Uint8Array): unknown };
  on(event: 'readyForQuery', listener: (msg: { status?: string }) => void): unknown;
  on(event: 'end' | 'error', listener: (err?: unknown) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  sendCopyFail(message: string): void;
};

type Step = { part: 'begin' | 'commit' } | { part: 'statement'; index: number };

type Outcome = {
  results: QueryResult[];
  /** The first error: a server ErrorResponse, a row the type parser could not read, or the connection's end. */
  error: unknown;
  /**
   * Index of the step the server reported the error at (the steps it completed before it). Undefined when the
   * connection ended without a word from the server: the server sends nothing before the Sync (or an error), so the
   * client cannot tell how far it got, nor whether a COMMIT it already received ran.
   */
  errorAt: number | undefined;
  /** ReadyForQuery's transaction status ('I', 'T', 'E'); undefined when the connection ended instead. */
  status: string | undefined;
};

/** Runs a unit in one round trip; see PipelineUnit for what a failure leaves behind. */
export async function runPipeline(client: PipelineClient, conn: PipelineConnection, unit: PipelineUnit, options: RowOptions): Promise<QueryResult[]> {
  const { steps, wire } = plan(unit);
  // Encoded before anything is sent: a value that cannot be sent fails the call with the connection untouched.
  const pipelined = new PipelinedUnit(encodeUnit(wire), steps, () => new ResultBuilder(options.rowMode, options.rawTemporal ? rawTemporalTypes : client));
  client.query(pipelined);
  const outcome = await pipelined.outcome;
  if (outcome.error === undefined) return outcome.results;
  const lost = outcome.status === undefined || !conn.alive;
  const error = toDbError(outcome.error, { connectionDead: lost });
  if (outcome.errorAt !== undefined) error.failedAt = describeStep(steps, outcome.errorAt, unit);
  // An atomic unit leaves the connection idle: its failed block ends here, one more round trip, only on failure.
  if (unit.commit && outcome.status === 'E') await endFailedBlock(client, conn);
  throw error;
}

function plan(unit: PipelineUnit): { steps: Step[]; wire: WireStatement[] } {
  if (!Array.isArray(unit.statements)) throw new BadInputError('a pipelined unit needs an array of statements');
  if (unit.statements.length === 0 && !unit.begin && !unit.commit) throw new BadInputError('a pipelined unit needs at least one statement');
  const steps: Step[] = [];
  const wire: WireStatement[] = [];
  if (unit.begin) {
    for (const text of beginStatements(unit.begin)) {
      steps.push({ part: 'begin' });
      wire.push({ text });
    }
  }
  unit.statements.forEach((st, index) => {
    if (typeof st?.text !== 'string') throw new BadInputError(`statement ${index} of the unit has no text`);
    if (st.params !== undefined && !Array.isArray(st.params)) throw new BadInputError(`statement ${index} of the unit: params must be an array`);
    steps.push({ part: 'statement', index });
    wire.push(st);
  });
  if (unit.commit) {
    steps.push({ part: 'commit' });
    wire.push({ text: 'COMMIT' });
  }
  return { steps, wire };
}

function describeStep(steps: readonly Step[], at: number, unit: PipelineUnit): FailedStep {
  const step = steps[Math.min(at, steps.length - 1)]!;
  if (step.part !== 'statement') return { part: step.part };
  const fp = fingerprint(unit.statements[step.index]!.text);
  return { part: 'statement', index: step.index, of: unit.statements.length, fingerprint: fp.id, statement: fp.text };
}

async function endFailedBlock(client: PipelineClient, conn: PipelineConnection): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // A connection whose state is unknown is never reused.
    conn.destroy();
  }
}

/** The submittable: writes the unit, gathers each statement's result, settles on the unit's one ReadyForQuery. */
export class PipelinedUnit {
  readonly outcome: Promise<Outcome>;
  private settle!: (outcome: Outcome) => void;
  private readonly results: QueryResult[] = [];
  private builder: ResultBuilder | undefined;
  /** Steps completed so far (CommandComplete or EmptyQueryResponse each). */
  private step = 0;
  private error: unknown;
  private errorAt: number | undefined;
  private submitted = false;
  private settled = false;
  private detach: (() => void) | undefined;

  constructor(
    private readonly bytes: Buffer,
    private readonly steps: readonly Step[],
    private readonly newResult: () => ResultBuilder,
  ) {
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  /** Called by the client once the connection is free: the whole unit in one write. */
  submit(connection: Wire): null {
    this.submitted = true;
    // The unit ends with its ReadyForQuery, read here for its status (the client keeps none in Neon's fork), or with
    // the connection's end (a FATAL, a dead socket). Listened to on the connection, not through the client: the
    // client stops passing messages to a query once an ErrorResponse arrived, and the ReadyForQuery still follows.
    const onReady = (msg: { status?: string }) => this.finish(msg.status ?? 'E');
    const onEnd = (err?: unknown) => {
      this.fail(err ?? new Error('Connection terminated unexpectedly'), false);
      this.finish(undefined);
    };
    connection.on('readyForQuery', onReady);
    connection.on('end', onEnd);
    connection.on('error', onEnd);
    this.detach = () => {
      connection.removeListener('readyForQuery', onReady);
      connection.removeListener('end', onEnd);
      connection.removeListener('error', onEnd);
    };
    connection.stream.write(this.bytes);
    return null;
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    (this.builder ??= this.newResult()).describe(msg.fields);
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (this.error !== undefined) return;
    try {
      (this.builder ??= this.newResult()).add(msg.fields);
    } catch (err) {
      // As node-postgres: a row its type parser cannot read fails the call, after the server finished the unit.
      this.fail(err);
    }
  }

  handleCommandComplete(msg: { text?: string }): void {
    this.complete(msg.text);
  }

  /** A statement that is only a comment: no CommandComplete, no rows. */
  handleEmptyQuery(): void {
    this.complete(undefined);
  }

  /**
   * A server error (the server now skips to the Sync; a FATAL ends the connection next), or the client giving up on
   * a connection that already ended (then the connection's end settled the unit first).
   */
  handleError(err: unknown): void {
    if (!this.submitted) {
      // Never written (the client was already unusable): nothing ran, and no ReadyForQuery will come.
      this.fail(err, false);
      this.finish(undefined);
    } else this.fail(err, true);
  }

  /** Settled by the connection's readyForQuery listener (submit), which carries the status. */
  handleReadyForQuery(): void {}

  /** Never sent: Execute asks for every row. */
  handlePortalSuspended(): void {}

  /** COPY ... FROM STDIN has no data to read here: refused the way node-postgres refuses it. */
  handleCopyInResponse(connection: Wire): void {
    connection.sendCopyFail('COPY FROM STDIN is not supported in a pipelined unit');
  }

  handleCopyData(): void {}

  private complete(tag: string | undefined): void {
    const step = this.steps[this.step++];
    if (step?.part === 'statement') this.results.push((this.builder ?? this.newResult()).complete(tag));
    this.builder = undefined;
  }

  /** Keeps the first error, and where it came (`located`: the server said so, in order with the steps' answers). */
  private fail(err: unknown, located = true): void {
    if (this.error !== undefined) return;
    this.error = err;
    this.errorAt = located ? this.step : undefined;
  }

  private finish(status: string | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.detach?.();
    if (this.error === undefined && this.step !== this.steps.length) {
      this.fail(new Error(`the server answered ${this.step} of the unit's ${this.steps.length} steps`));
    }
    this.settle({ results: this.results, error: this.error, errorAt: this.errorAt, status });
  }
}
