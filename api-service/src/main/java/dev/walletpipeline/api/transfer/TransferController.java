package dev.walletpipeline.api.transfer;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.money.Amounts;
import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import dev.walletpipeline.api.wallet.Wallet;
import dev.walletpipeline.api.wallet.Wallets;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
class TransferController {

    private static final Pattern WAIT = Pattern.compile("(?:^|[;,\\s])wait=(\\d+)");

    private static final Duration WAIT_MAX = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(25);

    private final Transfers transfers;

    private final RateLimiter rateLimiter;

    private final Wallets wallets;

    TransferController(Transfers transfers, Wallets wallets, RateLimiter rateLimiter) {
        this.transfers = transfers;
        this.rateLimiter = rateLimiter;
        this.wallets = wallets;
    }

    /** A transfer as its sender sees it; the recipient sees it without the reason. */
    record TransferView(UUID transferId, String status, @Nullable String reason, long amount, String currency,
            String fromWalletNumber, String walletNumber, Instant createdAt, @Nullable Instant completedAt) {

        static TransferView of(Transfers.Transfer t, boolean sender) {
            return new TransferView(t.id(), t.status(), sender ? t.reason() : null, t.amount(), t.currency(),
                    t.fromWalletNumber(), t.toWalletNumber(), t.createdAt(), t.completedAt());
        }
    }

    @PostMapping("/wallet/transfer")
    ResponseEntity<TransferView> transfer(@AuthenticationPrincipal Caller caller, @RequestBody JsonNode body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = "Prefer", required = false) @Nullable String prefer) {
        Wallet wallet = walletOf(caller.require(Permission.TRANSFER));
        rateLimiter.acquireMoneyCall(caller);
        String walletNumber = walletNumber(body);
        long amount = Amounts.from(body);
        IdempotencyKeys.check(idempotencyKey);
        Transfers.Transfer transfer = transfers
            .request(new Transfers.Request(wallet.id(), wallet.number(), walletNumber, amount, idempotencyKey));
        Duration wait = waitOf(prefer);
        if (!wait.isZero() && transfer.status().equals("pending")) {
            transfer = awaitOutcome(transfer, wait);
        }
        URI location = URI.create("/wallet/transfers/" + transfer.id());
        TransferView view = TransferView.of(transfer, true);
        return transfer.status().equals("pending") ? ResponseEntity.accepted().location(location).body(view)
                : ResponseEntity.ok().location(location).body(view);
    }

    @GetMapping("/wallet/transfers/{id}")
    TransferView transfer(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        Transfers.Transfer transfer = transfers.find(id).orElseThrow(() -> WalletProblem.notFound("transfer"));
        if (transfer.fromWalletId().equals(wallet.id())) {
            return TransferView.of(transfer, true);
        }
        if (transfer.toWalletId().equals(wallet.id()) && transfer.status().equals("completed")) {
            return TransferView.of(transfer, false);
        }
        throw WalletProblem.notFound("transfer");
    }

    private Transfers.Transfer awaitOutcome(Transfers.Transfer transfer, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Transfers.Transfer current = transfer;
        while (current.status().equals("pending") && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            current = transfers.find(transfer.id()).orElse(current);
        }
        return current;
    }

    private static Duration waitOf(@Nullable String prefer) {
        if (prefer == null) {
            return Duration.ZERO;
        }
        Matcher matcher = WAIT.matcher(prefer);
        if (!matcher.find()) {
            return Duration.ZERO;
        }
        long seconds = Long.parseLong(matcher.group(1).length() > 3 ? "999" : matcher.group(1));
        Duration wait = Duration.ofSeconds(seconds);
        return wait.compareTo(WAIT_MAX) > 0 ? WAIT_MAX : wait;
    }

    private static String walletNumber(JsonNode body) {
        JsonNode number = body.path("wallet_number");
        if (!number.isString() || !number.asString().matches("[0-9]{13}")) {
            throw WalletProblem.invalid("wallet_number", "wallet_number must be a string of 13 digits");
        }
        return number.asString();
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
