-- Read models of the ledger, built by its projections from ledger.events.
CREATE TABLE ledger_account_balances (
  account_id text        PRIMARY KEY,
  owner      text        NOT NULL,
  currency   char(3)     NOT NULL,
  balance    bigint      NOT NULL,
  status     text        NOT NULL,
  version    integer     NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE ledger_account_transactions (
  account_id    text        NOT NULL,
  position      bigint      NOT NULL,
  kind          text        NOT NULL,
  amount        bigint      NOT NULL,
  currency      char(3)     NOT NULL,
  transfer_id   text,
  balance_after bigint      NOT NULL,
  recorded_at   timestamptz NOT NULL,
  PRIMARY KEY (account_id, position)
);

CREATE TABLE ledger_transfers (
  transfer_id     text        PRIMARY KEY,
  from_account_id text        NOT NULL,
  to_account_id   text        NOT NULL,
  amount          bigint      NOT NULL,
  currency        char(3)     NOT NULL,
  status          text        NOT NULL,
  reason          text,
  compensated     boolean     NOT NULL DEFAULT false,
  requested_at    timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
