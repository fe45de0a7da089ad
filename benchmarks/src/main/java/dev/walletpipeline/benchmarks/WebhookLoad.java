package dev.walletpipeline.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Signed webhooks, closed loop, over plain HTTP/1.1 keep-alive connections
 * ({@link RawHttp}): one thread and one connection per request in flight, each request
 * written as prepared bytes. This does the least a Paystack sender does: send bytes, read
 * the status.
 */
final class WebhookLoad {

    private WebhookLoad() {
    }

    /** {@code requests}: whole HTTP requests, used in turn by every connection. */
    static PipelineBenchmark.Result run(int port, List<byte[]> requests, int inFlight, Duration seconds)
            throws InterruptedException {
        Recorder latencies = new Recorder(3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < inFlight; t++) {
            int first = t;
            Thread thread = new Thread(() -> {
                int i = first;
                try (RawHttp http = new RawHttp(port)) {
                    while (System.nanoTime() < deadline) {
                        long sent = System.nanoTime();
                        byte[] request = requests.get(i % requests.size());
                        i += inFlight;
                        try {
                            if (http.exchange(request).status() == 200) {
                                latencies.recordValue(System.nanoTime() - sent);
                                accepted.incrementAndGet();
                            }
                            else {
                                refused.incrementAndGet();
                            }
                        }
                        catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                }
            }, "webhook-load-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (refused.get() > 0 || failed.get() > 0) {
            System.out.printf("  webhooks refused: %d; connections failed: %d%n", refused.get(), failed.get());
        }
        return PipelineBenchmark.Result.of(latencies.getIntervalHistogram(), accepted.get(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    static byte[] post(int port, String path, byte[] body, String signature) {
        return RawHttp.request("POST", port, path,
                Map.of("Content-Type", "application/json", "x-paystack-signature", signature), body);
    }

}
