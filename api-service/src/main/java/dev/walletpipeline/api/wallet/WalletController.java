package dev.walletpipeline.api.wallet;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WalletController {

    private final Wallets wallets;

    private final WalletHistory history;

    private final WalletLedger ledger;

    private final JdbcClient jdbc;

    WalletController(Wallets wallets, WalletHistory history, WalletLedger ledger, JdbcClient jdbc) {
        this.wallets = wallets;
        this.history = history;
        this.ledger = ledger;
        this.jdbc = jdbc;
    }

    /**
     * @param balance the posted balance: now, or as of {@code asOf}
     * @param available the balance less what accepted requests promised away (now only:
     * absent with {@code as_of})
     * @param inDebt a refund or chargeback took back money already spent: the balance is
     * below zero and the wallet can send nothing until it is back to zero or above
     * @param asOf the instant asked about, when one was
     * @param entry the entry the balance as of that instant rests on: the last posted at
     * or before it; null when the wallet had no entry yet
     */
    record Balance(long balance, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long available, String currency,
            boolean inDebt, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant asOf,
            @JsonInclude(JsonInclude.Include.NON_NULL) WalletLedger.@Nullable PostedEntry entry) {
    }

    @GetMapping("/wallet/balance")
    Balance balance(@AuthenticationPrincipal Caller caller,
            @Parameter(schema = @Schema(type = "string", format = "date-time")) @RequestParam(name = "as_of",
                    required = false) @Nullable String asOf) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        if (asOf == null) {
            WalletFunds.Funds funds = WalletFunds.of(jdbc, wallet.id());
            return new Balance(funds.balance(), funds.available(), wallet.currency(), funds.balance() < 0, null, null);
        }
        Instant at = instant("as_of", asOf, "invalid_as_of");
        if (at.isAfter(Instant.now())) {
            throw WalletProblem.invalid("as_of", "as_of_in_future",
                    "as_of is in the future; a balance is known up to now");
        }
        return ledger.balanceAt(wallet.id(), at)
            .map(posted -> new Balance(posted.balance(), null, wallet.currency(), posted.balance() < 0, at,
                    posted.entry()))
            .orElseGet(() -> new Balance(0, null, wallet.currency(), false, at, null));
    }

    @GetMapping("/wallet/transactions")
    WalletHistory.Page transactions(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "20") int limit, @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable String type,
            @Parameter(schema = @Schema(type = "string", format = "date-time")) @RequestParam(
                    required = false) @Nullable String from,
            @Parameter(schema = @Schema(type = "string", format = "date-time")) @RequestParam(
                    required = false) @Nullable String to,
            @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "0")) @RequestParam(
                    name = "min_amount", required = false) @Nullable String minAmount,
            @Parameter(schema = @Schema(type = "integer", format = "int64", minimum = "0")) @RequestParam(
                    name = "max_amount", required = false) @Nullable String maxAmount,
            @RequestParam(required = false) @Nullable String reference) {
        WalletHistory.Filter filter = WalletHistory.Filter.of(type,
                from == null ? null : instant("from", from, "invalid_date"),
                to == null ? null : instant("to", to, "invalid_date"), amount("min_amount", minAmount),
                amount("max_amount", maxAmount), reference);
        return history.page(walletOf(caller.require(Permission.READ)).id(), limit, cursor, filter);
    }

    /** An RFC 3339 instant, with its offset: {@code 2026-12-06T23:00:00Z}. */
    static Instant instant(String field, String value, String code) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException e) {
            throw WalletProblem.invalid(field, code,
                    field + " must be an RFC 3339 instant with an offset, such as 2026-12-06T23:00:00Z");
        }
    }

    private static @Nullable Long amount(String field, @Nullable String value) {
        if (value == null) {
            return null;
        }
        try {
            long amount = Long.parseLong(value);
            if (amount >= 0) {
                return amount;
            }
        }
        catch (NumberFormatException e) {
            // refused below
        }
        throw WalletProblem.invalid(field, "invalid_amount", field + " must be a whole number of kobo, 0 or more");
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
