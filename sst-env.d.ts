/* Resource types for `import { Resource } from 'sst'` in functions and lib.
 * `sst dev` / `sst deploy` regenerate this file for the stage they run; this committed copy is
 * the union over the database targets (infra/database.ts), so the resources that exist for only
 * one target are optional: check before use (e.g. `'DatabaseUrl' in Resource`).
 * Functions are linked to AdminToken (admin routes), ValidatorHotkey (miner routes) and DatabaseUrl (the Neon target; any target in
 * `sst dev`) only: the Aurora component is never linked, its link would carry the master password. */
/* tslint:disable */
/* eslint-disable */
import 'sst';
declare module 'sst' {
  export interface Resource {
    /** Linked to admin routes only. */
    AdminToken: {
      type: 'sst.sst.Secret';
      value: string;
    };
    /** Linked to miner routes only: the ss58 hotkey miners sign their requests for. */
    ValidatorHotkey: {
      type: 'sst.sst.Secret';
      value: string;
    };
    Alarms: {
      arn: string;
      type: 'sst.aws.SnsTopic';
    };
    Api: {
      type: 'sst.aws.ApiGatewayV2';
      url: string;
    };
    /** Aurora targets (not linked to any function). */
    Database?: {
      clusterArn: string;
      database: string;
      host: string;
      password: string;
      port: number;
      reader: string;
      secretArn: string;
      type: 'sst.aws.Aurora';
      username: string;
    };
    /** The connection string: the Neon target's secret, or (sst dev on Aurora) the local database. */
    DatabaseUrl?: {
      type: 'sst.sst.Secret' | 'sst.sst.Linkable';
      value: string;
    };
    /** Events of failed scheduled runs. */
    FailedJobRuns: {
      type: 'sst.aws.Queue';
      url: string;
    };
    /** The migration function the deploy invokes. */
    Migrate: {
      name: string;
      type: 'sst.aws.Function';
    };
    /** Aurora targets. */
    Vpc?: {
      bastion: string;
      type: 'sst.aws.Vpc';
    };
  }
}
export {};
