// Secrets set per stage with `sst secret set <Name> <value> --stage <stage>`.
// DatabaseUrl (the Neon connection string) lives in infra/database.ts: only Neon stages need it.

/** Bearer token of the admin routes; linked to those routes only (Resource.AdminToken.value). */
export const adminToken = new sst.Secret('AdminToken');
