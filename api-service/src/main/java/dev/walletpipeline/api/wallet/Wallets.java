package dev.walletpipeline.api.wallet;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/** Wallet reads through Spring Data JDBC; nothing here writes. */
public interface Wallets extends Repository<Wallet, UUID> {

    Optional<Wallet> findByUserId(UUID userId);

    Optional<Wallet> findByNumber(String number);

    /** What this wallet has promised away: transfers accepted and not yet applied or rejected. */
    @Query("select coalesce(sum(amount), 0) from transfers where from_wallet_id = :walletId and status = 'pending'")
    long pendingOutgoing(UUID walletId);
}
