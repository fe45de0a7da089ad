package dev.walletpipeline.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Paystack's webhooks: signed with the secret key ({@code x-paystack-signature}) and
 * retried on any non-200 on Paystack's schedule (every 3 minutes for 4 tries, then hourly
 * for 72 hours), which tests compress with {@code retryUnit}.
 */
final class PaystackWebhooks implements AutoCloseable {

    /** Paystack's first retries, at one retry unit each. */
    private static final int QUICK_RETRIES = 4;

    /** Then hourly (20 retry units) for 72 hours. */
    private static final int HOURLY_RETRIES = 72;

    private final String secretKey;

    private final Duration retryUnit;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final AtomicInteger deliveries = new AtomicInteger();

    private volatile @Nullable String url;

    PaystackWebhooks(String secretKey, Duration retryUnit) {
        this.secretKey = secretKey;
        this.retryUnit = retryUnit;
    }

    /** Where webhooks go; none are sent until it is set. */
    void url(String url) {
        this.url = url;
    }

    /** Sends {@code {"event": type, "data": data}}, retried until it is answered 200. */
    void send(String type, String data) {
        send(PaystackWire.event(type, data), 0);
    }

    /** Runs {@code work} a moment later, on the webhooks' threads. */
    void later(Runnable work, long millis) {
        scheduler.schedule(work, millis, TimeUnit.MILLISECONDS);
    }

    int deliveries() {
        return deliveries.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private Duration retryDelay(int attempt) {
        return attempt <= QUICK_RETRIES ? retryUnit : retryUnit.multipliedBy(20);
    }

    private void send(byte[] body, int attempt) {
        String target = url;
        if (target == null || attempt > QUICK_RETRIES + HOURLY_RETRIES) {
            return;
        }
        int status;
        try {
            deliveries.incrementAndGet();
            status = http
                .send(HttpRequest.newBuilder(URI.create(target))
                    .header("content-type", "application/json")
                    .header("x-paystack-signature", PaystackSigner.sign(body, secretKey))
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        }
        catch (IOException e) {
            status = -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status != 200 && !scheduler.isShutdown()) {
            scheduler.schedule(() -> send(body, attempt + 1), retryDelay(attempt + 1).toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

}
