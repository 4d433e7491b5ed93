-- Customer records (ADR 0019): a tier from the tenant's own list, tags,
-- custom attributes, consent flags, do-not-contact, an owner agent, and
-- phone numbers and email addresses as identities (kinds 'phone' in E.164
-- and 'email' lower-cased), so that they are unique per tenant and a look-up
-- by number is the identities' primary key. customers.phones and
-- customers.emails are the comma-joined display copy of those identities,
-- kept by the store, so a page of customers is read without a query per
-- row. customer_tags and customer_attributes index tags and attribute
-- values for search; customers.tags and customers.attributes (JSON) are
-- what reads return. A merged customer keeps its row, marked merged_into,
-- after its identities, contacts and conversations moved to the target.
--
-- Tiers are keyed by name per tenant. Every tenant gets standard, senior
-- and vip here and on creation (the store's tenant insert). customers.tier
-- names one ('' for none); SQLite cannot add a composite foreign key to an
-- existing table, so the store checks the tier on write and refuses to
-- delete a tier in use in the same statement. tenants.default_region is the
-- region a phone number written without "+" is read in.

-- +goose Up
CREATE TABLE customer_tiers (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    name       TEXT NOT NULL,
    label      TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
INSERT INTO customer_tiers (tenant_id, name, label, position, created_at, updated_at)
SELECT id, 'standard', 'Standard', 1, created_at, created_at FROM tenants;
INSERT INTO customer_tiers (tenant_id, name, label, position, created_at, updated_at)
SELECT id, 'senior', 'Senior', 2, created_at, created_at FROM tenants;
INSERT INTO customer_tiers (tenant_id, name, label, position, created_at, updated_at)
SELECT id, 'vip', 'VIP', 3, created_at, created_at FROM tenants;

ALTER TABLE tenants ADD COLUMN default_region TEXT NOT NULL DEFAULT 'CN';

ALTER TABLE customers ADD COLUMN tier TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE customers ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN consent TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN do_not_contact BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE customers ADD COLUMN owner_id TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN phones TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN emails TEXT NOT NULL DEFAULT '';
CREATE INDEX customers_tier ON customers (tenant_id, tier);
CREATE INDEX customers_owner ON customers (tenant_id, owner_id);

CREATE TABLE customer_tags (
    tenant_id   TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, tag, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_tags_customer ON customer_tags (tenant_id, customer_id);

CREATE TABLE customer_attributes (
    tenant_id   TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, name),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_attributes_value ON customer_attributes (tenant_id, name, value);

-- +goose Down
DROP TABLE customer_attributes;
DROP TABLE customer_tags;
DROP INDEX customers_owner;
DROP INDEX customers_tier;
ALTER TABLE customers DROP COLUMN emails;
ALTER TABLE customers DROP COLUMN phones;
ALTER TABLE customers DROP COLUMN merged_into;
ALTER TABLE customers DROP COLUMN created_by;
ALTER TABLE customers DROP COLUMN owner_id;
ALTER TABLE customers DROP COLUMN do_not_contact;
ALTER TABLE customers DROP COLUMN consent;
ALTER TABLE customers DROP COLUMN attributes;
ALTER TABLE customers DROP COLUMN tags;
ALTER TABLE customers DROP COLUMN tier;
ALTER TABLE tenants DROP COLUMN default_region;
DROP TABLE customer_tiers;
