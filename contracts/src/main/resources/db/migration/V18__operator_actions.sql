-- The operator's desk keeps its trail here: every decision an operator makes about something the
-- pipeline set aside (who, when, what, why, the subject before and after), one row each, and an
-- approval by a second operator as a row of its own. Rows are never changed or removed, by
-- api-service's role or by anyone else short of dropping the table: the grants give wallet_api
-- insert and select only, and the trigger refuses update and delete to every role, the owner's
-- included. An auditor reads the table as it was written.

create table operator_actions (
    id                uuid primary key,
    operator_id       uuid not null references users (id),
    operator_email    text not null check (length(operator_email) between 3 and 320),
    at                timestamptz not null default now(),
    -- what the decision was about: a deposit's reference, a dead letter's or a payment
    -- exception's id, a withdrawal's or a transfer's id
    subject_kind      text not null
        check (subject_kind in ('deposit', 'payment_exception', 'dead_letter', 'withdrawal', 'transfer')),
    subject_id        text not null check (length(subject_id) between 1 and 200),
    decision          text not null check (length(decision) between 1 and 50),
    reason            text not null check (length(btrim(reason)) between 1 and 2000),
    before            jsonb,
    after             jsonb,
    -- the decision a second operator approves, never one's own (checked by the service, and
    -- here: an approval names a decision by someone else)
    approves          uuid references operator_actions (id),
    amount            bigint check (amount > 0)
);
create index operator_actions_by_time on operator_actions (at desc, id desc);
create index operator_actions_by_subject on operator_actions (subject_kind, subject_id);
create index operator_actions_by_operator on operator_actions (operator_id, at desc);
create unique index operator_actions_one_approval on operator_actions (approves) where approves is not null;
-- One decision per subject: two operators deciding the same item at once, one of them is refused.
-- Asking Paystack again about a withdrawal decides nothing, and may be repeated.
create unique index operator_actions_one_decision on operator_actions (subject_kind, subject_id)
    where approves is null and decision <> 'verified';

create function operator_actions_never_change() returns trigger language plpgsql as $$
begin
    raise exception 'operator_actions is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end
$$;
create trigger operator_actions_append_only before update or delete on operator_actions
    for each row execute function operator_actions_never_change();
create trigger operator_actions_never_truncated before truncate on operator_actions
    for each statement execute function operator_actions_never_change();

create function operator_actions_approval_by_another() returns trigger language plpgsql as $$
begin
    if new.approves is not null and exists (
        select 1 from operator_actions first where first.id = new.approves and first.operator_id = new.operator_id) then
        raise exception 'an operator cannot approve their own decision' using errcode = 'check_violation';
    end if;
    return new;
end
$$;
create trigger operator_actions_four_eyes before insert on operator_actions
    for each row execute function operator_actions_approval_by_another();

grant select, insert on operator_actions to wallet_api;

-- A deposit in review that an operator rejected: never credited, whatever Paystack says later.
-- api-service sets it (its grant on deposits.status), only from review.
alter table deposits drop constraint deposits_status_check;
alter table deposits add constraint deposits_status_check
    check (status in ('pending', 'success', 'failed', 'abandoned', 'review', 'reversed', 'rejected'));

-- A dead letter keeps the headers that said what its record was and carried its proof (name to
-- value), so that an operator's replay sends the record as it came: the same key, bytes and
-- headers, to the same topic and partition. Letters recorded before this column have none and
-- cannot be replayed faithfully.
alter table dead_letters add column record_headers jsonb;
