package dev.walletpipeline.contracts;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ids of rows written once per transfer (transfers, bulk batches, withdrawals, ledger
 * entries' event ids): UUID version 7 (RFC 9562), the creation time in milliseconds first
 * and 74 random bits after it. Consecutive ids land next to each other in a primary key
 * or unique index, so an insert touches the index's rightmost pages, hot in memory,
 * instead of a random page of an ever larger index. They say when they were made, which
 * the rows say anyway; they are not secrets (every read checks who may see the row).
 */
public final class OrderedIds {

    private OrderedIds() {
    }

    public static UUID next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

}
