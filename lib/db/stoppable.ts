// One promise for "the work, unless stopped first": settled by start()'s outcome (a synchronous throw included),
// or earlier by whoever `hold` hands the reject to (a deadline alarm, the session's end). Cheaper per statement
// than Promise.race over two promises, and the loser's late settlement is ignored, never unhandled.
export function stoppable<T>(start: () => Promise<T>, hold: (reject: (err: unknown) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    hold(reject);
    let work: Promise<T>;
    try {
      work = start();
    } catch (err) {
      reject(err);
      return;
    }
    Promise.resolve(work).then(resolve, reject);
  });
}
