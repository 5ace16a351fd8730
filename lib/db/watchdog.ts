// One timer for every client-side limit of a Database (session deadlines, transaction timeouts, statement
// guards). A unit registers its alarm and removes it when it settles; the timer is re-armed only when a new
// alarm is earlier than the one armed, and a unit that ends early never touches it. Steady traffic costs a
// Set insert and delete per unit instead of a setTimeout/clearTimeout pair and its closures (bench/db.ts).

/** Something with a deadline: `expire()` runs once, at or after `at` (epoch ms), unless removed before. */
export interface Alarm {
  readonly at: number;
  expire(): void;
}

export class Watchdog {
  private readonly alarms = new Set<Alarm>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (epoch ms); Infinity when none is armed. */
  private armedAt = Number.POSITIVE_INFINITY;
  private readonly onTimer = () => this.fire();

  add(alarm: Alarm): void {
    // The timer holds the process open only while an alarm waits (like the timers it replaces).
    if (this.alarms.size === 0) this.timer?.ref();
    this.alarms.add(alarm);
    if (alarm.at < this.armedAt) this.arm(alarm.at);
  }

  remove(alarm: Alarm): void {
    // A stale timer is left armed: it finds nothing due, re-arms for the earliest alarm left (if any) and stops.
    if (this.alarms.delete(alarm) && this.alarms.size === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(at - Date.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    for (const alarm of this.alarms) {
      if (alarm.at > now) continue;
      this.alarms.delete(alarm);
      alarm.expire();
    }
    // Expiring may have added or removed alarms: the next one is looked up after.
    let next = Number.POSITIVE_INFINITY;
    for (const alarm of this.alarms) if (alarm.at < next) next = alarm.at;
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
