package dev.walletpipeline.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A clone is all a reader has: every relative link in the project's Markdown (the README,
 * the module READMEs, BENCHMARKS.md, OPERATIONS.md) names a file inside it.
 */
class DocumentationLinkTests {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** {@code [text](target)}, the target up to a space, a closing parenthesis or a #. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s#]*)(#[^)\\s]*)?\\)");

    @Test
    void everyRelativeLinkInTheDocsNamesAFileInsideTheClone() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).extracting(d -> ROOT.relativize(d).toString())
            .contains("README.md", "BENCHMARKS.md", "OPERATIONS.md", "api-service/README.md");
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            Matcher link = LINK.matcher(Files.readString(document));
            while (link.find()) {
                String target = link.group(1);
                if (target.isEmpty() || target.matches("^[a-z]+:.*")) {
                    continue; // an anchor in the same page, or http:, https:, mailto:
                }
                Path resolved = document.getParent().resolve(target).normalize();
                if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                    broken.add(ROOT.relativize(document) + ": " + target);
                }
            }
        }
        assertThat(broken).as("links that lead nowhere in a clone").isEmpty();
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 2)) {
            return files.filter(path -> path.toString().endsWith(".md"))
                .filter(path -> !ROOT.relativize(path).toString().startsWith("."))
                .filter(path -> !path.toString().contains("/target/"))
                .sorted()
                .toList();
        }
    }

}
