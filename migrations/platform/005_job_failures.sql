-- The error of every failed job attempt. The queue (pg-boss, schema `pgboss`) keeps only a
-- job's last error; this keeps each one, so a dead job can be inspected before it is retried.
-- Rows go with their job: the queue's retention decides when (see JobQueue).
CREATE TABLE job_failures (
  job_id     uuid        NOT NULL,
  job        text        NOT NULL,
  attempt    integer     NOT NULL,
  error      text        NOT NULL,
  duration_ms integer    NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (job_id, attempt)
);

CREATE INDEX job_failures_failed_at ON job_failures (failed_at);
