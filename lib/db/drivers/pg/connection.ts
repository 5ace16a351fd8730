// One node-postgres Client behind the DriverConnection interface.
import type pg from 'pg';
import { sqlstateOf } from '../../classify';
import type { DriverConnection, PipelineUnit, QueryOptions, QueryResult, RowOptions, TransactionStatus } from '../../driver';
import { sendCancelRequest } from './cancel';
import { runPipeline, type PipelineClient } from './pipeline';
import { rawTemporalTypes } from './types';

let nextId = 1;
const CANCEL_TIMEOUT_MS = 1_000;
const STATUS: Record<string, TransactionStatus> = { I: 'idle', T: 'transaction', E: 'failed' };

/** The protocol connection under a node-postgres-shaped client (pg's, and the one Neon bundles). */
type Wire = { on(event: 'readyForQuery', listener: (msg: { status?: string }) => void): unknown };

export class PgConnection implements DriverConnection {
  readonly id = nextId++;
  private dead = false;
  /**
   * The server's error that ended the connection, when it came while no statement ran (FATAL 25P03 of an idle
   * transaction): pg then fails the next call with a generic "not queryable", which says nothing of why.
   */
  private serverError: unknown;
  private deathListeners: ((err: unknown) => void)[] = [];
  /** The cancel request in flight, if any (bounded by CANCEL_TIMEOUT_MS). */
  private cancelling: Promise<void> | undefined;
  /** The status byte of the server's last ReadyForQuery ('I' until a statement says otherwise). */
  private status = 'I';
  private openedBy: string | undefined;

  constructor(private readonly client: pg.Client) {
    // An error on an idle client is an event, never a crash: mark the connection dead and tell the pool.
    client.on('error', (err) => this.markDead(err));
    client.on('end', () => this.markDead(new Error('connection ended')));
    // Every ReadyForQuery carries the transaction status; Neon's bundled client does not keep it, so read it here.
    (client as unknown as { connection?: Wire }).connection?.on('readyForQuery', (msg) => {
      this.status = msg.status ?? this.status;
    });
  }

  get alive(): boolean {
    return !this.dead;
  }

  get transactionStatus(): TransactionStatus {
    return STATUS[this.status] ?? 'failed';
  }

  get transactionOpenedBy(): string | undefined {
    return this.openedBy;
  }

  onDead(listener: (err: unknown) => void): void {
    if (this.dead) listener(new Error('connection already dead'));
    else this.deathListeners.push(listener);
  }

  async query(text: string, params: readonly unknown[] | undefined, options: QueryOptions): Promise<QueryResult> {
    const values = params as unknown[] | undefined;
    try {
      // Plain text and values when nothing is special: pg clones every config object it is given (~1.3 us).
      // The client's own type parsers are pgTypes (set where the client is made).
      const res =
        options.rowMode === 'object' && !options.rawTemporal
          ? await this.client.query(text, values)
          : await this.client.query({
              text,
              values,
              ...(options.rowMode === 'array' ? { rowMode: 'array' } : {}),
              ...(options.rawTemporal ? { types: rawTemporalTypes } : {}),
            } as pg.QueryConfig);
      return { rows: res.rows, rowCount: res.rowCount };
    } catch (err) {
      throw this.why(err);
    } finally {
      this.noteStatus(text);
    }
  }

  /** A unit in one round trip (drivers/pg/pipeline.ts). */
  async pipeline(unit: PipelineUnit, options: RowOptions): Promise<QueryResult[]> {
    try {
      return await runPipeline(this.client as unknown as PipelineClient, this, unit, options);
    } finally {
      // A unit that leaves its transaction open (BEGIN riding with the first statement) is named by that statement.
      this.noteStatus(unit.statements[0]?.text ?? 'BEGIN');
    }
  }

  async exec(text: string): Promise<void> {
    try {
      await this.client.query(text);
    } catch (err) {
      throw this.why(err);
    } finally {
      this.noteStatus(text);
    }
  }

  /** A call that failed on a connection the server had already ended fails with the server's reason. */
  private why(err: unknown): unknown {
    return this.dead && this.serverError !== undefined && sqlstateOf(err) === undefined ? this.serverError : err;
  }

  /** Remembers the statement that left 'idle' (for the leak report), forgets it once idle again. */
  private noteStatus(text: string): void {
    if (this.status === 'I') this.openedBy = undefined;
    else this.openedBy ??= text;
  }

  async cancel(): Promise<void> {
    if (this.dead) return;
    const pending = this.sendCancel();
    if (!pending) return;
    this.cancelling = pending;
    await pending;
  }

  /** Sends the CancelRequest for the running statement (TCP, straight to the server or pooler); undefined if it cannot. */
  protected sendCancel(): Promise<void> | undefined {
    const c = this.client as pg.Client & { processID: number | null; secretKey: number | null };
    if (c.processID === null || c.secretKey === null || !c.host || c.host.startsWith('/')) return undefined;
    return sendCancelRequest(c.host, c.port, c.processID, c.secretKey, CANCEL_TIMEOUT_MS);
  }

  destroy(): void {
    this.markDead(new Error('connection destroyed'));
    const close = () => {
      const stream = (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
      stream?.destroy();
      this.client.end().catch(() => undefined);
    };
    // A cancel on its way needs this connection open: behind PgBouncer the cancel key only maps to a live client.
    if (this.cancelling) void this.cancelling.finally(close);
    else close();
  }

  private markDead(err: unknown): void {
    if (this.dead) return;
    this.dead = true;
    if (sqlstateOf(err) !== undefined) this.serverError = err;
    const listeners = this.deathListeners;
    this.deathListeners = [];
    for (const l of listeners) l(err);
  }
}
