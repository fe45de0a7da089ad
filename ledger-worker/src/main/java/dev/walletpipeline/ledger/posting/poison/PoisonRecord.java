package dev.walletpipeline.ledger.posting.poison;

/**
 * A record that no retry can ever apply: unreadable, without valid proof, or of a shape
 * we do not know. It goes to the dead-letter topic; it never stops the ledger.
 */
public final class PoisonRecord extends RuntimeException {

    public PoisonRecord(String reason) {
        super(reason);
    }

}
