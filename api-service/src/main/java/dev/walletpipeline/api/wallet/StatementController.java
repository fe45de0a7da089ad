package dev.walletpipeline.api.wallet;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A wallet's statement for whole days in a time zone: opening and closing balance, what
 * came in and went out, and the posted entries in order, as JSON pages or as one CSV
 * streamed row by row. Entries still pending (a transfer accepted, not yet posted) are in
 * no statement.
 */
@RestController
class StatementController {

    static final String DEFAULT_ZONE = "Africa/Lagos";

    static final int DAYS_MAX = 366;

    private static final String CSV_HEADER = "posted_at,type,reference,counterparty_wallet_number,amount_kobo,"
            + "amount_naira,balance_after_kobo,balance_after_naira\r\n";

    private final Wallets wallets;

    private final WalletLedger ledger;

    StatementController(Wallets wallets, WalletLedger ledger) {
        this.wallets = wallets;
        this.ledger = ledger;
    }

    /**
     * @param from the first day, in {@code tz}
     * @param to the last day, included
     * @param periodStart the first instant of {@code from}
     * @param periodEnd the first instant after {@code to}
     * @param count how many entries the period holds, over every page
     * @param nextCursor the next page's cursor; null on the last page
     */
    record Statement(String walletNumber, String currency, LocalDate from, LocalDate to, String tz, Instant periodStart,
            Instant periodEnd, long openingBalance, long closingBalance, long totalIn, long totalOut, long count,
            List<WalletLedger.Entry> entries, @Nullable String nextCursor) {
    }

    @GetMapping(path = "/wallet/statement", produces = MediaType.APPLICATION_JSON_VALUE)
    Statement statement(@AuthenticationPrincipal Caller caller,
            @Parameter(required = true, schema = @Schema(type = "string", format = "date")) @RequestParam(
                    required = false) @Nullable String from,
            @Parameter(required = true, schema = @Schema(type = "string", format = "date")) @RequestParam(
                    required = false) @Nullable String to,
            @RequestParam(defaultValue = DEFAULT_ZONE) String tz, @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) @Nullable String cursor) {
        Wallet wallet = walletOf(caller);
        Days days = Days.of(from, to, tz);
        if (limit < 1 || limit > WalletLedger.LIMIT_MAX) {
            throw WalletProblem.invalid("limit", "limit must be between 1 and " + WalletLedger.LIMIT_MAX);
        }
        WalletLedger.Cursor after = cursor == null || cursor.isBlank() ? null : WalletLedger.Cursor.parse(cursor);
        WalletLedger.Period period = after != null
                ? new WalletLedger.Period(days.start(), days.end(), after.throughSequence())
                : ledger.period(wallet.id(), days.start(), days.end());
        WalletLedger.Summary summary = ledger.summary(wallet.id(), period);
        List<WalletLedger.Entry> entries = ledger.entries(wallet.id(), period, after, limit + 1);
        String next = null;
        if (entries.size() > limit) {
            entries = entries.subList(0, limit);
            WalletLedger.Entry last = entries.get(limit - 1);
            next = new WalletLedger.Cursor(last.postedAt(), last.sequence(), period.throughSequence()).encode();
        }
        return new Statement(wallet.number(), wallet.currency(), days.from(), days.to(), days.zone().getId(),
                days.start(), days.end(), summary.openingBalance(), summary.closingBalance(), summary.totalIn(),
                summary.totalOut(), summary.count(), List.copyOf(entries), next);
    }

    /**
     * The same statement as CSV (RFC 4180: a header row, CRLF line ends): an opening
     * line, every entry, a closing line; times in the statement's zone, amounts in kobo
     * and in naira. Written as the rows are read, so a year of a busy wallet never sits
     * in memory.
     */
    @GetMapping(path = "/wallet/statement", produces = "text/csv")
    void csv(@AuthenticationPrincipal Caller caller,
            @Parameter(required = true, schema = @Schema(type = "string", format = "date")) @RequestParam(
                    required = false) @Nullable String from,
            @Parameter(required = true, schema = @Schema(type = "string", format = "date")) @RequestParam(
                    required = false) @Nullable String to,
            @RequestParam(defaultValue = DEFAULT_ZONE) String tz, HttpServletResponse response) throws IOException {
        Wallet wallet = walletOf(caller);
        Days days = Days.of(from, to, tz);
        WalletLedger.Period period = ledger.period(wallet.id(), days.start(), days.end());
        WalletLedger.Summary summary = ledger.summary(wallet.id(), period);
        // Written here, on the request's thread, as the rows arrive: the response is sent
        // in chunks while the database is still reading.
        response.setContentType("text/csv; charset=UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"statement-" + wallet.number() + "-" + days.from() + "-" + days.to() + ".csv\"");
        Writer csv = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                64 * 1024);
        csv.write(CSV_HEADER);
        csv.write(line(days.local(days.start()), "opening_balance", null, null, null, summary.openingBalance()));
        try {
            ledger.eachEntry(wallet.id(), period, entry -> {
                try {
                    csv.write(line(days.local(entry.postedAt()), entry.type(), entry.reference(),
                            entry.counterpartyWalletNumber(), entry.amount(), entry.balanceAfter()));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        catch (UncheckedIOException e) {
            throw e.getCause(); // the client went away
        }
        csv.write(line(days.local(days.end()), "closing_balance", null, null, null, summary.closingBalance()));
        csv.flush();
    }

    private static String line(OffsetDateTime at, String type, @Nullable String reference,
            @Nullable String counterparty, @Nullable Long amount, long balanceAfter) {
        return String.join(",", at.toString(), field(type), field(reference), field(counterparty),
                amount == null ? "" : Long.toString(amount), amount == null ? "" : naira(amount),
                Long.toString(balanceAfter), naira(balanceAfter)) + "\r\n";
    }

    static String naira(long kobo) {
        return BigDecimal.valueOf(kobo, 2).toPlainString();
    }

    /**
     * A field as RFC 4180 writes it: quoted, quotes doubled, when it holds , " CR or LF.
     */
    static String field(@Nullable String value) {
        if (value == null) {
            return "";
        }
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.require(Permission.READ).userId())
            .orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

    /** Whole days in a zone, {@code from} to {@code to} included. */
    record Days(LocalDate from, LocalDate to, ZoneId zone) {

        static Days of(@Nullable String from, @Nullable String to, String tz) {
            ZoneId zone;
            try {
                zone = ZoneId.of(tz);
            }
            catch (DateTimeException e) {
                throw WalletProblem.invalid("tz", "invalid_timezone",
                        "tz must be an IANA time zone such as Africa/Lagos");
            }
            LocalDate first = date("from", from);
            LocalDate last = date("to", to);
            if (last.isBefore(first)) {
                throw WalletProblem.invalid("to", "invalid_date_range", "to must be the same day as from or later");
            }
            if (ChronoUnit.DAYS.between(first, last) + 1 > DAYS_MAX) {
                throw WalletProblem.invalid("to", "statement_period_too_long",
                        "a statement covers at most " + DAYS_MAX + " days");
            }
            return new Days(first, last, zone);
        }

        private static LocalDate date(String field, @Nullable String value) {
            if (value == null || value.isBlank()) {
                throw WalletProblem.invalid(field, "invalid_date", field + " is required: a date such as 2026-12-01");
            }
            try {
                return LocalDate.parse(value);
            }
            catch (DateTimeParseException e) {
                throw WalletProblem.invalid(field, "invalid_date", field + " must be a date such as 2026-12-01");
            }
        }

        Instant start() {
            return from.atStartOfDay(zone).toInstant();
        }

        Instant end() {
            return to.plusDays(1).atStartOfDay(zone).toInstant();
        }

        OffsetDateTime local(Instant at) {
            return OffsetDateTime.ofInstant(at, zone);
        }

    }

}
