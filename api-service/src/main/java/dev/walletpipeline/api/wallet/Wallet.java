package dev.walletpipeline.api.wallet;

import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A wallet as api-service sees it: read-only here, since only ledger-worker changes
 * balances.
 *
 * @param id the wallet id
 * @param userId its owner
 * @param number the 13-digit number people send money to
 * @param currency ISO 4217
 * @param balance settled balance in minor units
 */
@Table("wallets")
public record Wallet(@Id UUID id, UUID userId, String number, String currency, long balance) {
}
