// The metagraph slot of the hotkey a request speaks for (from minerIdentity). A read on the session, before any
// write: an unregistered hotkey is refused with 422 and nothing is written. The repositories check the
// (uid, hotkey) pair again inside their transaction, so a deregistration in between cannot slip through.
import { minerByHotkey, type AnySession } from '../validator';
import { unprocessable } from './http-error';

export async function registeredMiner(session: AnySession, hotkey: string): Promise<{ uid: number; hotkey: string }> {
  const miner = await minerByHotkey(session, hotkey);
  if (!miner) throw unprocessable('body.hotkey', 'not registered in the metagraph');
  return { uid: miner.uid, hotkey: miner.hotkey };
}
