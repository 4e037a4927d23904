-- The deliveries listing (webhooks.deliveries) reads newest first. Without these, a page of all
-- deliveries, or of the dead ones, sorted the whole table (57 ms at 200,000 deliveries).
CREATE INDEX webhook_deliveries_newest_first ON webhook_deliveries (created_at DESC);

-- Pending and dead deliveries are the few an operator looks for among many succeeded ones;
-- succeeded ones stay out of it, so it stays small.
CREATE INDEX webhook_deliveries_unsettled ON webhook_deliveries (state, created_at DESC) WHERE state <> 'succeeded';
