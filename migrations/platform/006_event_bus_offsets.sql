-- Where each consumer group of the embedded profile's event bus stands in the events table's
-- commit order (the servers profile keeps its places as Kafka offsets instead). A group moves
-- its row after its sink applied what it read.
CREATE TABLE event_bus_offsets (
  group_name     text        PRIMARY KEY,
  transaction_id xid8        NOT NULL,
  position       bigint      NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
