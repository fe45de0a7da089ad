package dev.walletpipeline.benchmarks;

import dev.walletpipeline.localstack.ApiClient;
import dev.walletpipeline.localstack.LedgerProbe;
import dev.walletpipeline.localstack.LocalStack;
import dev.walletpipeline.localstack.PostgresServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Reads of one busy wallet's ledger: a balance as of a random instant, and the first page
 * of a random month's statement, on a wallet with a million entries over a year. The
 * entries are written straight into the ledger (balanced postings against an account of
 * the benchmark's own), as ledger-worker would have posted them, then the table is
 * vacuumed and analysed as a settled database is.
 */
final class StatementBenchmark {

    private static final ZoneId LAGOS = ZoneId.of("Africa/Lagos");

    private final LocalStack stack;

    private final int apiPort;

    StatementBenchmark(LocalStack stack, int apiPort) {
        this.stack = stack;
        this.apiPort = apiPort;
    }

    /** The two rows, as Markdown, after {@code warmUp} of each read unmeasured. */
    String run(int entries, Duration warmUp, Duration measure) throws Exception {
        ApiClient api = new ApiClient(apiPort);
        ApiClient.SignedIn person = api.signIn("busy-" + UUID.randomUUID() + "@example.com");
        UUID wallet = new LedgerProbe(stack).walletOfUser(UUID.fromString(person.userId()));
        String key = api.createKey(person, "1D", "read");
        Instant last = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant first = last.minus(365, ChronoUnit.DAYS);
        long started = System.nanoTime();
        load(wallet, entries, first, last);
        System.out.printf("%,d entries over a year loaded in %d s%n", entries,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());

        Random random = new Random(7);
        long span = Duration.between(first, last).toSeconds();
        Function<Random, String> asOf = r -> "/wallet/balance?as_of="
                + first.plusSeconds(r.nextLong(span)).plusNanos(r.nextInt(1_000_000) * 1_000L);
        LocalDate firstMonth = LocalDate.ofInstant(first, LAGOS).withDayOfMonth(1).plusMonths(1);
        Function<Random, String> month = r -> {
            LocalDate from = firstMonth.plusMonths(r.nextInt(11));
            return "/wallet/statement?from=" + from + "&to=" + from.plusMonths(1).minusDays(1);
        };
        reads(key, asOf, random, warmUp);
        Histogram balance = reads(key, asOf, random, measure);
        reads(key, month, random, warmUp);
        Histogram statement = reads(key, month, random, measure);
        String year = wholeYearAsCsv(key, LocalDate.ofInstant(first, LAGOS), LocalDate.ofInstant(last, LAGOS));
        String table = """

                Machine: %d cores, JDK %s. One wallet with %,d entries over a year; one client, each read
                after the one before, %d s measured per row after %d s of the same reads.

                | read | reads | p50 ms | p99 ms | p99.9 ms | target p99 |
                |---|---:|---:|---:|---:|---:|
                %s%s""".formatted(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                entries, measure.toSeconds(), warmUp.toSeconds(),
                row("balance as of a random instant (`GET /wallet/balance?as_of=`)", balance, "< 10 ms"),
                row("a random month's statement, first page of 100 entries (`GET /wallet/statement`)", statement,
                        "< 50 ms"));
        return table + "\n" + year + "\n";
    }

    /**
     * The whole year as CSV, read as it arrives: how long it took and how large it was,
     * against api-service's heap (the local stack gives it 256 MB), which could not hold
     * it.
     */
    private String wholeYearAsCsv(String key, LocalDate from, LocalDate to) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long started = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest
            .newBuilder(URI.create("http://localhost:" + apiPort + "/wallet/statement?from=" + from + "&to=" + to))
            .header("x-api-key", key)
            .header("accept", "text/csv")
            .build(), HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        long lines = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            for (int n; (n = body.read(buffer)) > 0;) {
                bytes += n;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the year's CSV failed: " + response.statusCode());
        }
        return "The whole year as CSV (`Accept: text/csv`, %s to %s): %,d lines, %.0f MB, in %.1f s, streamed by an api-service with a 256 MB heap."
            .formatted(from, to, lines, bytes / 1e6, (System.nanoTime() - started) / 1e9);
    }

    private static String row(String name, Histogram latencies, String target) {
        return "| %s | %d | %.2f | %.2f | %.2f | %s |%n".formatted(name, latencies.getTotalCount(),
                latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6,
                latencies.getValueAtPercentile(99.9) / 1e6, target);
    }

    private Histogram reads(String key, Function<Random, String> path, Random random, Duration duration)
            throws Exception {
        Histogram latencies = new Histogram(3);
        long deadline = System.nanoTime() + duration.toNanos();
        try (RawHttp http = new RawHttp(apiPort)) {
            while (System.nanoTime() < deadline) {
                byte[] request = RawHttp.request("GET", apiPort, path.apply(random), Map.of("x-api-key", key),
                        new byte[0]);
                long sent = System.nanoTime();
                RawHttp.Answer response = http.exchange(request);
                long took = System.nanoTime() - sent;
                if (response.status() != 200) {
                    throw new IllegalStateException("a read failed: " + response.status() + " "
                            + new String(response.body(), StandardCharsets.UTF_8));
                }
                latencies.recordValue(took);
            }
        }
        return latencies;
    }

    /**
     * {@code entries} postings between {@code first} and {@code last}, evenly spaced,
     * money in and out by turns so that the balance wanders (below zero too: chargeback
     * holds may take it there), each balanced by the benchmark's own account.
     */
    private void load(UUID wallet, int entries, Instant first, Instant last) throws Exception {
        UUID counter = UUID.randomUUID();
        String reference = new LedgerProbe(stack).newPendingDeposit(wallet, 100);
        long stepMicros = Duration.between(first, last).toNanos() / 1_000 / entries;
        try (Connection db = stack.postgres().connect(PostgresServer.OWNER); Statement sql = db.createStatement()) {
            db.setAutoCommit(false);
            sql.execute("insert into wallets (id, number, kind) values ('%s', '0009999999999', 'transfers_in_transit')"
                .formatted(counter));
            // amount: in on odd entries, out on even ones; balance_after: the running
            // sum.
            sql.execute(
                    """
                            create temporary table bench_moves on commit drop as
                            select i, case when i %% 2 = 1 then 100 + (i::bigint * 7919) %% 90000 else -(100 + (i::bigint * 104729) %% 90000) end
                                       as amount,
                                   timestamptz '%s' + make_interval(secs => (i - 1)::bigint * %d / 1e6) as at
                            from generate_series(1, %d) i"""
                        .formatted(first, stepMicros, entries));
            sql.execute("""
                    insert into ledger_entries (posting_id, wallet_id, amount, balance_after, sequence, entry_type,
                        deposit_reference, counterparty_wallet_id, event_id, created_at)
                    select 'bench:' || i, w, m.amount * sign, sum(m.amount * sign) over (partition by w order by i), i,
                           case when sign = 1 then case when m.amount > 0 then 'chargeback_released'
                                                        else 'chargeback_hold' end
                                else 'deposit_clearing' end,
                           '%s', case when sign = 1 then null else '%s'::uuid end, gen_random_uuid(), m.at
                    from bench_moves m,
                         (values ('%s'::uuid, 1), ('%s'::uuid, -1)) as side(w, sign)
                    order by i""".formatted(reference, wallet, wallet, counter));
            sql.execute("""
                    update wallets w set balance = e.balance_after, last_sequence = e.sequence,
                        last_posted_at = e.created_at
                    from (select distinct on (wallet_id) wallet_id, balance_after, sequence, created_at
                          from ledger_entries where wallet_id in ('%s', '%s')
                          order by wallet_id, sequence desc) e
                    where w.id = e.wallet_id""".formatted(wallet, counter));
            db.commit();
        }
        try (Connection admin = DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + stack.postgres().port() + "/" + PostgresServer.DATABASE, "postgres",
                "postgres"); Statement settle = admin.createStatement()) {
            settle.execute("vacuum analyze ledger_entries");
            settle.execute("vacuum analyze wallets");
            settle.execute("checkpoint");
        }
    }

}
