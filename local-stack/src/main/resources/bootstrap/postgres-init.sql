-- Cluster-level set-up the schema migrations rely on: the database and the roles that log in.
-- Run once, as a superuser, on a new cluster: by local-stack on first start, and by the Postgres
-- image in docker-compose (docker-entrypoint-initdb.d). Passwords here are for local use only;
-- a real deployment creates these roles with its own secrets.
create role wallet_owner login password 'wallet_owner';
create role wallet_api login password 'wallet_api';
create role wallet_worker login password 'wallet_worker';
-- Debezium reads the outbox through a logical replication slot.
create role wallet_cdc login replication password 'wallet_cdc';
create database wallet owner wallet_owner;
