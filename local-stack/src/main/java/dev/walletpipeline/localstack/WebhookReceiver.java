package dev.walletpipeline.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * An API client's webhook receiver on this machine's loopback, for the tests and the
 * benchmarks: each path is an endpoint of its own, records every request it gets and
 * answers as it is told (200 at once unless told otherwise).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** A request as received: its headers by lower-case name, its body. */
    public record Received(String path, Map<String, String> headers, String body, Instant at) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

    }

    /** What an endpoint answers: a status, headers, after a delay. */
    public record Answer(int status, Map<String, String> headers, Duration delay) {

        public static final Answer OK = new Answer(200, Map.of(), Duration.ZERO);

        public static Answer status(int status) {
            return new Answer(status, Map.of(), Duration.ZERO);
        }

    }

    /** How an endpoint answers a request, given what it received before on its path. */
    @FunctionalInterface
    public interface Responder {

        Answer answer(Received request, int earlierRequests);

    }

    private final HttpServer server;

    private final ExecutorService pool;

    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();

    private final Map<String, Responder> responders = new ConcurrentHashMap<>();

    private volatile Consumer<Received> listener = r -> {
    };

    private WebhookReceiver(int threads) {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 256);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool = Executors.newFixedThreadPool(threads);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A receiver answering with up to {@code threads} requests at once. */
    public static WebhookReceiver start(int threads) {
        return new WebhookReceiver(threads);
    }

    /** The URL of an endpoint on this receiver. */
    public String url(String path) {
        return "http://localhost:" + server.getAddress().getPort() + (path.startsWith("/") ? path : "/" + path);
    }

    public void respond(String path, Responder responder) {
        responders.put(normalised(path), responder);
    }

    /** Called with every request as it arrives, before it is answered. */
    public void onRequest(Consumer<Received> listener) {
        this.listener = listener;
    }

    public List<Received> received(String path) {
        return List.copyOf(received.getOrDefault(normalised(path), List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!values.isEmpty()) {
                    headers.put(name.toLowerCase(Locale.ROOT), values.get(0));
                }
            });
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(path, Map.copyOf(headers), body, Instant.now());
            List<Received> log = received.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>());
            int earlier;
            synchronized (log) {
                earlier = log.size();
                log.add(request);
            }
            listener.accept(request);
            Answer answer = responders.getOrDefault(path, (r, n) -> Answer.OK).answer(request, earlier);
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] text = ("answered " + answer.status()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), text.length);
            exchange.getResponseBody().write(text);
        }
    }

    private static String normalised(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** Every request on every path, for a check over all of them. */
    public List<Received> all() {
        List<Received> all = new ArrayList<>();
        received.values().forEach(all::addAll);
        return all;
    }

}
