-- Sign-in with Google (OpenID Connect) and our own refresh tokens.

-- One row per sign-in attempt: the state (stored hashed), the nonce and the PKCE verifier bound to
-- it. An attempt is used once and expires within minutes.
create table signin_attempts (
    state_hash     bytea primary key,
    nonce          text not null,
    code_verifier  text not null,
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    used_at        timestamptz
);
create index signin_attempts_by_expiry on signin_attempts (expires_at);

-- Refresh tokens are stored hashed and rotated on every use; a family is one sign-in's chain of
-- tokens, revoked whole when a spent token is presented again (it was stolen, or the client is
-- confused, and either way the chain is no longer trustworthy).
create table refresh_tokens (
    id          uuid primary key,
    user_id     uuid not null references users (id),
    family_id   uuid not null,
    token_hash  bytea not null unique,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    spent_at    timestamptz,
    revoked_at  timestamptz
);
create index refresh_tokens_by_family on refresh_tokens (family_id);

grant select, insert, delete on signin_attempts to wallet_api;
grant update (used_at) on signin_attempts to wallet_api;
grant select, insert on refresh_tokens to wallet_api;
grant update (spent_at, revoked_at) on refresh_tokens to wallet_api;
grant select on signin_attempts, refresh_tokens to wallet_worker;
