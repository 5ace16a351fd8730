/* Resource types for `import { Resource } from 'sst'` in functions and lib.
 * `sst dev` / `sst deploy` regenerate this file for the stage they run; this committed copy is
 * the union over the database targets (infra/database.ts), so the resources that exist for only
 * one target are optional: check before use (e.g. `Resource.DatabaseUrl?.value`).
 * Functions normally read DATABASE_URL / DB_DATA_API_* from the environment instead. */
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
    Api: {
      type: 'sst.aws.ApiGatewayV2';
      url: string;
    };
    /** Neon target: the connection string. */
    DatabaseUrl?: {
      type: 'sst.sst.Secret';
      value: string;
    };
    /** Aurora targets (RDS Proxy or Data API). */
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
    Alarms: {
      arn: string;
      type: 'sst.aws.SnsTopic';
    };
    /** Aurora targets. */
    Vpc?: {
      bastion: string;
      type: 'sst.aws.Vpc';
    };
  }
}
export {};
