export { NeonWsDriver, type NeonWsDriverOptions, type NeonWsSettings } from './driver';
