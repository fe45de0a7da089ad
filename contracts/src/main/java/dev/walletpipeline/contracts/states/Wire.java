package dev.walletpipeline.contracts.states;

import java.util.Locale;

/** The lowercase names the database and the API use, and the way back. */
final class Wire {

    private Wire() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String wire) {
        for (E value : type.getEnumConstants()) {
            if (of(value).equals(wire)) {
                return value;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " is called '" + wire + "'");
    }

    static IllegalStateException refused(Enum<?> from, Enum<?> to) {
        return new IllegalStateException(
                from.getDeclaringClass().getSimpleName() + " cannot go from " + of(from) + " to " + of(to));
    }

}
