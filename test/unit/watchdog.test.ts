// The one timer behind every client-side limit: due alarms fire, removed ones never do, re-arming follows the
// earliest alarm, and an idle watchdog never holds the process open.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Watchdog, type Alarm } from '../../lib/db/watchdog';

const run = promisify(execFile);
const WATCHDOG = fileURLToPath(new URL('../../lib/db/watchdog.ts', import.meta.url));

function alarm(inMs: number, fired: string[], name: string, then?: () => void): Alarm {
  return {
    at: Date.now() + inMs,
    expire() {
      fired.push(name);
      then?.();
    },
  };
}

function settled(fired: string[], count: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (fired.length >= count) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
}

describe('Watchdog', () => {
  it('fires alarms by their time, not by the order they were added', async () => {
    const w = new Watchdog();
    const fired: string[] = [];
    w.add(alarm(120, fired, 'late'));
    w.add(alarm(20, fired, 'early')); // earlier than the armed one: re-arms
    w.add(alarm(60, fired, 'middle')); // later than the armed one: waits for the re-arm after "early"
    await settled(fired, 3);
    expect(fired).toEqual(['early', 'middle', 'late']);
  });

  it('never fires an alarm removed before its time, and keeps firing the others', async () => {
    const w = new Watchdog();
    const fired: string[] = [];
    const gone = alarm(20, fired, 'removed');
    w.add(gone);
    w.add(alarm(80, fired, 'kept'));
    w.remove(gone);
    w.remove(gone); // removing twice is harmless
    await settled(fired, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toEqual(['kept']);
  });

  it('honours an alarm added while another expires', async () => {
    const w = new Watchdog();
    const fired: string[] = [];
    w.add(alarm(10, fired, 'first', () => w.add(alarm(10, fired, 'added by first'))));
    await settled(fired, 2);
    expect(fired).toEqual(['first', 'added by first']);
  });

  it('fires an alarm already due at once', async () => {
    const w = new Watchdog();
    const fired: string[] = [];
    w.add(alarm(-1_000, fired, 'past'));
    await settled(fired, 1);
    expect(fired).toEqual(['past']);
  });

  it('holds the process open while an alarm waits, and not once every alarm is removed', async () => {
    // A child process: with a 60 s alarm removed, it exits at once; with a short alarm pending, it waits to fire it.
    const script = (body: string) =>
      `import { Watchdog } from ${JSON.stringify(WATCHDOG)};
       const w = new Watchdog();
       const a = (ms, name) => ({ at: Date.now() + ms, expire() { console.log(name); } });
       ${body}`;
    const removed = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(`const far = a(60000, 'far'); w.add(far); w.remove(far); console.log('end of script');`)], { timeout: 20_000 });
    expect(removed.stdout.trim()).toBe('end of script');
    const pending = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(`w.add(a(100, 'fired')); console.log('end of script');`)], { timeout: 20_000 });
    expect(pending.stdout.trim().split('\n')).toEqual(['end of script', 'fired']);
  });
});
