package dev.walletpipeline.api.deposit;

import dev.walletpipeline.contracts.Json;
import dev.walletpipeline.contracts.PaystackCharge;
import dev.walletpipeline.contracts.Topic;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Asks Paystack about deposits still pending after a while. A payment Paystack reports as
 * successful is put on {@code paystack.events} exactly as its webhook would have been, so the one
 * crediting path (ledger-worker's, with its amount and currency checks and its once-only rule)
 * decides; {@code abandoned}, {@code failed} and {@code reversed} end the deposit; a reference
 * Paystack never heard of is failed once it is old enough. Safe to run on every instance at once.
 */
@Component
class DepositReconciliation {

    private static final Logger log = LoggerFactory.getLogger(DepositReconciliation.class);

    private final Deposits deposits;
    private final PaystackClient paystack;
    private final KafkaTemplate<String, byte[]> kafka;
    private final PaystackSettings settings;
    private final MeterRegistry meters;

    DepositReconciliation(Deposits deposits, PaystackClient paystack, KafkaTemplate<String, byte[]> kafka,
            PaystackSettings settings, MeterRegistry meters) {
        this.deposits = deposits;
        this.paystack = paystack;
        this.kafka = kafka;
        this.settings = settings;
        this.meters = meters;
    }

    @Scheduled(fixedDelayString = "${wallet.paystack.reconcile-every}", initialDelayString = "${wallet.paystack.reconcile-every}")
    void reconcile() {
        for (Deposits.Deposit deposit : deposits.pendingOlderThan(settings.reconcileAfter(), 100)) {
            try {
                reconcile(deposit);
            } catch (RuntimeException e) {
                log.warn("reconciling deposit {} failed: {}", deposit.reference(), e.getMessage());
            }
        }
    }

    private void reconcile(Deposits.Deposit deposit) throws RuntimeException {
        Optional<JsonNode> verified = paystack.verify(deposit.reference());
        if (verified.isEmpty()) {
            if (deposit.createdAt().isBefore(Instant.now().minus(settings.giveUpAfter()))) {
                deposits.end(deposit.reference(), "failed");
                count("unknown_to_paystack");
            }
            return;
        }
        String status = verified.get().path("status").asString("");
        switch (status) {
            case "success" -> {
                ObjectNode event = Json.MAPPER.createObjectNode();
                event.put("event", PaystackCharge.CHARGE_SUCCESS);
                event.set("data", verified.get());
                try {
                    kafka.send(Topic.PAYSTACK_EVENTS.name(), deposit.reference(),
                            Json.MAPPER.writeValueAsBytes(event)).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("could not publish the verified payment", e);
                }
                count("success");
            }
            case "abandoned", "failed" -> {
                deposits.end(deposit.reference(), status);
                count(status);
            }
            case "reversed" -> {
                deposits.end(deposit.reference(), "failed");
                count(status);
            }
            default -> count("still_" + status); // ongoing, pending, processing, queued: ask again later
        }
    }

    private void count(String outcome) {
        meters.counter("wallet.deposits.reconciled", "outcome", outcome).increment();
    }

}
