package dev.walletpipeline.api.deposit;

import dev.walletpipeline.api.ApiSettings;
import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.money.Amounts;
import dev.walletpipeline.api.money.IdempotencyKeys;
import dev.walletpipeline.api.paystack.PaystackApi;
import dev.walletpipeline.api.problem.WalletProblem;
import dev.walletpipeline.api.ratelimit.RateLimiter;
import dev.walletpipeline.api.wallet.Wallet;
import dev.walletpipeline.api.wallet.Wallets;
import dev.walletpipeline.contracts.states.DepositStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class DepositController {

    private final Deposits deposits;

    private final PaystackClient paystack;

    private final Wallets wallets;

    private final JdbcClient jdbc;

    private final String publicBaseUrl;

    private final RateLimiter rateLimiter;

    DepositController(Deposits deposits, PaystackClient paystack, Wallets wallets, JdbcClient jdbc,
            RateLimiter rateLimiter, ApiSettings settings) {
        this.deposits = deposits;
        this.rateLimiter = rateLimiter;
        this.paystack = paystack;
        this.wallets = wallets;
        this.jdbc = jdbc;
        this.publicBaseUrl = settings.publicBaseUrl();
    }

    record DepositRequest(@Schema(
            description = "kobo") @NotNull @Min(Amounts.AMOUNT_KOBO_MIN) @Max(Amounts.AMOUNT_KOBO_MAX) Long amount) {
    }

    record Opened(String reference, String authorizationUrl, long amount) {
    }

    record Status(String reference, String status, long amount) {
    }

    @PostMapping("/wallet/deposit")
    @ResponseStatus(HttpStatus.CREATED)
    Opened deposit(@AuthenticationPrincipal Caller caller, @Valid @RequestBody DepositRequest body,
            @RequestHeader(name = "Idempotency-Key", required = false) @Nullable String idempotencyKey) {
        Wallet wallet = walletOf(caller.require(Permission.DEPOSIT));
        rateLimiter.acquireMoneyCall(caller);
        long amount = body.amount();
        IdempotencyKeys.check(idempotencyKey);
        Deposits.Deposit deposit = deposits.open(wallet.id(), amount, idempotencyKey);
        if (deposit.authorizationUrl() != null) {
            return new Opened(deposit.reference(), deposit.authorizationUrl(), deposit.amount());
        }
        if (deposit.status() != DepositStatus.PENDING) {
            throw new PaystackApi.PaystackFailed("this deposit could not be opened with Paystack; start a new one");
        }
        String email = jdbc.sql("select email from users where id = ?")
            .param(caller.userId())
            .query(String.class)
            .single();
        String url;
        try {
            url = paystack.initialize(deposit.reference(), deposit.amount(), email,
                    publicBaseUrl + "/wallet/deposit/" + deposit.reference() + "/status", wallet.number());
        }
        catch (PaystackApi.PaystackFailed refused) {
            deposits.end(deposit.reference(), DepositStatus.FAILED);
            throw refused;
        }
        deposits.checkoutReady(deposit.reference(), url);
        return new Opened(deposit.reference(), url, deposit.amount());
    }

    /** Only reads: it never credits and never calls Paystack. */
    @GetMapping("/wallet/deposit/{reference}/status")
    Status status(@AuthenticationPrincipal Caller caller, @PathVariable String reference) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        Deposits.Deposit deposit = deposits.find(reference)
            .filter(d -> d.walletId().equals(wallet.id()))
            .orElseThrow(() -> WalletProblem.notFound("deposit"));
        return new Status(deposit.reference(), deposit.status().wire(), deposit.amount());
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
