export { PgDriver, type PgDriverOptions } from './driver';
