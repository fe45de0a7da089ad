package dev.walletpipeline.ledger.posting;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.contracts.PaystackEvent;
import dev.walletpipeline.contracts.WalletCommand;
import dev.walletpipeline.ledger.posting.deposits.DepositPosting;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Routes {@code paystack.events} (partitioned by our reference) to the writer of the
 * wallet whose deposit or withdrawal the event is about: each proven fact that may move
 * money is sent to {@code wallet.transfer-commands} keyed by that wallet, with its exact
 * bytes and proof headers, in the consuming Kafka transaction (so exactly once). Routing
 * writes no wallet: records without proof go to the dead-letter topic here already,
 * events that move no money stop here, and references we never opened are recorded for a
 * person, once.
 */
@Component
public class PaystackRouting {

    private final JdbcClient jdbc;

    private final TransactionTemplate transaction;

    private final PaystackProof proof;

    private final DepositPosting deposits;

    PaystackRouting(JdbcClient jdbc, TransactionTemplate transaction, PaystackProof proof, DepositPosting deposits) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.proof = proof;
        this.deposits = deposits;
    }

    BatchOutcome route(List<ConsumedRecord> records) {
        BatchOutcome outcome = new BatchOutcome();
        Map<ConsumedRecord, PaystackEvent> facts = new LinkedHashMap<>();
        ProcessedMessages.readable(records, outcome, proof::proven).forEach((record, charge) -> {
            if (charge.movesMoney()) {
                facts.put(record, charge);
            }
        });
        if (facts.isEmpty()) {
            return outcome;
        }
        Map<String, UUID> wallets = walletsOf(facts.values().stream().map(PaystackEvent::reference).toList());
        List<ConsumedRecord> unknown = facts.keySet()
            .stream()
            .filter(record -> !wallets.containsKey(facts.get(record).reference()))
            .toList();
        facts.forEach((record, charge) -> {
            UUID wallet = wallets.get(charge.reference());
            if (wallet != null) {
                Map<String, String> headers = new HashMap<>(record.headers());
                headers.put(WalletCommand.HEADER, WalletCommand.PAYSTACK_EVENT);
                outcome.commands.add(new BatchOutcome.Command(wallet.toString(), record.value(), Map.copyOf(headers)));
            }
        });
        if (!unknown.isEmpty()) {
            transaction.executeWithoutResult(status -> recordUnknown(unknown));
        }
        return outcome;
    }

    private Map<String, UUID> walletsOf(List<String> references) {
        Map<String, UUID> wallets = new HashMap<>();
        jdbc.sql("""
                select reference, wallet_id from deposits where reference = any(?::text[])
                union all
                select reference, wallet_id from withdrawals where reference = any(?::text[])""")
            .params(references.stream().distinct().toArray(String[]::new),
                    references.stream().distinct().toArray(String[]::new))
            .query((rs, n) -> wallets.put(rs.getString(1), rs.getObject(2, UUID.class)))
            .list();
        return wallets;
    }

    /** Once per record, also when the batch is read again after a crash. */
    private void recordUnknown(List<ConsumedRecord> records) {
        Map<ProcessedMessages.Key, List<LedgerEvent>> processed = new LinkedHashMap<>();
        ProcessedMessages
            .fresh(jdbc, records, new BatchOutcome(), proof::proven, PaystackEvent::messageId, (charge, earlier) -> {
            })
            .forEach((record, charge) -> {
                deposits.recordException(charge, "unknown reference", record);
                processed.put(new ProcessedMessages.Key(record.position(), charge.messageId()), List.of());
            });
        ProcessedMessages.record(jdbc, processed);
    }

}
