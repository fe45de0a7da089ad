package dev.walletpipeline.benchmarks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * Signed webhooks, closed loop, over plain HTTP/1.1 keep-alive connections: one thread
 * and one socket per request in flight, each request written as prepared bytes and each
 * answer read whole.
 *
 * <p>
 * Measured: {@code java.net.http.HttpClient} cost the load generator about a third of a
 * core per thousand requests on the two cores it shares with the service it measures, so
 * the webhook row measured the client as much as webhook-ingest. This client does the
 * least a Paystack sender does: send bytes, read the status.
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
                while (System.nanoTime() < deadline) {
                    // A connection the server closes (keep-alive limits) is opened again.
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                        socket.setSoTimeout(30_000);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                        boolean open = true;
                        while (open && System.nanoTime() < deadline) {
                            long sent = System.nanoTime();
                            out.write(requests.get(i % requests.size()));
                            out.flush();
                            i += inFlight;
                            Answer answer = read(in);
                            if (answer.status() == 200) {
                                latencies.recordValue(System.nanoTime() - sent);
                                accepted.incrementAndGet();
                            }
                            else {
                                refused.incrementAndGet();
                            }
                            open = !answer.closing();
                        }
                    }
                    catch (IOException e) {
                        failed.incrementAndGet();
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
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nContent-Type: application/json\r\nx-paystack-signature: " + signature + "\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /** A response's status, and whether the server closes the connection after it. */
    private record Answer(int status, boolean closing) {
    }

    /** Reads one response whole. */
    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closing = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = colon > 0 ? header.substring(0, colon).trim() : "";
            String value = colon > 0 ? header.substring(colon + 1).trim().toLowerCase(Locale.ROOT) : "";
            if (name.equalsIgnoreCase("content-length")) {
                length = Long.parseLong(value);
            }
            else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.contains("chunked");
            }
            else if (name.equalsIgnoreCase("connection")) {
                closing = value.contains("close");
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(),
                    16)) {
                in.skipNBytes(size);
                line(in);
            }
            line(in);
        }
        else if (length > 0) {
            in.skipNBytes(length);
        }
        return new Answer(status, closing);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

}
