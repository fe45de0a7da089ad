package dev.walletpipeline.contracts.states;

/** Whether a wallet takes money ({@code wallets.status}). */
public enum WalletStatus {

    ACTIVE, CLOSED;

    public String wire() {
        return Wire.of(this);
    }

    public static WalletStatus of(String wire) {
        return Wire.parse(WalletStatus.class, wire);
    }

}
