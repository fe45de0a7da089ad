package dev.walletpipeline.api.wallet;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.Repository;

/**
 * Wallet reads through Spring Data JDBC; nothing here writes. The queries are written
 * out: a derived query ({@code findByUserId} without {@code @Query}) builds and renders
 * its SQL on every call, which profiling showed to cost more CPU than the rest of a
 * transfer request.
 */
public interface Wallets extends Repository<Wallet, UUID> {

    @Query("select id, user_id, number, currency, balance from wallets where user_id = :userId")
    Optional<Wallet> findByUserId(UUID userId);

}
