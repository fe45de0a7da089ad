package dev.walletpipeline.contracts;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;

/**
 * A Kafka topic of the pipeline and the policy it is created with.
 *
 * @param name the topic name
 * @param compacted {@code cleanup.policy=compact} when true, {@code delete} otherwise
 * @param retentionMs {@code retention.ms}; -1 keeps records forever
 */
public record Topic(String name, boolean compacted, long retentionMs) {

    /**
     * Verified Paystack webhook bodies, partitioned by our reference, with a key per fact
     * ({@code <reference>#<digest>}, see webhook-ingest's EventPublisher). Compacted: a
     * fact delivered again is kept once. Compaction keeps the latest copy, so a fact
     * delivered again after later facts of its payment would move behind them: nothing is
     * compacted until it is {@link #COMPACTION_LAG_MS} old, far past any lag the alerts
     * allow ledger-worker, which has long applied the first copy by then.
     */
    /**
     * The header of a record an operator sent again from the dead letters: the id of that
     * decision in {@code operator_actions}.
     */
    public static final String OPERATOR_ACTION_HEADER = "operator-action";

    public static final Topic PAYSTACK_EVENTS = new Topic("paystack.events", true, -1);

    /**
     * Each wallet's command log, key = the wallet the command writes: transfer requests
     * from the api-service outbox (key = sender), the credit legs of debited transfers
     * and the Paystack facts routed to their deposit's wallet (both from ledger-worker).
     * See {@link WalletCommand}.
     */
    public static final Topic TRANSFER_COMMANDS = new Topic("wallet.transfer-commands", false, -1);

    /** The public ledger events, key = wallet id. */
    public static final Topic LEDGER_EVENTS = new Topic("wallet.ledger-events", false, -1);

    /** Paystack events that could not be read at all, with the original bytes. */
    public static final Topic PAYSTACK_EVENTS_DLT = new Topic("paystack.events.dlt", false, 30L * 24 * 3600 * 1000);

    /** Transfer commands that could not be read at all, with the original bytes. */
    public static final Topic TRANSFER_COMMANDS_DLT = new Topic("wallet.transfer-commands.dlt", false,
            30L * 24 * 3600 * 1000);

    public static final List<Topic> ALL = List.of(PAYSTACK_EVENTS, TRANSFER_COMMANDS, LEDGER_EVENTS,
            PAYSTACK_EVENTS_DLT, TRANSFER_COMMANDS_DLT);

    public Topic {
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name is blank");
        }
    }

    /** Seven days: Paystack retries a webhook for 72 hours. */
    public static final long COMPACTION_LAG_MS = 7L * 24 * 3600 * 1000;

    public String cleanupPolicy() {
        return compacted ? "compact" : "delete";
    }

    /** The topic-level settings it is created with. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", cleanupPolicy());
        configs.put("retention.ms", Long.toString(retentionMs));
        if (compacted) {
            configs.put("min.compaction.lag.ms", Long.toString(COMPACTION_LAG_MS));
        }
        return Map.copyOf(configs);
    }

    /**
     * The partition Kafka's default partitioner gives a record with this key on a topic
     * with this many partitions: murmur2 of the key's UTF-8 bytes. Every producer here
     * leaves partitioning to that partitioner, so this is where a key's records are.
     */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
