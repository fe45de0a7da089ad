package dev.walletpipeline.api.transfer;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How transfer requests are decided, under {@code wallet.transfers}.
 *
 * @param groupAcrossWallets one turn decides the waiting requests of many sending wallets
 * in one transaction (their locks taken in wallet order); off (the default: on two shared
 * cores it measured slower), a turn is one wallet's
 */
@ConfigurationProperties("wallet.transfers")
record TransferSettings(boolean groupAcrossWallets) {
}
