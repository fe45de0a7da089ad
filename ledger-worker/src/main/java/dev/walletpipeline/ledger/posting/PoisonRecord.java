package dev.walletpipeline.ledger.posting;

/**
 * A record that no retry can ever apply: unreadable, without valid proof, or of a shape
 * we do not know. It goes to the dead-letter topic; it never stops the ledger.
 */
final class PoisonRecord extends RuntimeException {

    PoisonRecord(String reason) {
        super(reason);
    }

}
