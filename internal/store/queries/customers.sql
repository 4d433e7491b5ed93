-- name: CustomerInsert
INSERT INTO customers (id, tenant_id, name, email, phone, tier, tags, attributes, consent, do_not_contact, owner_id,
                       created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: CustomerGet
SELECT id, tenant_id, name, email, phone, phones, emails, tier, tags, attributes, consent, do_not_contact, owner_id,
       created_by, merged_into, created_at, updated_at
FROM customers WHERE tenant_id = $1 AND id = $2;

-- name: CustomerByIdentity
SELECT c.id, c.tenant_id, c.name, c.email, c.phone, c.phones, c.emails, c.tier, c.tags, c.attributes, c.consent,
       c.do_not_contact, c.owner_id, c.created_by, c.merged_into, c.created_at, c.updated_at
FROM customer_identities i JOIN customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value = $3;

-- name: CustomerList
-- $3 is the lower-cased name query with LIKE's wildcards escaped; $7/$8 an
-- identity (kind, value) found through the identities' primary key; $9 to
-- $14 up to three attribute (name, value) pairs. '' does not filter. The
-- activity columns use contacts_customer.
SELECT c.id, c.tenant_id, c.name, c.email, c.phone, c.phones, c.emails, c.tier, c.tags, c.attributes, c.consent,
       c.do_not_contact, c.owner_id, c.created_by, c.merged_into, c.created_at, c.updated_at,
       (SELECT count(*) FROM contacts ct WHERE ct.tenant_id = c.tenant_id AND ct.customer_id = c.id),
       COALESCE((SELECT max(ct.started_at) FROM contacts ct WHERE ct.tenant_id = c.tenant_id AND ct.customer_id = c.id), 0)
FROM customers c
WHERE c.tenant_id = $1 AND c.merged_into = '' AND c.id > $2
  AND ($3 = '' OR lower(c.name) LIKE ('%' || $3 || '%') ESCAPE '\')
  AND ($4 = '' OR c.tier = $4)
  AND ($5 = '' OR c.owner_id = $5)
  AND ($6 = '' OR EXISTS (SELECT 1 FROM customer_tags t WHERE t.tenant_id = c.tenant_id AND t.tag = $6 AND t.customer_id = c.id))
  AND ($7 = '' OR c.id IN (SELECT i.customer_id FROM customer_identities i WHERE i.tenant_id = $1 AND i.kind = $7 AND i.value = $8))
  AND ($9 = '' OR EXISTS (SELECT 1 FROM customer_attributes a
                          WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.name = $9 AND a.value = $10))
  AND ($11 = '' OR EXISTS (SELECT 1 FROM customer_attributes a
                           WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.name = $11 AND a.value = $12))
  AND ($13 = '' OR EXISTS (SELECT 1 FROM customer_attributes a
                           WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.name = $13 AND a.value = $14))
ORDER BY c.id LIMIT $15;

-- name: CustomerIdentityInsert
INSERT INTO customer_identities (tenant_id, kind, value, customer_id, created_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (tenant_id, kind, value) DO NOTHING;

-- name: CustomerIdentityOwner
SELECT customer_id FROM customer_identities WHERE tenant_id = $1 AND kind = $2 AND value = $3;

-- name: CustomerIdentityDelete
DELETE FROM customer_identities WHERE tenant_id = $1 AND customer_id = $2 AND kind = $3 AND value = $4;

-- name: CustomerIdentitiesOfKind
SELECT value FROM customer_identities WHERE tenant_id = $1 AND customer_id = $2 AND kind = $3 ORDER BY created_at, value;

-- name: CustomerContactsSync
-- Rewrites the display copy of the customer's phone and email identities,
-- oldest first.
UPDATE customers SET
    phones = COALESCE((SELECT string_agg(i.value, ',' ORDER BY i.created_at, i.value) FROM customer_identities i
                       WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'phone'), ''),
    emails = COALESCE((SELECT string_agg(i.value, ',' ORDER BY i.created_at, i.value) FROM customer_identities i
                       WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'email'), '')
WHERE tenant_id = $1 AND id = $2;

-- name: CustomerUpdateProfile
UPDATE customers SET
    name = CASE WHEN $3 <> '' THEN $3 ELSE name END,
    email = CASE WHEN $4 <> '' THEN $4 ELSE email END,
    phone = CASE WHEN $5 <> '' THEN $5 ELSE phone END,
    updated_at = $6
WHERE tenant_id = $1 AND id = $2;

-- name: CustomerUpdate
UPDATE customers SET name = $3, email = $4, phone = $5, tier = $6, tags = $7, attributes = $8, consent = $9,
                     do_not_contact = $10, owner_id = $11, updated_at = $12
WHERE tenant_id = $1 AND id = $2;

-- name: CustomerTierExists
SELECT count(*) FROM customer_tiers WHERE tenant_id = $1 AND name = $2;

-- name: CustomerTagsClear
DELETE FROM customer_tags WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerTagInsert
INSERT INTO customer_tags (tenant_id, customer_id, tag) VALUES ($1, $2, $3);

-- name: CustomerAttributesClear
DELETE FROM customer_attributes WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerAttributeInsert
INSERT INTO customer_attributes (tenant_id, customer_id, name, value) VALUES ($1, $2, $3, $4);

-- name: CustomerAttributeKeys
SELECT DISTINCT name FROM customer_attributes WHERE tenant_id = $1;

-- name: CustomerUserExists
SELECT count(*) FROM users WHERE tenant_id = $1 AND id = $2;

-- name: CustomerMoveIdentities
UPDATE customer_identities SET customer_id = $3 WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerMoveContacts
UPDATE contacts SET customer_id = $3 WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerMoveConversations
UPDATE conversations SET customer_id = $3 WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerMarkMerged
-- The merged customer keeps its row so that links to it resolve; what
-- moved to the target is cleared so searches find only the target.
UPDATE customers SET merged_into = $3, phones = '', emails = '', tags = '[]', attributes = '{}', updated_at = $4
WHERE tenant_id = $1 AND id = $2 AND merged_into = '';

-- name: ContactInsert
INSERT INTO contacts (id, tenant_id, customer_id, channel, inbox_id, conversation_id, started_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: CustomerIdentities
SELECT kind, value FROM customer_identities WHERE tenant_id = $1 AND customer_id = $2 ORDER BY created_at, kind, value;

-- name: CustomerActivity
SELECT count(*), COALESCE(max(started_at), 0) FROM contacts WHERE tenant_id = $1 AND customer_id = $2;

-- name: CustomerTimeline
-- Newest first: the customer's contacts (over contacts_customer) and the
-- number shield's call decisions about them (over shield_decisions_customer),
-- one stream. $3/$4 are the keyset cursor (time, id) of the previous page.
-- A contact's join adds its conversation's state; a decision brings its
-- outcome, SIP code, reason (never a number) and agent.
SELECT id, kind, channel, inbox_id, conversation_id, started_at, ended_at, status, last_message_at,
       outcome, code, reason, agent_id
FROM (
    SELECT ct.id, '' AS kind, ct.channel, ct.inbox_id, ct.conversation_id, ct.started_at, ct.ended_at,
           COALESCE(c.status, '') AS status, COALESCE(c.last_message_at, 0) AS last_message_at,
           '' AS outcome, 0 AS code, '' AS reason, '' AS agent_id
    FROM contacts ct
    LEFT JOIN conversations c ON c.tenant_id = ct.tenant_id AND c.id = ct.conversation_id
    WHERE ct.tenant_id = $1 AND ct.customer_id = $2
      AND (CAST($3 AS BIGINT) = 0 OR ct.started_at < $3 OR (ct.started_at = $3 AND ct.id < $4))
    UNION ALL
    SELECT d.id, 'call', 'voice', '', '', d.at, NULL, '', 0, d.outcome, d.code, d.reason, d.agent_id
    FROM shield_decisions d
    WHERE d.tenant_id = $1 AND d.customer_id = $2
      AND (CAST($3 AS BIGINT) = 0 OR d.at < $3 OR (d.at = $3 AND d.id < $4))
) timeline
ORDER BY started_at DESC, id DESC
LIMIT $5;

-- name: CustomerTierList
SELECT tenant_id, name, label, position, created_at, updated_at FROM customer_tiers WHERE tenant_id = $1
ORDER BY position, name;

-- name: CustomerTierGet
SELECT tenant_id, name, label, position, created_at, updated_at FROM customer_tiers WHERE tenant_id = $1 AND name = $2;

-- name: CustomerTierInsert
INSERT INTO customer_tiers (tenant_id, name, label, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: CustomerTierUpdate
UPDATE customer_tiers SET label = $3, position = $4, updated_at = $5 WHERE tenant_id = $1 AND name = $2;

-- name: CustomerTierDelete
-- A tier some customer has is not deleted: the check and the delete are
-- one statement, as there is no foreign key to do it (0009_customers.sql).
DELETE FROM customer_tiers WHERE tenant_id = $1 AND name = $2
  AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.tenant_id = $1 AND c.tier = $2 AND c.merged_into = '');

-- name: CustomerInsertMany
-- A page of an import in one statement: $1 is a JSON array of customers
-- (store.bulkCustomer), $2 the tenant. This default reads the array with
-- SQLite's json_each; PostgreSQL uses jsonb_to_recordset
-- (queries/postgres/customers.sql).
INSERT INTO customers (id, tenant_id, name, email, phone, phones, emails, tier, tags, attributes, consent, do_not_contact,
                       owner_id, created_by, created_at, updated_at)
SELECT json_extract(j.value, '$.id'), CAST($2 AS TEXT), json_extract(j.value, '$.name'), '', '',
       json_extract(j.value, '$.phones'), json_extract(j.value, '$.emails'), json_extract(j.value, '$.tier'),
       json_extract(j.value, '$.tags'), json_extract(j.value, '$.attributes'), json_extract(j.value, '$.consent'),
       json_extract(j.value, '$.do_not_contact'), json_extract(j.value, '$.owner_id'), json_extract(j.value, '$.created_by'),
       json_extract(j.value, '$.at'), json_extract(j.value, '$.at')
FROM json_each($1) j;

-- name: CustomerIdentityInsertMany
-- $1 is a JSON array of identities (store.bulkRow). A value another
-- customer has is skipped; the caller compares the count. (WHERE true
-- keeps SQLite from reading ON CONFLICT as a join's ON.)
INSERT INTO customer_identities (tenant_id, kind, value, customer_id, created_at)
SELECT CAST($2 AS TEXT), json_extract(j.value, '$.kind'), json_extract(j.value, '$.value'),
       json_extract(j.value, '$.customer_id'), json_extract(j.value, '$.at')
FROM json_each($1) j WHERE true
ON CONFLICT (tenant_id, kind, value) DO NOTHING;

-- name: CustomerTagInsertMany
INSERT INTO customer_tags (tenant_id, customer_id, tag)
SELECT CAST($2 AS TEXT), json_extract(j.value, '$.customer_id'), json_extract(j.value, '$.value')
FROM json_each($1) j;

-- name: CustomerAttributeInsertMany
INSERT INTO customer_attributes (tenant_id, customer_id, name, value)
SELECT CAST($2 AS TEXT), json_extract(j.value, '$.customer_id'), json_extract(j.value, '$.kind'), json_extract(j.value, '$.value')
FROM json_each($1) j;

-- name: CustomerIdentityOwners
-- Which of the values ($3, a JSON array) of one kind belong to a customer
-- of the tenant: one look-up for a page of an import.
SELECT i.value, i.customer_id FROM customer_identities i
WHERE i.tenant_id = $1 AND i.kind = $2 AND i.value IN (SELECT j.value FROM json_each($3) j);

-- name: CustomerBulkPlans
-- Nothing to set on SQLite; see postgres/customers.sql.
SELECT 1;
