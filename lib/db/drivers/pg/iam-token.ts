// RDS IAM authentication: the password of each new connection is a token signed (SigV4, locally, no network) with
// the function's own AWS credentials, valid 15 minutes. One token is reused while it is young and re-signed well
// before it expires, so no connection ever presents a stale one; concurrent connects share one signing.
import { AuthenticationError } from '../../errors';
import { redact } from '../../redact';

/** RDS accepts a token for 15 minutes after it was signed. */
export const IAM_TOKEN_LIFETIME_MS = 15 * 60_000;
/** A token is re-signed once this old: 5 minutes of margin for clock skew and a slow connect. */
export const IAM_TOKEN_REFRESH_AFTER_MS = 10 * 60_000;

export type IamEndpoint = { hostname: string; port: number; username: string; region: string | undefined };

/** Signs one token (the real one is `rdsSigner`; tests count or fail it). */
export type SignToken = () => Promise<string>;

export class IamTokenSource {
  private cached: { token: string; signedAt: number } | undefined;
  private signing: Promise<string> | undefined;

  constructor(
    private readonly sign: SignToken,
    private readonly now: () => number = Date.now,
    private readonly refreshAfterMs = IAM_TOKEN_REFRESH_AFTER_MS,
  ) {}

  /** The current token, signed anew when the cached one is `refreshAfterMs` old. pg calls it as `password`. */
  readonly token = (): Promise<string> => {
    const c = this.cached;
    if (c && this.now() - c.signedAt < this.refreshAfterMs) return Promise.resolve(c.token);
    this.signing ??= this.refresh().finally(() => (this.signing = undefined));
    return this.signing;
  };

  private async refresh(): Promise<string> {
    // Its age counts from before the signing: a slow signer never stretches a token past its life.
    const signedAt = this.now();
    let token: string;
    try {
      token = await this.sign();
    } catch (err) {
      // A failed signing is not remembered: the next connect tries again. No token is ever in the message.
      throw new AuthenticationError(`could not sign an RDS IAM auth token: ${redact(err instanceof Error ? err.message : String(err))}`);
    }
    this.cached = { token, signedAt };
    return token;
  }
}

/** The real signer (@aws-sdk/rds-signer, loaded at the first connect of an IAM-authenticated pool). */
export function rdsSigner(endpoint: IamEndpoint): SignToken {
  let signer: Promise<{ getAuthToken(): Promise<string> }> | undefined;
  return async () => {
    signer ??= import('@aws-sdk/rds-signer').then(({ Signer }) => new Signer(endpoint));
    return (await signer).getAuthToken();
  };
}
