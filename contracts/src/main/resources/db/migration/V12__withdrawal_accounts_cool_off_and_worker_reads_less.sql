-- A saved bank account can be paid out to only from its usable_from: a cooling-off period after
-- it was saved (a setting of api-service), so that a stolen credential cannot add the thief's
-- account and empty the wallet into it at once. Accounts saved before keep their creation time.
alter table withdrawal_accounts add column usable_from timestamptz;
update withdrawal_accounts set usable_from = created_at;
alter table withdrawal_accounts alter column usable_from set not null;
alter table withdrawal_accounts alter column usable_from set default now();
alter table withdrawal_accounts add constraint usable_from_not_before_saved check (usable_from >= created_at);

-- The same rule in the database: no withdrawal is recorded to an account still cooling off, or
-- removed, whatever the code that inserts it.
create function withdrawal_account_is_usable() returns trigger language plpgsql as $$
declare
    account withdrawal_accounts%rowtype;
begin
    select * into account from withdrawal_accounts where id = new.account_id;
    if account.deleted_at is not null then
        raise exception 'withdrawal account % was removed', new.account_id using errcode = 'check_violation';
    end if;
    if account.usable_from > new.created_at then
        raise exception 'withdrawal account % is cooling off until %', new.account_id, account.usable_from
            using errcode = 'check_violation';
    end if;
    return new;
end $$;
create trigger withdrawal_account_is_usable before insert on withdrawals
    for each row execute function withdrawal_account_is_usable();

-- ledger-worker reads only the tables its postings need: never who signed in, their refresh
-- tokens, API keys, bank accounts, or the outbox.
revoke select on users, api_keys, signin_attempts, refresh_tokens, withdrawal_accounts, outbox, cdc_heartbeat
    from wallet_worker;
