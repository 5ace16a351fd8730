// Types of scripts/esbuild-plugins.mjs (plain JavaScript: SST loads it with node, outside the TypeScript build).
import type { Plugin } from 'esbuild';

export function zodEnglishOnly(): Plugin;
declare const plugins: Plugin[];
export default plugins;
