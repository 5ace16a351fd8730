// Secrets set per stage with `sst secret set <Name> <value> --stage <stage>`.
// DatabaseUrl (the Neon connection string) lives in infra/database.ts: only Neon stages need it.

/** Bearer token of the admin routes; linked to those routes only (Resource.AdminToken.value). */
export const adminToken = new sst.Secret('AdminToken');

/**
 * This validator's hotkey (ss58): miners sign their requests for it (Epistula-Signed-For). Public, but set per
 * stage like a secret, so a stage without it fails to deploy instead of running with miner routes closed.
 * Linked to the miner routes only (Resource.ValidatorHotkey.value). Setting and rotating: docs/OPERATIONS.md.
 */
export const validatorHotkey = new sst.Secret('ValidatorHotkey');
