package dev.walletpipeline.dispatcher.delivery;

import dev.walletpipeline.contracts.webhooks.WebhookSignature;
import dev.walletpipeline.contracts.webhooks.WebhookTargets;
import dev.walletpipeline.dispatcher.DispatcherSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends the deliveries that are due. One thread takes them from the database (a lease
 * each, so that other instances take others), a pool sends them, each to its endpoint
 * with its signature, and one thread records what the attempts came to, many in one
 * transaction. A wallet's deliveries to an endpoint leave one at a time, in its order; an
 * endpoint holds at most {@code in-flight-per-endpoint} of the pool, so one that is slow
 * or dead delays nobody else's deliveries.
 */
@Component
class DeliverySender implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliverySender.class);

    /** What a receiver's answer keeps in the log. */
    static final int RESPONSE_KEPT = 1024;

    private final Deliveries deliveries;

    private final DispatcherSettings settings;

    private final WebhookTargets targets;

    private final RetrySchedule schedule;

    private final HttpClient http;

    private final Clock clock = Clock.systemUTC();

    private final Map<UUID, Integer> inFlight = new ConcurrentHashMap<>();

    private final Semaphore room;

    private final LinkedBlockingQueue<Deliveries.Attempt> outcomes = new LinkedBlockingQueue<>();

    private final Object wake = new Object();

    private final Counter delivered;

    private final Counter failedAttempts;

    private final Counter givenUp;

    private final AtomicLong oldestUndeliveredSeconds = new AtomicLong();

    private final AtomicLong longestDueSeconds = new AtomicLong();

    private volatile boolean running;

    private @Nullable ExecutorService senders;

    private @Nullable Thread claimer;

    private @Nullable Thread recorder;

    DeliverySender(Deliveries deliveries, DispatcherSettings settings, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.settings = settings;
        this.targets = new WebhookTargets(settings.localTargetsAllowed(), WebhookTargets.Resolver.DNS);
        this.schedule = new RetrySchedule(settings.retrySchedule());
        this.room = new Semaphore(settings.inFlight());
        // Redirects are not followed: a target is checked before it is called, and a
        // redirect would call one that was not.
        this.http = HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
        this.delivered = Counter.builder("webhook.deliveries")
            .tag("outcome", "delivered")
            .description("deliveries answered 2xx")
            .register(meters);
        this.failedAttempts = Counter.builder("webhook.deliveries")
            .tag("outcome", "attempt_failed")
            .description("attempts that failed and will be tried again")
            .register(meters);
        this.givenUp = Counter.builder("webhook.deliveries")
            .tag("outcome", "failed")
            .description("deliveries given up: the schedule's last attempt failed, or the endpoint answered 410")
            .register(meters);
        Gauge.builder("webhook.deliveries.oldest.undelivered.seconds", oldestUndeliveredSeconds, AtomicLong::get)
            .description("age of the oldest delivery not yet delivered to an enabled endpoint")
            .register(meters);
        Gauge.builder("webhook.deliveries.longest.due.seconds", longestDueSeconds, AtomicLong::get)
            .description("how long the delivery due the longest has waited to be sent: the dispatchers' backlog")
            .register(meters);
        Gauge.builder("webhook.deliveries.in.flight", room, r -> settings.inFlight() - r.availablePermits())
            .register(meters);
    }

    /** Something was added: look now rather than at the next idle poll. */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    /**
     * Every 5 s, off the sending path: the safety net for a queue whose head was
     * delivered while deliveries were added behind it, unseen by either; and the backlog
     * gauges.
     */
    @Scheduled(fixedDelay = 5_000, initialDelay = 5_000)
    void everyFewSeconds() {
        if (!running) {
            return;
        }
        try {
            deliveries.headsDue(List.of());
            Deliveries.Backlog backlog = deliveries.backlog();
            oldestUndeliveredSeconds.set(backlog.oldestUndelivered().toSeconds());
            longestDueSeconds.set(backlog.longestDue().toSeconds());
        }
        catch (RuntimeException e) {
            log.warn("the stranded-queue sweep failed: {}", e.toString());
        }
    }

    private void claimLoop() {
        while (running) {
            try {
                int free = room.availablePermits();
                List<Deliveries.Claimed> claimed = free == 0 ? List.of() : deliveries.claim(free,
                        settings.inFlightPerEndpoint(), Map.copyOf(inFlight), settings.lease());
                for (Deliveries.Claimed delivery : claimed) {
                    room.acquireUninterruptibly();
                    inFlight.merge(delivery.endpointId(), 1, Integer::sum);
                    senders().execute(() -> send(delivery));
                }
                if (claimed.isEmpty()) {
                    synchronized (wake) {
                        wake.wait(settings.idlePoll().toMillis());
                    }
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                // The database away: deliveries wait in it; look again shortly.
                log.warn("taking due deliveries failed: {}", e.toString());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private void send(Deliveries.Claimed delivery) {
        try {
            outcomes.add(attempt(delivery));
        }
        finally {
            inFlight.computeIfPresent(delivery.endpointId(), (k, v) -> v == 1 ? null : v - 1);
            room.release();
        }
    }

    /** One attempt: the target checked again, then the signed request. */
    Deliveries.Attempt attempt(Deliveries.Claimed delivery) {
        Instant at = clock.instant();
        long started = System.nanoTime();
        Optional<WebhookTargets.Refusal> refusal = targets.refusal(delivery.url());
        if (refusal.isPresent()) {
            return new Deliveries.Attempt(delivery, at, null, 0, null, "target refused: " + refusal.get().detail(),
                    null);
        }
        byte[] body = delivery.body().getBytes(StandardCharsets.UTF_8);
        long timestamp = at.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.url()))
            .timeout(settings.timeout())
            .header("content-type", "application/json")
            .header("user-agent", "wallet-pipeline-webhooks/1")
            .header("webhook-id", delivery.messageId())
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature",
                    WebhookSignature.header(delivery.messageId(), timestamp, body, delivery.secrets()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String kept;
            try (InputStream in = response.body()) {
                kept = new String(in.readNBytes(RESPONSE_KEPT), StandardCharsets.UTF_8);
            }
            int latency = (int) ((System.nanoTime() - started) / 1_000_000);
            return new Deliveries.Attempt(delivery, at, response.statusCode(), latency, kept, null,
                    retryAfter(response));
        }
        catch (HttpTimeoutException e) {
            return failed(delivery, at, started, "timed out after " + settings.timeout().toSeconds() + " s");
        }
        catch (IOException | IllegalArgumentException e) {
            return failed(delivery, at, started, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(delivery, at, started, "the dispatcher stopped during the attempt");
        }
    }

    private static Deliveries.Attempt failed(Deliveries.Claimed delivery, Instant at, long started, String error) {
        return new Deliveries.Attempt(delivery, at, null, (int) ((System.nanoTime() - started) / 1_000_000), null,
                error, null);
    }

    /** {@code Retry-After} of a 429 or 503, in seconds or as an HTTP date. */
    static @Nullable Duration retryAfter(HttpResponse<?> response) {
        if (response.statusCode() != 429 && response.statusCode() != 503) {
            return null;
        }
        Optional<String> value = response.headers().firstValue("retry-after");
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.get().strip())));
        }
        catch (NumberFormatException e) {
            try {
                Instant until = ZonedDateTime.parse(value.get().strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
                Duration wait = Duration.between(Instant.now(), until);
                return wait.isNegative() ? Duration.ZERO : wait;
            }
            catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private void recordLoop() {
        List<Deliveries.Attempt> batch = new ArrayList<>();
        while (running || !outcomes.isEmpty()) {
            try {
                Deliveries.Attempt first = outcomes.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outcomes.drainTo(batch, 999);
                Map<UUID, @Nullable Instant> next = new HashMap<>();
                for (Deliveries.Attempt a : batch) {
                    if (!a.delivered()) {
                        next.put(a.delivery().id(),
                                a.gone() ? null : schedule.next(a.delivery().attempts() + 1, a.at(), a.retryAfter()));
                    }
                }
                recordUntilDone(batch, next);
                for (Deliveries.Attempt a : batch) {
                    if (a.delivered()) {
                        delivered.increment();
                    }
                    else if (next.get(a.delivery().id()) == null) {
                        givenUp.increment();
                    }
                    else {
                        failedAttempts.increment();
                    }
                }
                batch.clear();
                // A delivery recorded may have been holding back its wallet's next one.
                wake();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The database away: the outcomes wait here, their leases run on, and if this
     * instance stops before recording them another sends them again (at least once).
     */
    private void recordUntilDone(List<Deliveries.Attempt> batch, Map<UUID, @Nullable Instant> next) {
        while (true) {
            try {
                deliveries.record(batch, next, settings.disableAfterFailingFor());
                return;
            }
            catch (RuntimeException e) {
                log.warn("recording {} attempts failed, trying again: {}", batch.size(), e.toString());
                if (!running) {
                    return;
                }
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ExecutorService senders() {
        ExecutorService pool = senders;
        if (pool == null) {
            throw new IllegalStateException("not started");
        }
        return pool;
    }

    @Override
    public synchronized void start() {
        running = true;
        senders = Executors.newFixedThreadPool(settings.inFlight(), runnable -> {
            Thread thread = new Thread(null, runnable, "webhook-send", 256 * 1024);
            thread.setDaemon(true);
            return thread;
        });
        claimer = new Thread(this::claimLoop, "webhook-claim");
        recorder = new Thread(this::recordLoop, "webhook-record");
        claimer.start();
        recorder.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        wake();
        try {
            if (claimer != null) {
                claimer.join(5_000);
            }
            if (senders != null) {
                senders.shutdown();
                senders.awaitTermination(settings.timeout().toSeconds() + 1, TimeUnit.SECONDS);
            }
            if (recorder != null) {
                recorder.join(10_000);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

}
