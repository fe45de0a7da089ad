-- Commands are the request rows themselves (the publication wallet_requests): the outbox table
-- and its publication are gone. A row left in the outbox belongs to a transfer or withdrawal
-- still pending, which the relay's sweep sends from the request row itself.
drop publication wallet_outbox;
drop table outbox;
