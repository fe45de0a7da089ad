package dev.walletpipeline.api.request;

import dev.walletpipeline.api.problem.WalletProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where a page of a list ended, as every paginated route hands it out: the fields of the
 * last item that the order runs by, joined and encoded so that clients treat it as
 * opaque. A cursor this API did not make is a 400 {@code validation_failed} on
 * {@code cursor}.
 */
public final class Cursors {

    private static final String SEPARATOR = "|";

    private Cursors() {
    }

    /** The cursor after an item, from the fields its list is ordered by. */
    public static String of(Object... fields) {
        String joined = String.join(SEPARATOR, List.of(fields).stream().map(String::valueOf).toList());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A page cut from rows read with a limit one past the page's size: the page, and the
     * cursor after its last row when more rows follow.
     */
    public record Page<T>(List<T> items, @Nullable String nextCursor) {

        public static <T> Page<T> of(List<T> readOneMore, int limit, Function<T, String> cursorAfter) {
            if (readOneMore.size() <= limit) {
                return new Page<>(List.copyOf(readOneMore), null);
            }
            List<T> page = List.copyOf(readOneMore.subList(0, limit));
            return new Page<>(page, cursorAfter.apply(page.get(page.size() - 1)));
        }

    }

    /**
     * The fields of a cursor made by {@link #of}, read back by {@code reader}; the last
     * field may itself hold the separator.
     */
    public static <T> T read(String cursor, int fields, Function<String[], T> reader) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8)
                .split("\\" + SEPARATOR, fields);
            if (parts.length != fields) {
                throw new IllegalArgumentException("a cursor of " + parts.length + " fields");
            }
            return reader.apply(parts);
        }
        catch (RuntimeException e) {
            throw WalletProblem.invalid("cursor", "cursor is not one this API returned");
        }
    }

}
