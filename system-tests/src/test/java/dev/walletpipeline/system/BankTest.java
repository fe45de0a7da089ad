package dev.walletpipeline.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.walletpipeline.contracts.LedgerEvent;
import dev.walletpipeline.example.BalanceProjection;
import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.LocalStackExtension;
import dev.walletpipeline.localstack.PaystackBodies;
import dev.walletpipeline.localstack.PaystackSigner;
import dev.walletpipeline.localstack.PostgresServer;
import dev.walletpipeline.localstack.ServiceProcess;
import dev.walletpipeline.localstack.StandardWebhooksVerifier;
import dev.walletpipeline.localstack.TopicProbe;
import dev.walletpipeline.localstack.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A bank test in the style of Jepsen's: wallets funded through signed webhooks, clients
 * sending random transfers, bulk transfers (atomic or not) and withdrawals (retrying with
 * the same Idempotency-Key or references, replaying webhooks), deposits, refunds and
 * chargebacks (replayed too), signed webhooks that no one can apply (a U+0000 in the
 * reference) and forged payments produced straight to Kafka without proof, against two
 * instances of every service (clients and webhooks spread over both), while a fault
 * schedule ({@link Fault}) SIGKILLs and restarts each service, Kafka and Postgres, pauses
 * each of them (SIGSTOP, then SIGCONT) past the time-outs that notice it, a ledger-worker
 * long enough for its partitions to move to the other, hits one instance and both at
 * once, and stops ledger-worker between a transfer's debit leg and its credit leg. When
 * the faults stop and the pipeline drains, money must add up (nothing left in transit;
 * what the wallets hold is what was deposited less what was refunded, disputed and paid
 * out, and every payout Paystack made is a completed withdrawal, no atomic bulk transfer
 * is part completed and part rejected), each wallet's events must be on the topic once
 * each and in sequence order, no poison stops the ledger, no forgery credits a kobo.
 *
 * <p>
 * Short form (about two minutes) in the test suite. Long form:
 * {@code ./mvnw -pl system-tests -am verify -Dtest=BankTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbank.seconds=1200 -Dbank.faultEverySeconds=2}: with the pauses, about 100 faults,
 * every kind six times or more, on each instance.
 */
@ExtendWith(LocalStackExtension.class)
class BankTest {

    private static final int WALLETS = 8;

    private static final long FUNDING = 1_000_000;

    private final WebhookReceiver receiver = WebhookReceiver.start(8);

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    @Test
    void moneyIsNeitherCreatedNorLostUnderCrashesAndPausesOfEveryComponentWithTwoOfEach(LocalStack stack)
            throws Exception {
        Duration runFor = Duration.ofSeconds(Long.getLong("bank.seconds", 50));
        Duration faultEvery = Duration.ofSeconds(Long.getLong("bank.faultEverySeconds", 7));
        Pipeline pipeline = Pipeline.shared(stack);
        pipeline.ensureRunning();
        Pipeline.Twins twins = pipeline.startTwins();
        try {
            run(stack, pipeline, twins, runFor, faultEvery);
        }
        finally {
            pipeline.stopTwins(twins);
        }
    }

    private void run(LocalStack stack, Pipeline pipeline, Pipeline.Twins twins, Duration runFor, Duration faultEvery)
            throws Exception {
        ApiClient api = pipeline.api;
        LedgerProbe ledger = pipeline.ledger;
        TopicProbe topics = pipeline.topics;

        List<Account> accounts = new ArrayList<>();
        List<byte[]> webhooks = Collections.synchronizedList(new ArrayList<>());
        // Half the bank's people follow their wallet through a webhook endpoint.
        Map<UUID, String> endpointSecrets = new HashMap<>();
        for (int i = 0; i < WALLETS; i++) {
            ApiClient.SignedIn person = api.signIn("bank-" + i + "-" + UUID.randomUUID() + "@example.com");
            if (i % 2 == 0) {
                ApiClient.Response endpoint = api.post("/webhooks/endpoints", person.as(),
                        "{\"url\":\"" + receiver.url("/bank/" + person.walletNumber()) + "\"}");
                assertThat(endpoint.status()).isEqualTo(201);
                endpointSecrets.put(ledger.walletOfUser(UUID.fromString(person.userId())), endpoint.text("secret"));
            }
            UUID wallet = ledger.walletOfUser(UUID.fromString(person.userId()));
            String reference = ledger.newPendingDeposit(wallet, FUNDING);
            byte[] body = PaystackBodies.chargeSuccess(reference, FUNDING, "NGN");
            webhooks.add(body);
            assertThat(pipeline.postWebhook(body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET))).isEqualTo(200);
            accounts.add(new Account(wallet, person.walletNumber(),
                    api.createKey(person, "1D", "transfer", "withdraw", "read"), reference,
                    List.of(bankAccount(api, person, "5"), bankAccount(api, person, "0001"),
                            bankAccount(api, person, "0002"))));
        }
        for (Account account : accounts) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ledger.balance(account.wallet) == FUNDING);
        }

        Map<String, Request> requests = Collections.synchronizedMap(new HashMap<>());
        Map<String, Request> withdrawals = Collections.synchronizedMap(new HashMap<>());
        Map<String, Bulk> bulks = Collections.synchronizedMap(new HashMap<>());
        List<byte[]> moneyBack = Collections.synchronizedList(new ArrayList<>());
        List<String[]> openDisputes = Collections.synchronizedList(new ArrayList<>());
        List<String> poisonAccepted = Collections.synchronizedList(new ArrayList<>());
        List<String> forged = Collections.synchronizedList(new ArrayList<>());
        AtomicLong operations = new AtomicLong();
        AtomicInteger faults = new AtomicInteger();
        long deadline = System.nanoTime() + runFor.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            long seed = c;
            // Half the clients call each api-service; each webhook goes to either
            // webhook-ingest, as a load balancer would spread them.
            ApiClient clientApi = c % 2 == 0 ? api : twins.api();
            clients.submit(() -> {
                Random random = new Random(seed);
                while (System.nanoTime() < deadline) {
                    operations.incrementAndGet();
                    int hook = random.nextBoolean() ? pipeline.webhookPort : twins.webhookPort();
                    int dice = random.nextInt(40);
                    if (dice == 0) {
                        // Correctly signed, valid JSON, and no one can ever apply it.
                        String key = "BANK-POISON-" + UUID.randomUUID();
                        byte[] poison = ("{\"event\":\"charge.success\",\"data\":{\"id\":1,\"status\":\"success\","
                                + "\"reference\":\"" + key + "\\u0000\",\"amount\":5000,\"currency\":\"NGN\"}}")
                            .getBytes(StandardCharsets.UTF_8);
                        if (Pipeline.postWebhook(hook, poison,
                                PaystackSigner.sign(poison, Pipeline.PAYSTACK_SECRET)) == 200) {
                            poisonAccepted.add(key);
                        }
                        continue;
                    }
                    if (dice == 1) {
                        // Anyone with write access to Kafka: a charge for a real pending
                        // deposit, no proof.
                        try {
                            Account victim = accounts.get(random.nextInt(WALLETS));
                            String reference = ledger.newPendingDeposit(victim.wallet, 50_000);
                            topics.publish(reference, PaystackBodies.chargeSuccess(reference, 50_000, "NGN"), Map.of());
                            forged.add(reference);
                        }
                        catch (Exception componentDown) {
                            // Postgres or Kafka is down this moment: nothing forged, or a
                            // forgery not stored
                        }
                        continue;
                    }
                    if (dice == 2) {
                        // Money out: to a bank account that pays out, fails, or reverses
                        // after paying out.
                        Account from = accounts.get(random.nextInt(WALLETS));
                        Request request = new Request(from, from, 10_000 + random.nextInt(40_000),
                                UUID.randomUUID().toString(), 0, from.bankAccounts.get(random.nextInt(3)));
                        int status = withdraw(clientApi, request).status();
                        if (random.nextInt(5) == 0) {
                            status = withdraw(clientApi, request).status();
                        }
                        withdrawals.put(request.key, request.answered(status));
                        continue;
                    }
                    if (dice == 3 || dice == 4) {
                        // Money in again, so that money out does not drain the bank.
                        try {
                            Account to = accounts.get(random.nextInt(WALLETS));
                            String reference = ledger.newPendingDeposit(to.wallet, 50_000);
                            byte[] body = PaystackBodies.chargeSuccess(reference, 50_000, "NGN");
                            webhooks.add(body);
                            Pipeline.postWebhook(hook, body, PaystackSigner.sign(body, Pipeline.PAYSTACK_SECRET));
                        }
                        catch (Exception componentDown) {
                            // Postgres is down: no deposit opened; or webhook-ingest is,
                            // and the deposit waits for reconciliation
                        }
                        continue;
                    }
                    if (dice == 5 && random.nextInt(4) == 0) {
                        // Money back: a partial refund, or a chargeback opened or
                        // resolved.
                        Account of = accounts.get(random.nextInt(WALLETS));
                        byte[] event;
                        int what = random.nextInt(3);
                        if (what == 0) {
                            event = PaystackBodies.refundProcessed(of.funding, random.nextInt(1_000_000_000),
                                    1_000 + random.nextInt(20_000));
                        }
                        else if (what == 1 || openDisputes.isEmpty()) {
                            long dispute = random.nextInt(1_000_000_000);
                            long amount = 1_000 + random.nextInt(20_000);
                            openDisputes
                                .add(new String[] { of.funding, Long.toString(dispute), Long.toString(amount) });
                            event = PaystackBodies.dispute(of.funding, dispute, amount, null);
                        }
                        else {
                            String[] open = openDisputes.remove(random.nextInt(openDisputes.size()));
                            event = PaystackBodies.dispute(open[0], Long.parseLong(open[1]), Long.parseLong(open[2]),
                                    random.nextBoolean() ? "declined" : "merchant-accepted");
                        }
                        moneyBack.add(event);
                        Pipeline.postWebhook(hook, event, PaystackSigner.sign(event, Pipeline.PAYSTACK_SECRET));
                        continue;
                    }
                    if (dice == 6) {
                        // Several transfers at once, standing alone or together.
                        Account from = accounts.get(random.nextInt(WALLETS));
                        List<Account> to = new ArrayList<>();
                        List<Long> amounts = new ArrayList<>();
                        for (int i = 0, n = 2 + random.nextInt(5); i < n; i++) {
                            Account recipient = accounts.get(random.nextInt(WALLETS));
                            if (recipient != from) {
                                to.add(recipient);
                                amounts.add(100L + random.nextInt(30_000));
                            }
                        }
                        if (to.isEmpty()) {
                            continue;
                        }
                        Bulk bulk = new Bulk(from, to, amounts, random.nextBoolean(), UUID.randomUUID().toString(), 0);
                        int status = sendBulk(clientApi, bulk).status();
                        if (random.nextInt(5) == 0) {
                            // the same references
                            status = sendBulk(clientApi, bulk).status();
                        }
                        bulks.put(bulk.key(), bulk.answered(status));
                        continue;
                    }
                    if (random.nextInt(20) == 0) {
                        byte[] again = random.nextInt(4) == 0 && !moneyBack.isEmpty()
                                ? moneyBack.get(random.nextInt(moneyBack.size()))
                                : webhooks.get(random.nextInt(webhooks.size()));
                        Pipeline.postWebhook(hook, again, PaystackSigner.sign(again, Pipeline.PAYSTACK_SECRET));
                        continue;
                    }
                    Account from = accounts.get(random.nextInt(WALLETS));
                    Account to = accounts.get(random.nextInt(WALLETS));
                    if (from == to) {
                        continue;
                    }
                    Request request = new Request(from, to, 100 + random.nextInt(50_000), UUID.randomUUID().toString());
                    int status = send(clientApi, request).status();
                    if (status != 200 && status != 202 && status != 422) {
                        // client back-off while a component is down, as a real client
                        // would
                        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                    }
                    if (random.nextInt(5) == 0) {
                        // a retry: the same key
                        status = send(clientApi, request).status();
                        // must not move money twice
                    }
                    requests.put(request.key, request.answered(status));
                }
            });
        }

        // Beside them, a webhook-dispatcher killed every 9 s, the first and the second in
        // turn: deliveries it held wait for its lease to run out, then the other (or the
        // restarted one) sends them.
        AtomicInteger dispatcherKills = new AtomicInteger();
        Thread dispatcherFaults = new Thread(() -> {
            for (int k = 0; System.nanoTime() < deadline - 9_000_000_000L; k++) {
                try {
                    Thread.sleep(9_000);
                }
                catch (InterruptedException e) {
                    return;
                }
                ServiceProcess dispatcher = k % 2 == 0 ? pipeline.webhookDispatcher : twins.webhookDispatcher();
                dispatcher.kill();
                dispatcher.start();
                dispatcherKills.incrementAndGet();
            }
        }, "dispatcher-faults");
        dispatcherFaults.start();

        // Every kind of fault in turn, each on one instance (the first, then the second,
        // in alternate rounds) or on both at once, then again.
        List<String> injected = new ArrayList<>();
        for (int round = 0; System.nanoTime() < deadline - faultEvery.toNanos() / 2; round++) {
            await().pollDelay(faultEvery).atMost(faultEvery.plusSeconds(1)).until(() -> true);
            int kind = round % Fault.values().length;
            boolean second = (round / Fault.values().length) % 2 == 1;
            injected.add(Fault.values()[kind].inject(pipeline, twins, stack, second));
            faults.incrementAndGet();
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        dispatcherFaults.join(60_000);

        // Faults stop: everything back. A request whose answer was lost in a fault is
        // asked again with its key for the final word; an Idempotency-Key makes that
        // safe.
        restartIfDown(pipeline, stack);
        pipeline.ensureRunning();
        for (ServiceProcess twin : twins.all()) {
            if (!twin.isRunning()) {
                twin.start();
            }
            twin.awaitReady(Duration.ofMinutes(2));
        }
        int reasked = 0;
        for (Request request : List.copyOf(requests.values())) {
            if (!request.answered()) {
                reasked++;
                int status = send(api, request).status();
                // 202 accepted; 200 accepted and already final (a repeat of a key); 422
                // refused
                assertThat(status).as("final answer for " + request.key).isIn(200, 202, 422);
                requests.put(request.key, request.answered(status));
            }
        }
        for (Request request : List.copyOf(withdrawals.values())) {
            if (!request.answered()) {
                reasked++;
                int status = withdraw(api, request).status();
                assertThat(status).as("final answer for withdrawal " + request.key).isIn(202, 422);
                withdrawals.put(request.key, request.answered(status));
            }
        }
        for (Bulk bulk : List.copyOf(bulks.values())) {
            if (!bulk.answered()) {
                reasked++;
                int status = sendBulk(api, bulk).status();
                assertThat(status).as("final answer for bulk transfer " + bulk.key()).isIn(200, 202, 422);
                bulks.put(bulk.key(), bulk.answered(status));
            }
        }
        // Every money-back event once more, now that nothing is down: Paystack retries
        // until answered 200.
        for (byte[] event : List.copyOf(moneyBack)) {
            assertThat(pipeline.postWebhook(event, PaystackSigner.sign(event, Pipeline.PAYSTACK_SECRET)))
                .isEqualTo(200);
        }
        Set<String> accepted = new HashSet<>(acceptedIds(stack, accounts));
        await().atMost(Duration.ofMinutes(3)).until(() -> pending(stack) == 0);

        List<String> anomalies = new ArrayList<>();
        anomalies.addAll(ledger.ledgerInvariantViolations());
        long total = 0;
        for (Account account : accounts) {
            total += ledger.balance(account.wallet);
        }
        // What came in and went out, each from its own record: deposits credited, refunds
        // and chargebacks Paystack told, and payouts the Paystack stand-in made.
        String bank = accounts.stream().map(a -> "'" + a.wallet + "'").reduce((a, b) -> a + "," + b).orElseThrow();
        long deposited = count(stack, "select coalesce(sum(amount), 0) from deposits where status = 'success' and"
                + " wallet_id in (" + bank + ")");
        long refunded = count(stack, "select coalesce(sum(amount), 0) from refunds where wallet_id in (" + bank + ")");
        long disputed = count(stack, "select coalesce(sum(amount), 0) from disputes where held and status in"
                + " ('held', 'charged_back') and wallet_id in (" + bank + ")");
        long paidOut = 0;
        for (String id : withdrawalIds(stack, bank, "completed")) {
            String paystackSays = stack.paystack().transferStatus(id);
            if (!"success".equals(paystackSays)) {
                anomalies.add("withdrawal " + id + " is completed but Paystack's transfer is " + paystackSays);
            }
            paidOut += count(stack, "select amount from withdrawals where id = '" + id + "'");
        }
        for (String id : withdrawalIds(stack, bank, "failed', 'reversed")) {
            String paystackSays = stack.paystack().transferStatus(id);
            if ("success".equals(paystackSays)) {
                anomalies.add("withdrawal " + id + " was returned to its wallet but Paystack paid it out");
            }
        }
        if (total != deposited - refunded - disputed - paidOut) {
            anomalies.add("the bank's wallets hold " + total + ", not the " + deposited + " deposited less " + refunded
                    + " refunded, " + disputed + " disputed and " + paidOut + " paid out");
        }
        long unfinished = count(stack, "select count(*) from withdrawals where status in ('pending', 'processing')");
        if (unfinished != 0) {
            anomalies.add(unfinished + " withdrawals are not final");
        }
        if (ledger.moneyInTransit() != 0) {
            anomalies.add(ledger.moneyInTransit() + " is still in transit after every transfer was final");
        }
        long splitBatches = count(stack, """
                select count(*) from transfer_batches b where b.atomic
                  and exists (select 1 from transfers t where t.batch_id = b.id and t.status = 'completed')
                  and exists (select 1 from transfers t where t.batch_id = b.id and t.status = 'rejected')""");
        if (splitBatches != 0) {
            anomalies.add(splitBatches + " atomic bulk transfers have items both completed and rejected");
        }
        long final_ = countFinal(stack, accepted);
        if (final_ != accepted.size()) {
            anomalies.add((accepted.size() - final_) + " accepted transfers are not completed or rejected");
        }
        Map<UUID, List<LedgerEvent>> eventsOf = topics
            .committedEvents(accounts.stream().map(a -> a.wallet).collect(Collectors.toSet()), Duration.ofSeconds(3));
        for (Account account : accounts) {
            // As a read_committed consumer reads them, unsorted: in sequence order, none
            // missing or doubled, across every crash.
            List<LedgerEvent> events = eventsOf.getOrDefault(account.wallet, List.of());
            Set<String> ids = new HashSet<>();
            long expected = 1;
            long before = 0;
            for (LedgerEvent event : events) {
                if (!ids.add(event.eventId())) {
                    anomalies.add("event " + event.eventId() + " committed twice");
                }
                if (event.sequence() != expected++) {
                    anomalies.add("wallet " + account.wallet + ": event " + (expected - 1)
                            + " is missing, doubled or out of order on the topic (found " + event.sequence() + ")");
                    break;
                }
                if (event.balanceAfter() < 0 && event.balanceAfter() < before
                        && event.type() != LedgerEvent.Type.DepositRefunded
                        && event.type() != LedgerEvent.Type.ChargebackHeld) {
                    anomalies.add("wallet " + account.wallet + " went negative by " + event.type());
                }
                before = event.balanceAfter();
            }
            long replayed = events.isEmpty() ? 0 : events.get(events.size() - 1).balanceAfter();
            if (replayed != ledger.balance(account.wallet)) {
                anomalies.add("wallet " + account.wallet + " balance " + ledger.balance(account.wallet)
                        + " but its events replay to " + replayed);
            }
        }
        // Every event of a wallet whose owner registered an endpoint reached it at least
        // once, signed so that the reference library verifies it, across every crash.
        for (Map.Entry<UUID, String> followed : endpointSecrets.entrySet()) {
            Account account = accounts.stream()
                .filter(a -> a.wallet.equals(followed.getKey()))
                .findFirst()
                .orElseThrow();
            List<String> expected = eventsOf.getOrDefault(account.wallet, List.of())
                .stream()
                .map(e -> "msg_" + e.eventId())
                .toList();
            String path = "/bank/" + account.number;
            try {
                await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> receiver.received(path)
                        .stream()
                        .map(r -> r.header("webhook-id"))
                        .collect(Collectors.toSet())
                        .containsAll(expected));
            }
            catch (ConditionTimeoutException missing) {
                Set<String> got = new HashSet<>();
                receiver.received(path).forEach(r -> got.add(r.header("webhook-id")));
                anomalies
                    .add("wallet " + account.wallet + ": " + expected.stream().filter(id -> !got.contains(id)).count()
                            + " of its " + expected.size() + " events never reached its webhook endpoint");
            }
            List<String> verified = StandardWebhooksVerifier.verify(followed.getValue(), receiver.received(path));
            long refused = verified.stream().filter(v -> !v.equals("ok")).count();
            if (refused > 0 || expected.isEmpty()) {
                anomalies.add("wallet " + account.wallet + ": " + refused + " of " + verified.size()
                        + " webhook deliveries failed verification (" + expected.size() + " events)");
            }
        }
        // A downstream consumer's view must agree: the example projection, from the topic
        // alone.
        try (BalanceProjection projection = new BalanceProjection(stack.kafka().clientProperties("downstream"),
                "bank-projection-" + UUID.randomUUID())) {
            projection.catchUp(Duration.ofSeconds(3));
            for (Account account : accounts) {
                var seen = projection.wallets().get(account.wallet);
                if (seen == null || seen.balance() != ledger.balance(account.wallet)) {
                    anomalies.add("the example consumer's projection of " + account.wallet + " is " + seen
                            + ", the ledger says " + ledger.balance(account.wallet));
                }
            }
        }
        // The worker may still be reading paystack.events after the transfers drained:
        // wait, with a bound, for every poison webhook and forgery to be set aside.
        List<String> setAside = new ArrayList<>();
        poisonAccepted.forEach(key -> setAside.add("position(convert_to('" + key + "', 'UTF8') in record_key) = 1"));
        forged.forEach(reference -> setAside.add("record_key = convert_to('" + reference + "', 'UTF8')"));
        long[] found = { 0 };
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
                found[0] = setAside.isEmpty() ? 0 : count(stack, "select count(*) from dead_letters where topic ="
                        + " 'paystack.events' and (" + String.join(" or ", setAside) + ")");
                return found[0] >= setAside.size();
            });
        }
        catch (ConditionTimeoutException stillMissing) {
            // reported as an anomaly below, with the summary
        }
        if (found[0] < setAside.size()) {
            anomalies.add((setAside.size() - found[0]) + " accepted poison webhooks or forged payments are not in"
                    + " dead_letters");
        }
        for (String reference : List.copyOf(forged)) {
            if (!ledger.depositStatus(reference).equals("pending")) {
                anomalies
                    .add("forged payment " + reference + " moved its deposit to " + ledger.depositStatus(reference));
            }
        }
        long accepted202 = requests.values().stream().filter(r -> r.status == 202 || r.status == 200).count();
        if (accepted202 > accepted.size()) {
            anomalies.add(accepted202 + " requests were accepted but only " + accepted.size() + " transfers exist");
        }
        System.out.printf("%nbank test: %d s, %d operations, %d transfers accepted (%d answers re-asked after faults),"
                + " %d of them in %d bulk transfers, %d withdrawals (%d paid out), %d refund and chargeback events, %d poison webhooks accepted and set"
                + " aside, %d forged payments refused, %d faults injected %s, webhook-dispatcher killed %d times,"
                + " %d webhook deliveries received, anomalies: %d%n", runFor.toSeconds(), operations.get(),
                accepted.size(), reasked,
                count(stack,
                        "select count(*) from transfers where batch_id is not null and from_wallet_id in (" + bank
                                + ")"),
                count(stack, "select count(*) from transfer_batches where from_wallet_id in (" + bank + ")"),
                withdrawals.size(), withdrawalIds(stack, bank, "completed").size(), moneyBack.size(),
                poisonAccepted.size(), forged.size(), faults.get(), injected, dispatcherKills.get(),
                receiver.all().size(), anomalies.size());
        anomalies.forEach(a -> System.out.println("  anomaly: " + a));
        assertThat(anomalies).isEmpty();
        assertThat(faults.get()).isGreaterThanOrEqualTo(3);
    }

    /**
     * The faults, in the order the schedule injects them: crashes (SIGKILL, then a
     * restart), pauses (SIGSTOP for longer than the time-outs that notice them, then
     * SIGCONT: a long GC pause or a frozen VM that wakes up to a world that moved on),
     * and both instances at once. A fault on "one" instance hits the first or the second.
     */
    enum Fault {

        /**
         * Past its 10 s session time-out: its partitions move to the other worker, and
         * what it does on waking is fenced (the group generation, the database).
         */
        PAUSE_LEDGER_WORKER {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                worker(pipeline, twins, second).pause(Duration.ofSeconds(14));
                return "ledger-worker paused 14 s" + which(second);
            }
        },
        KILL_LEDGER_WORKER {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                restart(worker(pipeline, twins, second));
                return "ledger-worker killed" + which(second);
            }
        },
        /** In the middle of requests: its clients' answers are lost; they ask again. */
        PAUSE_API_SERVICE {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                (second ? twins.apiService() : pipeline.apiService).pause(Duration.ofSeconds(8));
                return "api-service paused 8 s" + which(second);
            }
        },
        KILL_API_SERVICE {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                restart(second ? twins.apiService() : pipeline.apiService);
                return "api-service killed" + which(second);
            }
        },
        /** Paystack's deliveries to it time out; they are sent again. */
        PAUSE_WEBHOOK_INGEST {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                (second ? twins.webhookIngest() : pipeline.webhookIngest).pause(Duration.ofSeconds(8));
                return "webhook-ingest paused 8 s" + which(second);
            }
        },
        KILL_WEBHOOK_INGEST {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                restart(second ? twins.webhookIngest() : pipeline.webhookIngest);
                return "webhook-ingest killed" + which(second);
            }
        },
        KILL_KAFKA {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                stack.kafka().restart();
                return "kafka killed";
            }
        },
        /** Past the brokers' session and request time-outs of every client. */
        PAUSE_KAFKA {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                stack.kafka().pause(Duration.ofSeconds(12));
                return "kafka paused 12 s";
            }
        },
        KILL_POSTGRES {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                stack.postgres().restart();
                return "postgres killed";
            }
        },
        /** Longer than the services' connection and lock time-outs. */
        PAUSE_POSTGRES {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                stack.postgres().pause(Duration.ofSeconds(12));
                return "postgres paused 12 s";
            }
        },
        /**
         * Between a transfer's legs: the sender debited, the credit leg on Kafka, the
         * recipient not yet credited (if no transfer was debited meanwhile, it is stopped
         * as the other faults do). The second worker keeps running.
         */
        LEDGER_WORKER_BETWEEN_LEGS {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) throws Exception {
                pipeline.ledgerWorkerHaltingAt("LEDGER_FAULT_HALT_AFTER_CREDIT_LEG_SENT", Duration.ofSeconds(30),
                        () -> {
                        });
                pipeline.ledgerWorker.start();
                return "ledger-worker between legs";
            }
        },
        /** Overlapping: a worker dies while the broker is down. */
        KILL_KAFKA_AND_LEDGER_WORKER {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                ServiceProcess worker = worker(pipeline, twins, second);
                stack.kafka().kill();
                worker.kill();
                stack.kafka().restart();
                worker.start();
                return "kafka+ledger-worker killed" + which(second);
            }
        },
        KILL_BOTH_LEDGER_WORKERS {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                pipeline.ledgerWorker.kill();
                twins.ledgerWorker().kill();
                pipeline.ledgerWorker.start();
                twins.ledgerWorker().start();
                return "both ledger-workers killed";
            }
        },
        PAUSE_BOTH_LEDGER_WORKERS {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) throws Exception {
                both(() -> pipeline.ledgerWorker.pause(Duration.ofSeconds(14)),
                        () -> twins.ledgerWorker().pause(Duration.ofSeconds(14)));
                return "both ledger-workers paused 14 s";
            }
        },
        PAUSE_BOTH_API_SERVICES {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) throws Exception {
                both(() -> pipeline.apiService.pause(Duration.ofSeconds(8)),
                        () -> twins.apiService().pause(Duration.ofSeconds(8)));
                return "both api-services paused 8 s";
            }
        },
        KILL_BOTH_WEBHOOK_INGESTS {
            @Override
            String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second) {
                pipeline.webhookIngest.kill();
                twins.webhookIngest().kill();
                pipeline.webhookIngest.start();
                twins.webhookIngest().start();
                return "both webhook-ingests killed";
            }
        };

        /** Injects the fault (on the second instance, or the first); says what it was. */
        abstract String inject(Pipeline pipeline, Pipeline.Twins twins, LocalStack stack, boolean second)
                throws Exception;

        private static String which(boolean second) {
            return second ? " (2nd)" : " (1st)";
        }

        private static ServiceProcess worker(Pipeline pipeline, Pipeline.Twins twins, boolean second) {
            return second ? twins.ledgerWorker() : pipeline.ledgerWorker;
        }

        private static void restart(ServiceProcess service) {
            service.kill();
            service.start();
        }

        /** Two pauses at the same time; returns when both instances run again. */
        private static void both(Runnable first, Runnable second) throws Exception {
            CompletableFuture<Void> other = CompletableFuture.runAsync(second);
            first.run();
            other.get(1, TimeUnit.MINUTES);
        }

    }

    private static void restartIfDown(Pipeline pipeline, LocalStack stack) {
        if (!stack.kafka().isRunning()) {
            stack.kafka().restart();
        }
    }

    private static ApiClient.Response send(ApiClient api, Request request) {
        try {
            return api.postWithHeader("/wallet/transfer", ApiClient.As.key(request.from.apiKey),
                    "{\"wallet_number\":\"" + request.to.number + "\",\"amount\":" + request.amount + "}",
                    "Idempotency-Key", request.key);
        }
        catch (RuntimeException unreachable) {
            return new ApiClient.Response(-1, Map.of(), "");
        }
    }

    private static ApiClient.Response sendBulk(ApiClient api, Bulk bulk) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < bulk.to().size(); i++) {
            items.add("{\"wallet_number\":\"" + bulk.to().get(i).number + "\",\"amount\":" + bulk.amounts().get(i)
                    + ",\"reference\":\"" + bulk.key() + "-" + i + "\"}");
        }
        try {
            return api.post("/wallet/transfers/bulk", ApiClient.As.key(bulk.from().apiKey),
                    "{\"atomic\":" + bulk.atomic() + ",\"transfers\":[" + String.join(",", items) + "]}");
        }
        catch (RuntimeException unreachable) {
            return new ApiClient.Response(-1, Map.of(), "");
        }
    }

    private static ApiClient.Response withdraw(ApiClient api, Request request) {
        try {
            return api.postWithHeader("/wallet/withdrawals", ApiClient.As.key(request.from.apiKey),
                    "{\"amount\":" + request.amount + ",\"account_id\":\"" + request.bankAccount + "\"}",
                    "Idempotency-Key", request.key);
        }
        catch (RuntimeException unreachable) {
            return new ApiClient.Response(-1, Map.of(), "");
        }
    }

    /**
     * A saved bank account of the person whose number ends so: see the Paystack stand-in.
     */
    private static String bankAccount(ApiClient api, ApiClient.SignedIn person, String ending) {
        String number = (Long.toString(1_000_000_000L + new Random().nextInt(899_999_999)) + "0000").substring(0,
                10 - ending.length()) + ending;
        ApiClient.Response saved = api.post("/wallet/withdrawal-accounts", person.as(),
                "{\"account_number\":\"" + number + "\",\"bank_code\":\"044\"}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        return saved.text("id");
    }

    private static List<String> withdrawalIds(LocalStack stack, String wallets, String statuses) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery("select id from withdrawals where status in ('" + statuses
                        + "') and wallet_id in (" + wallets + ")")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Transfers and withdrawals not yet final. */
    private static long pending(LocalStack stack) throws Exception {
        return count(stack, "select count(*) from transfers where status = 'pending'")
                + count(stack, "select count(*) from withdrawals where status in ('pending', 'processing')");
    }

    private static long countFinal(LocalStack stack, Set<String> ids) throws Exception {
        if (ids.isEmpty()) {
            return 0;
        }
        return count(stack, "select count(*) from transfers where status in ('completed', 'rejected') and id in ('"
                + String.join("','", ids) + "')");
    }

    private static long count(LocalStack stack, String sql) throws Exception {
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                Statement statement = db.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * A wallet of the bank: its API key, the deposit that funded it, and its saved bank
     * accounts (pays out, fails, reverses).
     */
    private record Account(UUID wallet, String number, String apiKey, String funding, List<String> bankAccounts) {
    }

    /** A transfer to {@code to}, or a withdrawal to {@code bankAccount}. */
    private record Request(Account from, Account to, long amount, String key, int status,
            @Nullable String bankAccount) {

        Request(Account from, Account to, long amount, String key) {
            this(from, to, amount, key, 0, null);
        }

        Request answered(int answer) {
            return new Request(from, to, amount, key, answer, bankAccount);
        }

        /**
         * The API gave a definite answer: accepted (202, or 200 when already final) or
         * refused (422).
         */
        boolean answered() {
            return status == 200 || status == 202 || status == 422;
        }
    }

    /** A bulk transfer; each item's reference is the key and its place. */
    private record Bulk(Account from, List<Account> to, List<Long> amounts, boolean atomic, String key, int status) {

        Bulk answered(int answer) {
            return new Bulk(from, to, amounts, atomic, key, answer);
        }

        boolean answered() {
            return status == 200 || status == 202 || status == 422;
        }
    }

    /**
     * Every transfer sent from the bank's wallets: what the API accepted, by the
     * database.
     */
    private static List<String> acceptedIds(LocalStack stack, List<Account> accounts) throws Exception {
        List<String> ids = new ArrayList<>();
        String wallets = accounts.stream().map(a -> "'" + a.wallet + "'").reduce((a, b) -> a + "," + b).orElseThrow();
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER);
                Statement statement = db.createStatement();
                ResultSet rs = statement
                    .executeQuery("select id from transfers where from_wallet_id in (" + wallets + ")")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

}
