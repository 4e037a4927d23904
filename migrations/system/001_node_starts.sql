-- Every node start, for operators asking "what ran where and when".
CREATE TABLE system_node_starts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  node_id    text        NOT NULL,
  modules    text[]      NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
