-- Reconciliation asks Paystack about a bounded number of pending deposits per run. Ordered by age
-- alone, the same oldest ones (references Paystack never heard of wait a day before they are
-- failed) were asked every run and newer deposits were never reached. Each deposit now remembers
-- when it was last asked, and the least recently asked go first.
alter table deposits add column reconciled_at timestamptz;
grant update (reconciled_at) on deposits to wallet_api;
