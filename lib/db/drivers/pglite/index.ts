export { PgliteDriver, type PgliteDriverOptions } from './driver';
