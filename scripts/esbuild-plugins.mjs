// esbuild plugins of every Lambda bundle: SST loads this file (`nodejs.plugins` in infra/database.ts) and
// scripts/bundle.ts uses the same list, so what is measured is what is deployed.
import path from 'node:path';

/**
 * zod's classic API (`import { z } from 'zod'`) re-exports every locale (`z.locales`), ~250 KiB of a 0.75 MiB API
 * bundle that V8 must compile at every cold start, though only English is ever used (zod registers it itself on the
 * first schema). The locales index is replaced by English alone; `z.locales.en()` still works, any other locale is
 * gone.
 */
export function zodEnglishOnly() {
  return {
    name: 'zod-english-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
        contents: 'export { default as en } from "./en.js";\n',
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}

export default [zodEnglishOnly()];
