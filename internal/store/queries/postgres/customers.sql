-- name: CustomerInsertMany
INSERT INTO customers (id, tenant_id, name, email, phone, phones, emails, tier, tags, attributes, consent, do_not_contact,
                       owner_id, created_by, created_at, updated_at)
SELECT r.id, CAST($2 AS TEXT), r.name, '', '', r.phones, r.emails, r.tier, r.tags, r.attributes, r.consent,
       r.do_not_contact, r.owner_id, r.created_by, r.at, r.at
FROM jsonb_to_recordset(CAST($1 AS JSONB)) AS r(id TEXT, name TEXT, phones TEXT, emails TEXT, tier TEXT, tags TEXT,
     attributes TEXT, consent TEXT, do_not_contact BOOLEAN, owner_id TEXT, created_by TEXT, at BIGINT);

-- name: CustomerIdentityInsertMany
INSERT INTO customer_identities (tenant_id, kind, value, customer_id, created_at)
SELECT CAST($2 AS TEXT), r.kind, r.value, r.customer_id, r.at
FROM jsonb_to_recordset(CAST($1 AS JSONB)) AS r(kind TEXT, value TEXT, customer_id TEXT, at BIGINT)
ON CONFLICT (tenant_id, kind, value) DO NOTHING;

-- name: CustomerTagInsertMany
INSERT INTO customer_tags (tenant_id, customer_id, tag)
SELECT CAST($2 AS TEXT), r.customer_id, r.value
FROM jsonb_to_recordset(CAST($1 AS JSONB)) AS r(customer_id TEXT, value TEXT);

-- name: CustomerAttributeInsertMany
INSERT INTO customer_attributes (tenant_id, customer_id, name, value)
SELECT CAST($2 AS TEXT), r.customer_id, r.kind, r.value
FROM jsonb_to_recordset(CAST($1 AS JSONB)) AS r(customer_id TEXT, kind TEXT, value TEXT);

-- name: CustomerIdentityOwners
SELECT i.value, i.customer_id FROM customer_identities i
WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value IN (SELECT jsonb_array_elements_text(CAST($3 AS JSONB)));

-- name: CustomerBulkPlans
-- Every identity, tag and attribute row of an import checks its customer
-- through a foreign key. PostgreSQL caches that check's plan per connection;
-- planned while the customers table was small (a new tenant, a fresh
-- database), it scans the table, and an import into it grows quadratic
-- (50,000 customers: minutes). Custom plans for the rest of the import's
-- transaction look the customer up by its index as the table grows.
SET LOCAL plan_cache_mode = force_custom_plan;
