import type { LivenessRecord, ViewCollection, ViewDoc } from '@gwpool/read-model';

/** Tables of one namespace; `s` is the quoted schema name. */
export const schemaDdl = (s: string): string => `
  CREATE SCHEMA IF NOT EXISTS ${s};
  CREATE TABLE IF NOT EXISTS ${s}.view_docs (
    collection text NOT NULL CHECK (collection IN ('orgs', 'pools', 'gateways', 'consumers')),
    org text NOT NULL,
    id text NOT NULL,
    revision bigint NOT NULL,
    deleted boolean NOT NULL,
    body jsonb NOT NULL,
    PRIMARY KEY (collection, org, id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.view_checkpoints (name text PRIMARY KEY, position text NOT NULL);
  CREATE TABLE IF NOT EXISTS ${s}.view_leases (
    name text PRIMARY KEY,
    token bigint NOT NULL,
    holder text NOT NULL,
    acquired_at timestamptz NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${s}.gateway_liveness (
    org text NOT NULL,
    gateway_id text NOT NULL,
    at bigint NOT NULL,
    "check" text NOT NULL CHECK ("check" IN ('passed', 'failed')),
    detail text,
    PRIMARY KEY (org, gateway_id)
  );
  CREATE TABLE IF NOT EXISTS ${s}.views_pointer (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    namespace text NOT NULL,
    generation bigint NOT NULL,
    written_at timestamptz NOT NULL
  );`;

export interface DocRow {
  collection: ViewCollection;
  org: string;
  id: string;
  revision: string;
  deleted: boolean;
  body: Record<string, unknown>;
}

export interface LivenessRow {
  org: string;
  gateway_id: string;
  at: string;
  check: LivenessRecord['check'];
  detail: string | null;
}

export const DOC_COLUMNS = 'collection, org, id, revision, deleted, body';
export const toDoc = (row: DocRow): ViewDoc => ({ ...row, revision: Number(row.revision) });
export const toLiveness = ({ org, gateway_id, at, check, detail }: LivenessRow): LivenessRecord => ({
  org,
  gatewayId: gateway_id,
  at: Number(at),
  check,
  ...(detail !== null ? { detail } : {}),
});
