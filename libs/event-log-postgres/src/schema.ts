/** SQLSTATE raised by the append function when the stream is not at the expected revision. */
export const WRONG_REVISION_SQLSTATE = 'GW409';
/** A NOTIFY payload must stay under 8,000 bytes; a longer stream id is not announced by name. */
const MAX_ANNOUNCED_STREAM_BYTES = 1000;

/**
 * Tables and the append function of one log schema. `s` is the quoted schema name.
 *
 * Every event row carries the id of the transaction that wrote it (`tx_id`) and a sequence number (`seq`).
 * The global order is (tx_id, seq); see README.md for why readers then never skip a late commit.
 */
export const schemaDdl = (s: string, channel: string): string => `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.streams (
  stream_id text PRIMARY KEY,
  revision  bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS ${s}.events (
  tx_id       xid8        NOT NULL DEFAULT pg_current_xact_id(),
  seq         bigserial   NOT NULL,
  event_id    uuid        NOT NULL,
  stream_id   text        NOT NULL,
  revision    bigint      NOT NULL,
  type        text        NOT NULL,
  data        jsonb       NOT NULL,
  metadata    jsonb       NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tx_id, seq),
  UNIQUE (stream_id, revision),
  UNIQUE (event_id)
);

-- Audits page through an org's streams in log order. Created only when missing: CREATE INDEX takes a SHARE lock on
-- the table even when the index exists, which would make every service start wait for, and hold up, appends.
DO $idx$ BEGIN
  IF to_regclass('${s}.events_stream_position') IS NULL THEN
    CREATE INDEX events_stream_position ON ${s}.events (stream_id, tx_id, seq);
  END IF;
END $idx$;

-- One round trip per append: the streams row is the lock and the revision check, the events follow in the same transaction.
CREATE OR REPLACE FUNCTION ${s}.append_events(p_stream text, p_expected text, p_events jsonb)
RETURNS TABLE (next_revision bigint, tx_id xid8, seq bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count bigint := jsonb_array_length(p_events);
  v_first bigint;
  v_last  bigint;
  v_actual bigint;
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'an append needs at least one event' USING ERRCODE = '22023';
  END IF;
  IF p_expected = 'no_stream' THEN
    INSERT INTO ${s}.streams AS st (stream_id, revision) VALUES (p_stream, v_count - 1)
      ON CONFLICT (stream_id) DO NOTHING
      RETURNING st.revision INTO v_last;
  ELSIF p_expected = 'any' THEN
    INSERT INTO ${s}.streams AS st (stream_id, revision) VALUES (p_stream, v_count - 1)
      ON CONFLICT (stream_id) DO UPDATE SET revision = st.revision + v_count
      RETURNING st.revision INTO v_last;
  ELSE
    -- Under READ COMMITTED a concurrent appender waits on the row lock, then sees the new revision and fails here.
    UPDATE ${s}.streams AS st SET revision = st.revision + v_count
      WHERE st.stream_id = p_stream AND st.revision = p_expected::bigint
      RETURNING st.revision INTO v_last;
  END IF;
  IF v_last IS NULL THEN
    SELECT st.revision INTO v_actual FROM ${s}.streams st WHERE st.stream_id = p_stream;
    RAISE EXCEPTION 'wrong expected revision' USING ERRCODE = '${WRONG_REVISION_SQLSTATE}',
      DETAIL = coalesce(v_actual::text, 'no_stream');
  END IF;
  v_first := v_last - v_count + 1;
  RETURN QUERY
    INSERT INTO ${s}.events AS e (event_id, stream_id, revision, type, data, metadata)
    SELECT (x.value->>'id')::uuid, p_stream, v_first + x.ordinality - 1, x.value->>'type',
           coalesce(x.value->'data', 'null'::jsonb), coalesce(x.value->'metadata', '{}'::jsonb)
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(value, ordinality)
    ORDER BY x.ordinality
    RETURNING e.revision, e.tx_id, e.seq;
  -- Names the stream, so that subscribers of other streams need not look; '' (too long to announce) wakes them all.
  PERFORM pg_notify('${channel}', CASE WHEN octet_length(p_stream) <= ${MAX_ANNOUNCED_STREAM_BYTES} THEN p_stream ELSE '' END);
END
$fn$;
`;

export interface EventRow {
  tx_id: string;
  seq: string;
  event_id: string;
  stream_id: string;
  revision: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date;
}

export const EVENT_COLUMNS = 'tx_id, seq, event_id, stream_id, revision, type, data, metadata, recorded_at';
