-- name: RoutingFence
-- FOR SHARE holds the row until the transaction ends: a new owner's claim
-- waits for this write, and this write sees a claim that committed first.
SELECT COALESCE((SELECT epoch FROM routing_settings WHERE tenant_id = $1 FOR SHARE), 0);
