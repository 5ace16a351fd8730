// The connection pool: small, plain counters, no magic. Reused across warm invocations of one container.
import type { Driver, DriverConnection } from './driver';
import { ConnectTimeoutError, PoolExhaustedError, SessionClosedError } from './errors';
import type { PoolCounters } from './stats';

export type PoolOptions = {
  max: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  validateAfterIdleMs: number;
  validationTimeoutMs: number;
};

type Slot = {
  conn: DriverConnection;
  expiresAt: number;
  lastUsedAt: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** Set when the pool itself destroys the connection, so its death is not counted as an error. */
  retiring: boolean;
  /** Counted once in `errors`, whoever saw the death first (the driver's event or a lost-connection error). */
  died: boolean;
};

/** A connection checked out of the pool; release it exactly once. */
export type Lease = {
  readonly conn: DriverConnection;
  /** Milliseconds spent waiting for (and opening or validating) the connection. */
  readonly waitMs: number;
  /** Reused from idle (true) or opened for this lease (false). */
  readonly reused: boolean;
};

type Waiter = { resolve: (slot: Slot | 'capacity') => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

export type AcquireLimits = {
  /** Longest wait in the queue. */
  waitMs: number;
  /** Longest time to open a new connection. */
  connectMs: number;
  /** Error to raise when waitMs passes (PoolExhaustedError, or a deadline error when the deadline was shorter). */
  onQueueTimeout?: () => Error;
};

export class Pool {
  private readonly idle: Slot[] = [];
  private readonly leased = new Map<DriverConnection, Slot>();
  private readonly waiters: Waiter[] = [];
  private opening = 0;
  /** Slots on their way to an acquirer (taken from idle, handed to a waiter, just opened, being validated). */
  private handingOver = 0;
  private closed = false;
  private created = 0;
  private destroyed = 0;
  private errors = 0;
  /** Incremented by the session layer when it repairs a leak, and here for a connection released unclean. */
  leaks = 0;
  /** Called when a stale connection is replaced (validation failed). */
  onStaleReplaced: () => void = () => undefined;
  /** Called (to report it) when a connection comes back inside a transaction; it is destroyed, never pooled. */
  onUncleanRelease: (conn: DriverConnection) => void = () => undefined;

  constructor(
    private readonly driver: Driver,
    private readonly options: PoolOptions,
  ) {}

  get counters(): PoolCounters {
    const idle = this.idle.length;
    const acquired = this.leased.size;
    return {
      total: idle + acquired + this.handingOver,
      idle,
      acquired,
      waiting: this.waiters.length,
      created: this.created,
      destroyed: this.destroyed,
      errors: this.errors,
      leaks: this.leaks,
    };
  }

  async acquire(limits: AcquireLimits): Promise<Lease> {
    const started = performance.now();
    // Set before the first wait (nothing awaits before it), so the whole acquire is bounded by waitMs.
    let waitEnd: number | undefined;
    for (;;) {
      if (this.closed) throw new SessionClosedError('the database was closed');
      let now = Date.now();
      let slot: Slot | 'capacity' | undefined = this.takeIdle(now);
      let reused = slot !== undefined;
      if (!slot && this.size() < this.options.max) {
        slot = await this.open(limits.connectMs);
        reused = false;
      }
      if (!slot) {
        waitEnd ??= now + limits.waitMs;
        slot = await this.enqueue(Math.max(0, waitEnd - Date.now()), limits);
        if (slot === 'capacity') continue;
        reused = true;
        now = Date.now();
      }
      // Fresh connections skip the await entirely: the common, warm path stays one hop shorter.
      const usable = !reused || now - slot.lastUsedAt < this.options.validateAfterIdleMs || (await this.validate(slot));
      this.handingOver--;
      if (!usable) continue;
      this.leased.set(slot.conn, slot);
      return { conn: slot.conn, waitMs: performance.now() - started, reused };
    }
  }

  /**
   * Returns a connection; `destroy` closes it instead (after a timeout, a fault, or an unknown state). One the
   * server reports inside a transaction (or a failed one) is a leak: destroyed (the server rolls back), counted
   * and reported, so no later session runs inside it.
   */
  release(conn: DriverConnection, destroy: boolean | 'died' = false): void {
    const slot = this.leased.get(conn);
    if (!slot) throw new Error(`connection ${conn.id} released twice or not from this pool`);
    this.leased.delete(conn);
    if (destroy === 'died') this.countDeath(slot);
    else if (!destroy && conn.alive && conn.transactionStatus !== undefined && conn.transactionStatus !== 'idle') {
      this.leaks++;
      this.onUncleanRelease(conn);
      destroy = true;
    }
    const now = Date.now();
    if (destroy || this.closed || !conn.alive || now >= slot.expiresAt) {
      this.retire(slot);
      this.wakeForCapacity();
      return;
    }
    slot.lastUsedAt = now;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      this.handingOver++;
      waiter.resolve(slot);
      return;
    }
    // One timer per connection, re-armed on each release (no allocation on the hot path); it ignores a leased slot.
    if (slot.idleTimer) slot.idleTimer.refresh();
    else {
      slot.idleTimer = setTimeout(() => this.expireIdle(slot), this.options.idleTimeoutMs);
      slot.idleTimer.unref();
    }
    this.idle.push(slot);
  }

  /** Closes idle connections now and the leased ones as they come back. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new SessionClosedError('the database was closed'));
    }
    for (const slot of this.idle.splice(0)) this.retire(slot);
    await this.driver.close();
  }

  private size(): number {
    return this.idle.length + this.leased.size + this.opening + this.handingOver;
  }

  /** Most recently used first: keeps the fewest connections warm. */
  private takeIdle(now: number): Slot | undefined {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      // The idle timer stays armed: it ignores a leased slot and is re-armed on release.
      if (slot.conn.alive && now < slot.expiresAt) {
        this.handingOver++;
        return slot;
      }
      this.retire(slot);
    }
    return undefined;
  }

  private async open(connectMs: number): Promise<Slot> {
    this.opening++;
    let conn: DriverConnection;
    try {
      conn = await this.driver.connect(connectMs);
    } catch (err) {
      this.wakeForCapacity();
      throw err;
    } finally {
      this.opening--;
    }
    this.created++;
    // Lifetimes are jittered so a fleet does not reconnect in lockstep.
    const lifetime = this.options.maxLifetimeMs * (0.9 + Math.random() * 0.1);
    const slot: Slot = { conn, expiresAt: Date.now() + lifetime, lastUsedAt: Date.now(), idleTimer: undefined, retiring: false, died: false };
    conn.onDead(() => this.onConnectionDied(slot));
    if (this.closed) {
      this.retire(slot);
      throw new SessionClosedError('the database was closed');
    }
    this.handingOver++;
    return slot;
  }

  /** A connection idle longer than the threshold (a Lambda freeze) is pinged under a short timeout. */
  private async validate(slot: Slot): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const ping = slot.conn.query('SELECT 1', undefined, { rowMode: 'array', rawTemporal: false });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ConnectTimeoutError('validation timed out')), this.options.validationTimeoutMs);
      });
      await Promise.race([ping, timeout]);
      return true;
    } catch {
      // A silently dead socket (no FIN, no RST) lands here after the validation timeout: replace it.
      if (slot.conn.alive) this.errors++; // one that died on its own was counted when it died
      this.onStaleReplaced();
      this.retire(slot);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private enqueue(waitMs: number, limits: AcquireLimits): Promise<Slot | 'capacity'> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(limits.onQueueTimeout?.() ?? new PoolExhaustedError(`no connection free within ${waitMs} ms (pool size ${this.options.max})`, { limitMs: waitMs }));
        }, waitMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** A connection went away: let one waiter try to open a new one. */
  private wakeForCapacity(): void {
    const waiter = this.waiters.shift();
    if (!waiter) return;
    clearTimeout(waiter.timer);
    waiter.resolve('capacity');
  }

  private expireIdle(slot: Slot): void {
    const i = this.idle.indexOf(slot);
    if (i < 0) return;
    this.idle.splice(i, 1);
    this.retire(slot);
  }

  private countDeath(slot: Slot): void {
    if (slot.died) return;
    slot.died = true;
    this.errors++;
  }

  private onConnectionDied(slot: Slot): void {
    if (slot.retiring) return;
    this.countDeath(slot);
    const i = this.idle.indexOf(slot);
    if (i >= 0) {
      // Died while idle (server restart, terminated backend): drop it quietly; the next acquire opens a new one.
      this.idle.splice(i, 1);
      clearTimeout(slot.idleTimer);
      this.retire(slot);
    }
  }

  private retire(slot: Slot): void {
    if (slot.retiring) return;
    slot.retiring = true;
    clearTimeout(slot.idleTimer);
    this.destroyed++;
    slot.conn.destroy();
  }
}
