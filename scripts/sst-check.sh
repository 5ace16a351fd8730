#!/usr/bin/env bash
# Checks sst.config.ts and infra/ offline (no AWS credentials, no Pulumi backend; npm registry only):
#   1. `sst install` writes .sst/platform (components, config.d.ts) and installs the pinned
#      @pulumi/aws there.
#   2. The installed provider is the version pinned in sst.config.ts.
#   3. `tsc --noEmit -p infra/tsconfig.json`: sst.config.ts + infra/ against the platform types.
#   4. scripts/sst-eval.ts per database target, as `sst deploy` and as `sst dev` evaluate it (and Aurora
#      with DB_BASTION=true): runs the program under Pulumi mocks and checks the resources against
#      lib/app/functions.ts (skip with SST_CHECK_EVAL=0).
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export SST_SKIP_DEPENDENCY_CHECK=true SST_NO_BUN=1 SST_TELEMETRY_DISABLED=1 SST_STAGE="${SST_STAGE:-ci}"

echo "sst-check: sst install (stage $SST_STAGE)"
npx --no-install sst install

pinned="$(sed -n "s/.*aws: *{ *version: *'\([^']*\)'.*/\1/p" sst.config.ts)"
installed="$(node -p "require('./.sst/platform/node_modules/@pulumi/aws/package.json').version")"
if [[ -z "$pinned" || "$pinned" != "$installed" ]]; then
  echo "sst-check: @pulumi/aws pinned '${pinned:-?}' in sst.config.ts but .sst/platform has '$installed'" >&2
  exit 1
fi
echo "sst-check: @pulumi/aws $installed (pinned)"

echo "sst-check: tsc -p infra/tsconfig.json"
npx --no-install tsc --noEmit -p infra/tsconfig.json

if [[ "${SST_CHECK_EVAL:-1}" != "0" ]]; then
  for target in neon aurora-proxy aurora-data-api; do
    npx --no-install tsx scripts/sst-eval.ts "$target"
    npx --no-install tsx scripts/sst-eval.ts "$target" --dev
  done
  DB_BASTION=true npx --no-install tsx scripts/sst-eval.ts aurora-proxy
fi
echo "sst-check: ok"
