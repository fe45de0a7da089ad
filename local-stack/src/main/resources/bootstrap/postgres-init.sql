-- Cluster-level set-up the schema migrations rely on: the database and the roles that log in.
-- Run once, as a superuser, on a new cluster: by local-stack on first start (with the local
-- passwords, which are the role names), and by docker-compose's Postgres through
-- postgres-init.sh, which passes each password from the environment (.env) as a psql variable.
create role wallet_owner login password :'owner_password';
create role wallet_api login password :'api_password';
create role wallet_worker login password :'worker_password';
create role wallet_webhooks login password :'webhooks_password';
-- Debezium reads the outbox through a logical replication slot.
create role wallet_cdc login replication password :'cdc_password';
create database wallet owner wallet_owner;
