export { DataApiDriver, type DataApiDriverOptions } from './driver';
