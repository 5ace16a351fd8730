export { NeonHttpDriver, type NeonHttpDriverOptions } from './driver';
