package dev.walletpipeline.api.withdrawal;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import dev.walletpipeline.api.wallet.Wallet;
import dev.walletpipeline.api.wallet.Wallets;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WithdrawalController {

    private final WithdrawalAccounts accounts;

    private final Withdrawals withdrawals;

    private final Wallets wallets;

    private final RateLimiter rateLimiter;

    WithdrawalController(WithdrawalAccounts accounts, Withdrawals withdrawals, Wallets wallets,
            RateLimiter rateLimiter) {
        this.accounts = accounts;
        this.withdrawals = withdrawals;
        this.wallets = wallets;
        this.rateLimiter = rateLimiter;
    }

    record AccountView(UUID id, String accountNumber, String bankCode, String bankName, String accountName,
            Instant createdAt, Instant usableFrom) {

        static AccountView of(WithdrawalAccounts.Account account) {
            return new AccountView(account.id(), account.accountNumber(), account.bankCode(), account.bankName(),
                    account.accountName(), account.createdAt(), account.usableFrom());
        }
    }

    record WithdrawalView(UUID id, String status, @Nullable String reason, long amount, String currency, UUID accountId,
            Instant createdAt, @Nullable Instant completedAt) {

        static WithdrawalView of(Withdrawals.Withdrawal w) {
            return new WithdrawalView(w.id(), w.status().wire(), w.reason(), w.amount(), w.currency(), w.accountId(),
                    w.createdAt(), w.completedAt());
        }
    }

    record WithdrawalAccountRequest(
            @Schema(description = "NUBAN account number") @NotNull @Pattern(regexp = "^[0-9]{10}$",
                    message = "must be a NUBAN account number of 10 digits") String accountNumber,
            @Schema(description = "Paystack's bank code") @NotNull @Pattern(regexp = "^[0-9A-Za-z]{1,20}$",
                    message = "must be Paystack's code of the bank") String bankCode) {
    }

    record WithdrawalRequest(
            @Schema(description = "kobo; the limits per withdrawal and per day are settings"
                    + " (withdrawal_limit_exceeded)") @NotNull @Min(1) Long amount,
            @Schema(description = "a saved withdrawal account's id") @NotNull UUID accountId) {
    }

    @PostMapping("/wallet/withdrawal-accounts")
    @ResponseStatus(HttpStatus.CREATED)
    AccountView saveAccount(@AuthenticationPrincipal Caller caller, @Valid @RequestBody WithdrawalAccountRequest body) {
        // A person, never an API key: a leaked withdraw key must not add its thief's
        // account.
        caller.requirePerson();
        rateLimiter.acquireMoneyCall(caller);
        return AccountView.of(accounts.save(caller.userId(), body.accountNumber(), body.bankCode()));
    }

    @GetMapping("/wallet/withdrawal-accounts")
    List<AccountView> listAccounts(@AuthenticationPrincipal Caller caller) {
        return accounts.list(caller.require(Permission.READ).userId()).stream().map(AccountView::of).toList();
    }

    @DeleteMapping("/wallet/withdrawal-accounts/{id}")
    ResponseEntity<Void> deleteAccount(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        if (!accounts.delete(caller.requirePerson().userId(), id)) {
            throw WalletProblem.notFound("withdrawal account");
        }
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/wallet/withdrawals")
    ResponseEntity<WithdrawalView> withdraw(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody WithdrawalRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        Wallet wallet = walletOf(caller.require(Permission.WITHDRAW));
        rateLimiter.acquireMoneyCall(caller);
        long amount = body.amount();
        UUID accountId = body.accountId();
        IdempotencyKeys.check(idempotencyKey);
        WithdrawalAccounts.Account account = accounts.find(caller.userId(), accountId)
            .orElseThrow(() -> WalletProblem.notFound("withdrawal account"));
        Withdrawals.Withdrawal withdrawal = withdrawals.request(new Withdrawals.Request(wallet.id(), account.id(),
                account.recipientCode(), account.usableFrom(), amount, idempotencyKey));
        return ResponseEntity.accepted()
            .location(URI.create("/wallet/withdrawals/" + withdrawal.id()))
            .body(WithdrawalView.of(withdrawal));
    }

    @GetMapping("/wallet/withdrawals/{id}")
    WithdrawalView withdrawal(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        return withdrawals.find(id)
            .filter(w -> w.walletId().equals(wallet.id()))
            .map(WithdrawalView::of)
            .orElseThrow(() -> WalletProblem.notFound("withdrawal"));
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
