package dev.walletpipeline.api.transfer;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.money.Amounts;
import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import dev.walletpipeline.api.wallet.Wallet;
import dev.walletpipeline.api.wallet.Wallets;
import dev.walletpipeline.contracts.states.TransferStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TransferController {

    private static final java.util.regex.Pattern WAIT = java.util.regex.Pattern.compile("(?:^|[;,\\s])wait=(\\d+)");

    private static final Duration WAIT_MAX = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(25);

    private final Transfers transfers;

    private final RateLimiter rateLimiter;

    private final Wallets wallets;

    private final BulkTransfers bulk;

    TransferController(Transfers transfers, BulkTransfers bulk, Wallets wallets, RateLimiter rateLimiter) {
        this.transfers = transfers;
        this.bulk = bulk;
        this.rateLimiter = rateLimiter;
        this.wallets = wallets;
    }

    /** A transfer as its sender sees it; the recipient sees it without the reason. */
    record TransferView(UUID transferId, String status, @Nullable String reason, long amount, String currency,
            String fromWalletNumber, String walletNumber, Instant createdAt, @Nullable Instant completedAt) {

        static TransferView of(Transfers.Transfer t, boolean sender) {
            return new TransferView(t.id(), t.status().wire(), sender ? t.reason() : null, t.amount(), t.currency(),
                    t.fromWalletNumber(), t.toWalletNumber(), t.createdAt(), t.completedAt());
        }
    }

    record TransferRequest(
            @Schema(description = "the recipient's wallet number") @NotNull @Pattern(regexp = "^[0-9]{13}$",
                    message = "must be a string of 13 digits") String walletNumber,
            @Schema(description = "kobo") @NotNull @Min(Amounts.AMOUNT_KOBO_MIN) @Max(Amounts.AMOUNT_KOBO_MAX) Long amount) {
    }

    record BulkTransferItem(
            @Schema(description = "the recipient's wallet number") @NotNull @Pattern(regexp = "^[0-9]{13}$",
                    message = "must be a string of 13 digits") String walletNumber,
            @Schema(description = "kobo") @NotNull @Min(Amounts.AMOUNT_KOBO_MIN) @Max(Amounts.AMOUNT_KOBO_MAX) Long amount,
            @Schema(description = "the item's idempotency key, unique per wallet (the same namespace as"
                    + " Idempotency-Key); the same batch sent again answers the first") @NotBlank @Size(min = 1,
                            max = BulkTransfers.REFERENCE_CHARACTERS_MAX) String reference) {
    }

    record BulkTransferRequest(
            @Schema(description = "true: every item succeeds or every item fails; false (the"
                    + " default): each item stands alone") @Nullable Boolean atomic,
            @NotNull @Size(min = 1, max = BulkTransfers.ITEMS_MAX) List<@Valid @NotNull BulkTransferItem> transfers) {
    }

    @PostMapping("/wallet/transfer")
    ResponseEntity<TransferView> transfer(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody TransferRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = "Prefer", required = false) @Nullable String prefer) {
        Sender wallet = senderOf(caller.require(Permission.TRANSFER));
        rateLimiter.acquireMoneyCall(caller);
        String walletNumber = body.walletNumber();
        long amount = body.amount();
        IdempotencyKeys.check(idempotencyKey);
        Transfers.Transfer transfer = transfers
            .request(new Transfers.Request(wallet.id(), wallet.number(), walletNumber, amount, idempotencyKey));
        Duration wait = waitOf(prefer);
        if (!wait.isZero() && transfer.status() == TransferStatus.PENDING) {
            transfer = awaitOutcome(transfer, wait);
        }
        URI location = URI.create("/wallet/transfers/" + transfer.id());
        TransferView view = TransferView.of(transfer, true);
        return transfer.status() == TransferStatus.PENDING ? ResponseEntity.accepted().location(location).body(view)
                : ResponseEntity.ok().location(location).body(view);
    }

    @GetMapping("/wallet/transfers/{id}")
    TransferView transfer(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        Transfers.Transfer transfer = transfers.find(id).orElseThrow(() -> WalletProblem.notFound("transfer"));
        if (transfer.fromWalletId().equals(wallet.id())) {
            return TransferView.of(transfer, true);
        }
        if (transfer.toWalletId().equals(wallet.id()) && transfer.status() == TransferStatus.COMPLETED) {
            return TransferView.of(transfer, false);
        }
        throw WalletProblem.notFound("transfer");
    }

    /** One item of a bulk transfer as its sender sees it. */
    record BulkItemView(String reference, UUID transferId, String walletNumber, long amount, String currency,
            String status, @Nullable String reason, @Nullable Instant completedAt) {
    }

    /**
     * A bulk transfer: {@code pending} while any item is, then {@code completed},
     * {@code rejected} or {@code partially_completed}.
     */
    record BulkTransferView(UUID batchId, boolean atomic, String status, Instant createdAt, long pending,
            long completed, long rejected, List<BulkItemView> transfers) {

        static BulkTransferView of(BulkTransfers.Batch batch) {
            long pending = batch.count(TransferStatus.PENDING);
            long completed = batch.count(TransferStatus.COMPLETED);
            long rejected = batch.count(TransferStatus.REJECTED);
            String status = pending > 0 ? "pending"
                    : rejected == 0 ? "completed" : completed == 0 ? "rejected" : "partially_completed";
            return new BulkTransferView(batch.id(), batch.atomic(), status, batch.createdAt(), pending, completed,
                    rejected,
                    batch.items()
                        .stream()
                        .map(i -> new BulkItemView(i.reference(), i.transfer().id(), i.transfer().toWalletNumber(),
                                i.transfer().amount(), i.transfer().currency(), i.transfer().status().wire(),
                                i.transfer().reason(), i.transfer().completedAt()))
                        .toList());
        }
    }

    /**
     * Up to 100 transfers from the caller's wallet in one request, each with its own
     * {@code reference} (its idempotency key) and its own outcome; {@code "atomic": true}
     * makes them succeed or fail together.
     */
    @PostMapping("/wallet/transfers/bulk")
    ResponseEntity<BulkTransferView> bulkTransfer(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody BulkTransferRequest body) {
        Wallet wallet = walletOf(caller.require(Permission.TRANSFER));
        rateLimiter.acquireMoneyCall(caller);
        List<BulkTransfers.Item> items = new ArrayList<>();
        Set<String> references = new HashSet<>();
        for (int i = 0; i < body.transfers().size(); i++) {
            BulkTransferItem each = body.transfers().get(i);
            BulkTransfers.Item item = new BulkTransfers.Item(each.walletNumber(), each.amount(), each.reference());
            if (!references.add(item.reference())) {
                throw WalletProblem.invalid("transfers[" + i + "].reference",
                        "the reference " + item.reference() + " appears twice in this batch");
            }
            items.add(item);
        }
        BulkTransfers.Batch batch = bulk.request(
                new BulkTransfers.Request(wallet.id(), wallet.number(), Boolean.TRUE.equals(body.atomic()), items));
        BulkTransferView view = BulkTransferView.of(batch);
        URI location = URI.create("/wallet/transfers/bulk/" + batch.id());
        return view.pending() > 0 ? ResponseEntity.accepted().location(location).body(view)
                : ResponseEntity.ok().location(location).body(view);
    }

    @GetMapping("/wallet/transfers/bulk/{id}")
    BulkTransferView bulkTransfer(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        if (!wallet.id().equals(bulk.senderOf(id))) {
            throw WalletProblem.notFound("bulk transfer");
        }
        return BulkTransferView.of(bulk.find(id).orElseThrow(() -> WalletProblem.notFound("bulk transfer")));
    }

    private Transfers.Transfer awaitOutcome(Transfers.Transfer transfer, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        Transfers.Transfer current = transfer;
        while (current.status() == TransferStatus.PENDING && System.nanoTime() < deadline) {
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

    /**
     * The sending wallet's id and number: they never change, so they are kept per user.
     */
    private record Sender(UUID id, String number) {
    }

    private static final int SENDERS_KEPT = 100_000;

    private final ConcurrentMap<UUID, Sender> senders = new ConcurrentHashMap<>();

    private Sender senderOf(Caller caller) {
        Sender known = senders.get(caller.userId());
        if (known != null) {
            return known;
        }
        Wallet wallet = walletOf(caller);
        if (senders.size() >= SENDERS_KEPT) {
            senders.clear();
        }
        Sender sender = new Sender(wallet.id(), wallet.number());
        senders.put(caller.userId(), sender);
        return sender;
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
