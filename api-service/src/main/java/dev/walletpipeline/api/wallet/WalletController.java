package dev.walletpipeline.api.wallet;

import dev.walletpipeline.api.caller.Caller;
import dev.walletpipeline.api.caller.Permission;
import dev.walletpipeline.api.problem.WalletProblem;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class WalletController {

    private final Wallets wallets;

    private final WalletHistory history;

    WalletController(Wallets wallets, WalletHistory history) {
        this.wallets = wallets;
        this.history = history;
    }

    /**
     * @param inDebt a refund or chargeback took back money already spent: the balance is
     * below zero and the wallet can send nothing until it is back to zero or above
     */
    record Balance(long balance, long available, String currency, boolean inDebt) {
    }

    @GetMapping("/wallet/balance")
    Balance balance(@AuthenticationPrincipal Caller caller) {
        Wallet wallet = walletOf(caller.require(Permission.READ));
        return new Balance(wallet.balance(), wallet.balance() - wallets.pendingOutgoing(wallet.id()), wallet.currency(),
                wallet.balance() < 0);
    }

    @GetMapping("/wallet/transactions")
    WalletHistory.Page transactions(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "20") int limit, @RequestParam(required = false) @Nullable String cursor) {
        return history.page(walletOf(caller.require(Permission.READ)).id(), limit, cursor);
    }

    private Wallet walletOf(Caller caller) {
        return wallets.findByUserId(caller.userId()).orElseThrow(() -> WalletProblem.notFound("wallet"));
    }

}
