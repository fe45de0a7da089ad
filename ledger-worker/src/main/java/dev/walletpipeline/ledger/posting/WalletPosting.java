package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.TransferBatchRequested;
import dev.walletpipeline.contracts.TransferRequested;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.contracts.WithdrawalRequested;
import dev.walletpipeline.contracts.states.TransferStatus;
import dev.walletpipeline.contracts.states.WithdrawalStatus;
import dev.walletpipeline.ledger.posting.deposits.DepositPosting;
import dev.walletpipeline.ledger.posting.poison.PoisonRecord;
import dev.walletpipeline.ledger.posting.refunds.RefundsAndDisputes;
import dev.walletpipeline.ledger.posting.transfers.TransferPosting;
import dev.walletpipeline.ledger.posting.withdrawals.WithdrawalPosting;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a batch of {@code wallet.transfer-commands} records in one database
 * transaction. Every record is keyed by the wallet it writes, so the consumer that owns
 * the record's partition is that wallet's only writer; a record whose key is not the
 * wallet its transfer or deposit names is refused (dead letter), because posting it would
 * write another consumer's wallet. The system accounts a record posts against are its own
 * partition's.
 */
@Component
class WalletPosting {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final TransferPosting transfers;

    private final DepositPosting deposits;

    private final WithdrawalPosting withdrawals;

    private final PaystackProof proof;

    private final Clock clock = Clock.systemUTC();

    WalletPosting(JdbcClient jdbc, TransactionTemplate transaction, TransferPosting transfers, DepositPosting deposits,
            WithdrawalPosting withdrawals, PaystackProof proof) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.transfers = transfers;
        this.deposits = deposits;
        this.withdrawals = withdrawals;
        this.proof = proof;
    }

    /** What a record asks, and what makes it recognisable when delivered again. */
    sealed interface Command {

        String messageId();

        /** Names the rows it posts against, for the batch to lock them all at once. */
        void want(Wanted wanted);

        /**
         * The customer wallet its rows say it writes, or null when it writes none
         * (already done, or refused).
         */
        @Nullable UUID walletIn(Rows rows);

        /** The system accounts of the record's partition its postings pair with. */
        List<UUID> systemAccounts(int partition);

        /**
         * Posts it, with the batch's rows locked and its accounts read; answers why it
         * was refused (it then becomes a dead letter), or null.
         */
        @Nullable String post(WalletPosting flows, ConsumedRecord record, Rows rows, LedgerBatch ledger, List<LedgerEvent> events,
                BatchOutcome outcome);

        /** The transfers it debits, for a debit command; none for the others. */
        default List<TransferPosting.Transfer> itemsToDebit(Rows rows) {
            return List.of();
        }

        /**
         * Notes a command already processed before, whose credit legs may need sending
         * again: the transfer ids and batch ids, for a debit command.
         */
        default void redelivered(Set<UUID> debits, Set<UUID> batches) {
        }

        /** The deposit a refund or dispute fact is about; null for anything else. */
        default @Nullable String moneyBackReference() {
            return null;
        }

    }

    /** The rows a batch's commands name, to be locked together. */
    record Wanted(Set<UUID> transfers, Set<UUID> batches, List<String> references, Set<UUID> withdrawals) {
    }

    /**
     * A command that debits a sender: what is posted is its transfers' debit legs, all or
     * none for an atomic batch, else each alone.
     */
    sealed interface DebitCommand extends Command {

        /** Why it is refused when it names no transfer. */
        String nothingNamed();

        @Override
        default @Nullable UUID walletIn(Rows rows) {
            return firstSender(itemsToDebit(rows));
        }

        @Override
        default List<UUID> systemAccounts(int partition) {
            return List.of(LedgerBatch.inTransit(partition));
        }

        @Override
        default @Nullable String post(WalletPosting flows, ConsumedRecord record, Rows rows, LedgerBatch ledger,
                List<LedgerEvent> events, BatchOutcome outcome) {
            return flows.debit(itemsToDebit(rows), nothingNamed(), record, ledger, events, outcome);
        }

    }

    /** A transfer's debit leg, keyed by the sender. */
    record Debit(TransferRequested request) implements DebitCommand {

        @Override
        public String messageId() {
            return "transfer:" + request.transferId();
        }

        @Override
        public void want(Wanted wanted) {
            wanted.transfers().add(request.transferId());
        }

        @Override
        public String nothingNamed() {
            return "no such transfer";
        }

        /** The transfer alone, or the whole atomic batch it is an item of. */
        @Override
        public List<TransferPosting.Transfer> itemsToDebit(Rows rows) {
            TransferPosting.Transfer transfer = rows.transfers().get(request.transferId());
            if (transfer == null) {
                return List.of();
            }
            if (!transfer.atomic()) {
                return List.of(transfer);
            }
            UUID batch = transfer.batchId();
            return batch == null ? List.of() : TransferPosting.itemsOf(batch, rows.transfers());
        }

        @Override
        public void redelivered(Set<UUID> debits, Set<UUID> batches) {
            debits.add(request.transferId());
        }

    }

    /** A bulk transfer's debit legs, keyed by the sender; the items are its rows. */
    record Batch(TransferBatchRequested request) implements DebitCommand {

        @Override
        public String messageId() {
            return "transfer-batch:" + request.batchId();
        }

        @Override
        public void want(Wanted wanted) {
            wanted.batches().add(request.batchId());
        }

        @Override
        public String nothingNamed() {
            return "no such transfer batch";
        }

        /** The batch's items, in order. */
        @Override
        public List<TransferPosting.Transfer> itemsToDebit(Rows rows) {
            return TransferPosting.itemsOf(request.batchId(), rows.transfers());
        }

        @Override
        public void redelivered(Set<UUID> debits, Set<UUID> batches) {
            batches.add(request.batchId());
        }

    }

    /** A transfer's credit leg, keyed by the recipient. */
    record Credit(TransferRequested leg) implements Command {

        @Override
        public String messageId() {
            return "transfer-credit:" + leg.transferId();
        }

        @Override
        public void want(Wanted wanted) {
            wanted.transfers().add(leg.transferId());
        }

        @Override
        public @Nullable UUID walletIn(Rows rows) {
            TransferPosting.Transfer transfer = rows.transfers().get(leg.transferId());
            return transfer == null ? null : TransferPosting.walletToWrite(transfer, true);
        }

        @Override
        public List<UUID> systemAccounts(int partition) {
            return List.of(LedgerBatch.inTransit(partition));
        }

        @Override
        public @Nullable String post(WalletPosting flows, ConsumedRecord record, Rows rows, LedgerBatch ledger,
                List<LedgerEvent> events, BatchOutcome outcome) {
            TransferPosting.Transfer transfer = rows.transfers().get(leg.transferId());
            if (transfer == null) {
                return "no such transfer";
            }
            if (!transfer.to.toString().equals(record.key())) {
                return misrouted(record, transfer.to);
            }
            if (!transfer.debited()) {
                return "a credit leg for a transfer that was never debited moves nothing";
            }
            if (transfer.status() == TransferStatus.PENDING) {
                flows.transfers.credit(transfer, record.partition(), ledger, events);
            }
            return null;
        }

    }

    /** A withdrawal's request, keyed by its wallet. */
    record Withdraw(WithdrawalRequested request) implements Command {

        @Override
        public String messageId() {
            return "withdrawal:" + request.withdrawalId();
        }

        @Override
        public void want(Wanted wanted) {
            wanted.withdrawals().add(request.withdrawalId());
        }

        @Override
        public @Nullable UUID walletIn(Rows rows) {
            WithdrawalPosting.Withdrawal withdrawal = rows.withdrawals().get(request.withdrawalId());
            return withdrawal == null || withdrawal.status() != WithdrawalStatus.PENDING ? null : withdrawal.walletId;
        }

        @Override
        public List<UUID> systemAccounts(int partition) {
            return List.of(LedgerBatch.payoutsInFlight(partition));
        }

        @Override
        public @Nullable String post(WalletPosting flows, ConsumedRecord record, Rows rows, LedgerBatch ledger,
                List<LedgerEvent> events, BatchOutcome outcome) {
            WithdrawalPosting.Withdrawal withdrawal = rows.withdrawals().get(request.withdrawalId());
            if (withdrawal == null) {
                return "no such withdrawal";
            }
            if (!withdrawal.walletId.toString().equals(record.key())) {
                return misrouted(record, withdrawal.walletId);
            }
            flows.withdrawals.debit(withdrawal, record.partition(), ledger, events);
            return null;
        }

    }

    /** A proven Paystack fact, keyed by its deposit's or withdrawal's wallet. */
    record Fact(PaystackEvent charge) implements Command {

        @Override
        public String messageId() {
            return charge.messageId();
        }

        @Override
        public void want(Wanted wanted) {
            UUID withdrawal = withdrawalId();
            if (charge.concernsADeposit()) {
                wanted.references().add(charge.reference());
            }
            else if (withdrawal != null) {
                wanted.withdrawals().add(withdrawal);
            }
        }

        @Override
        public @Nullable UUID walletIn(Rows rows) {
            UUID withdrawalId = withdrawalId();
            if (charge.concernsADeposit()) {
                DepositPosting.Deposit deposit = rows.deposits().get(charge.reference());
                return deposit == null ? null : deposit.walletId;
            }
            if (withdrawalId != null) {
                WithdrawalPosting.Withdrawal withdrawal = rows.withdrawals().get(withdrawalId);
                return withdrawal == null ? null : withdrawal.walletId;
            }
            return null;
        }

        @Override
        public List<UUID> systemAccounts(int partition) {
            return List.of(LedgerBatch.clearing(partition), LedgerBatch.disputesHeld(partition),
                    LedgerBatch.payoutsInFlight(partition));
        }

        @Override
        public @Nullable String moneyBackReference() {
            return charge.isRefund() || charge.isDispute() ? charge.reference() : null;
        }

        @Override
        public @Nullable String post(WalletPosting flows, ConsumedRecord record, Rows rows, LedgerBatch ledger,
                List<LedgerEvent> events, BatchOutcome outcome) {
            if (charge.concernsADeposit()) {
                DepositPosting.Deposit deposit = rows.deposits().get(charge.reference());
                if (deposit != null && !deposit.walletId.toString().equals(record.key())) {
                    return misrouted(record, deposit.walletId);
                }
                flows.deposits.post(deposit, charge, record, ledger, events, rows.moneyBack());
            }
            else if (charge.concernsAWithdrawal()) {
                UUID id = withdrawalId();
                WithdrawalPosting.Withdrawal withdrawal = id == null ? null : rows.withdrawals().get(id);
                if (withdrawal == null) {
                    flows.deposits.recordException(charge, "unknown reference", record);
                    return null;
                }
                if (!withdrawal.walletId.toString().equals(record.key())) {
                    return misrouted(record, withdrawal.walletId);
                }
                String nothingMoved = flows.withdrawals.settle(withdrawal, charge, record.partition(), ledger, events);
                if (nothingMoved != null) {
                    flows.deposits.recordException(charge, nothingMoved, record);
                }
            }
            return null;
        }

        /**
         * The withdrawal a transfer fact is about, or null when its reference names none.
         */
        @Nullable UUID withdrawalId() {
            if (!charge.concernsAWithdrawal()) {
                return null;
            }
            try {
                return UUID.fromString(charge.reference());
            }
            catch (IllegalArgumentException notOurs) {
                return null;
            }
        }

    }

    BatchOutcome apply(List<ConsumedRecord> records) {
        BatchOutcome outcome = transaction.execute(status -> applyInTransaction(records));
        if (outcome == null) {
            throw new IllegalStateException("the posting transaction returned nothing");
        }
        return outcome;
    }

    private Command parse(ConsumedRecord record) {
        byte[] body = Objects.requireNonNull(record.value());
        return switch (record.commandType()) {
            case WalletCommand.TRANSFER_REQUESTED -> new Debit(TransferRequested.fromJson(body));
            case WalletCommand.TRANSFER_BATCH_REQUESTED -> new Batch(TransferBatchRequested.fromJson(body));
            case WalletCommand.TRANSFER_IN_TRANSIT -> new Credit(TransferRequested.fromJson(body));
            case WalletCommand.WITHDRAWAL_REQUESTED -> new Withdraw(WithdrawalRequested.fromJson(body));
            case WalletCommand.PAYSTACK_EVENT -> new Fact(proof.proven(record));
            default -> throw new PoisonRecord("unknown command type " + record.commandType());
        };
    }

    private BatchOutcome applyInTransaction(List<ConsumedRecord> records) {
        BatchOutcome outcome = new BatchOutcome();
        Set<UUID> redeliveredDebits = new HashSet<>();
        Set<UUID> redeliveredBatches = new HashSet<>();
        Map<ConsumedRecord, Command> commands = ProcessedMessages.fresh(jdbc, records, outcome, this::parse,
                Command::messageId, (command, earlier) -> command.redelivered(redeliveredDebits, redeliveredBatches));

        Wanted wanted = new Wanted(new HashSet<>(redeliveredDebits), new HashSet<>(redeliveredBatches),
                new ArrayList<>(), new HashSet<>());
        commands.values().forEach(command -> command.want(wanted));
        Map<UUID, TransferPosting.Transfer> transferRows = transfers.lock(wanted.transfers(), wanted.batches());
        for (UUID batch : redeliveredBatches) {
            TransferPosting.itemsOf(batch, transferRows).forEach(item -> redeliveredDebits.add(item.id));
        }
        Map<String, DepositPosting.Deposit> depositRows = deposits.lock(wanted.references());
        RefundsAndDisputes moneyBack = RefundsAndDisputes.load(jdbc,
                commands.values().stream().map(Command::moneyBackReference).filter(Objects::nonNull).toList());
        Map<UUID, WithdrawalPosting.Withdrawal> withdrawalRows = withdrawals.lock(wanted.withdrawals());
        Rows rows = new Rows(transferRows, depositRows, withdrawalRows, moneyBack);

        LedgerBatch ledger = new LedgerBatch(jdbc, clock.instant());
        Set<UUID> accounts = new HashSet<>();
        commands.forEach((record, command) -> {
            UUID wallet = walletToWrite(record, command, rows);
            if (wallet != null) {
                accounts.add(wallet);
                // A debit posted whole, and a batch's debits: the same-partition
                // recipients too.
                command.itemsToDebit(rows)
                    .stream()
                    .filter(item -> TransferPosting.inOneHop(item, record.partition()))
                    .forEach(item -> accounts.add(item.to));
                accounts.addAll(command.systemAccounts(record.partition()));
            }
        });
        if (!accounts.isEmpty()) {
            outcome.waitedNanos = ledger.lock(accounts);
        }

        Map<ProcessedMessages.Key, List<LedgerEvent>> processed = new LinkedHashMap<>();
        for (Map.Entry<ConsumedRecord, Command> each : commands.entrySet()) {
            ConsumedRecord record = each.getKey();
            List<LedgerEvent> events = new ArrayList<>();
            String refusal = each.getValue().post(this, record, rows, ledger, events, outcome);
            if (refusal != null) {
                outcome.deadLetters.add(new BatchOutcome.DeadLetter(record, refusal));
                continue;
            }
            processed.put(new ProcessedMessages.Key(record.position(), each.getValue().messageId()), events);
            outcome.events.addAll(events);
        }
        for (UUID id : redeliveredDebits) {
            // Its Kafka transaction may have failed after the database committed: the
            // credit leg goes out again (delivered twice, it credits once).
            TransferPosting.Transfer transfer = transferRows.get(id);
            if (transfer != null && TransferPosting.walletToWrite(transfer, true) != null) {
                outcome.commands.add(TransferPosting.creditLeg(transfer));
            }
        }

        BatchWrite write = new BatchWrite();
        ledger.writeInto(write);
        TransferPosting.writeInto(write, transferRows.values(), ledger);
        DepositPosting.writeInto(write, depositRows.values(), ledger);
        moneyBack.writeInto(write, ledger);
        withdrawals.writeInto(write, withdrawalRows.values(), ledger);
        ProcessedMessages.writeInto(write, processed);
        write.execute(jdbc);
        return outcome;
    }

    /** The rows a batch locked, by what they are. */
    record Rows(Map<UUID, TransferPosting.Transfer> transfers, Map<String, DepositPosting.Deposit> deposits,
            Map<UUID, WithdrawalPosting.Withdrawal> withdrawals, RefundsAndDisputes moneyBack) {
    }

    /**
     * The customer wallet a record will write, or null when it writes none (already done,
     * refused, or keyed by another wallet).
     */
    private static @Nullable UUID walletToWrite(ConsumedRecord record, Command command, Rows rows) {
        UUID wallet = command.walletIn(rows);
        return wallet != null && wallet.toString().equals(record.key()) ? wallet : null;
    }

    /** The first sender among these transfers that still has a debit to post. */
    private static @Nullable UUID firstSender(List<TransferPosting.Transfer> items) {
        return items.stream()
            .map(item -> TransferPosting.walletToWrite(item, false))
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    }

    /**
     * Posts the debit legs of a debit command's transfers: all or none for an atomic
     * batch, else each alone.
     */
    private @Nullable String debit(List<TransferPosting.Transfer> items, String missing, ConsumedRecord record,
            LedgerBatch ledger, List<LedgerEvent> events, BatchOutcome outcome) {
        if (items.isEmpty()) {
            return missing;
        }
        for (TransferPosting.Transfer item : items) {
            if (!item.from.toString().equals(record.key())) {
                return misrouted(record, item.from);
            }
        }
        if (items.get(0).atomic()) {
            outcome.commands.addAll(transfers.debitTogether(items, record.partition(), ledger, events));
            return null;
        }
        for (TransferPosting.Transfer item : items) {
            BatchOutcome.Command creditLeg = transfers.debit(item, record.partition(), ledger, events);
            if (creditLeg != null) {
                outcome.commands.add(creditLeg);
            }
        }
        return null;
    }

    private static String misrouted(ConsumedRecord record, UUID wallet) {
        return "keyed by " + record.key() + " but writes wallet " + wallet
                + ": only the owner of that wallet's partition may write it";
    }

}
