-- Every posting's entries sum to zero: the same rule as V1, checked per posting through the
-- (posting_id, wallet_id) index.
--
-- Measured (auto_explain on ledger-worker's role during bin/benchmark, 4,537 batch writes): V1's
-- check, "posting_id in (select distinct posting_id from inserted) group by posting_id", took
-- 0.34 ms at the median but 30 ms at the 90th percentile, 62 % of all the batch writes' time. Its
-- plan is cached per session, and a plan made for a large transition table reads the whole
-- ledger instead of probing the index once per posting: a cost that grows with the ledger and is
-- paid per batch, whatever the batch's size. A lateral sum per posting can only be planned as
-- one index probe per posting.
create or replace function ledger_entries_balanced() returns trigger language plpgsql as $$
declare
    unbalanced text;
begin
    select posting.posting_id into unbalanced
    from (select distinct posting_id from inserted) posting
    cross join lateral (
        select sum(e.amount) as total from ledger_entries e where e.posting_id = posting.posting_id
    ) entries
    where entries.total <> 0
    limit 1;
    if unbalanced is not null then
        raise exception 'posting % does not sum to zero', unbalanced using errcode = '23514';
    end if;
    return null;
end $$;
