package dev.walletpipeline.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The services' own money-path metrics, read from {@code /actuator/prometheus} before and
 * after a measured window: the stage timings the benchmark prints are the ones operators
 * see.
 */
final class ServiceMetrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * One scrape of a service: each sample line's value, by its name and labels as
     * written.
     */
    record Scrape(Map<String, Double> samples) {

        /** The sum of every sample whose name and labels contain all of {@code parts}. */
        double sum(String name, String... labels) {
            double total = 0;
            for (Map.Entry<String, Double> sample : samples.entrySet()) {
                String key = sample.getKey();
                if (!(key.equals(name) || key.startsWith(name + "{"))) {
                    continue;
                }
                boolean all = true;
                for (String label : labels) {
                    all &= key.contains(label);
                }
                if (all) {
                    total += sample.getValue();
                }
            }
            return total;
        }
    }

    /** One scrape of several instances of a service, their samples added up. */
    static Scrape scrape(List<Integer> ports) {
        Map<String, Double> samples = new HashMap<>();
        for (int port : ports) {
            scrape(port).samples().forEach((name, value) -> samples.merge(name, value, Double::sum));
        }
        return new Scrape(samples);
    }

    static Scrape scrape(int port) {
        try {
            HttpResponse<String> response = HTTP
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Double> samples = new HashMap<>();
            for (String line : response.body().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                try {
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
                catch (NumberFormatException ignored) {
                    // NaN and the like: no stage reads them
                }
            }
            return new Scrape(samples);
        }
        catch (IOException e) {
            return new Scrape(Map.of());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Scrape(Map.of());
        }
    }

    /**
     * The mean of a timer (its {@code _seconds_sum} over {@code _seconds_count}) between
     * two scrapes, in ms.
     */
    static double meanMillis(Scrape before, Scrape after, String timer, String... labels) {
        double count = after.sum(timer + "_seconds_count", labels) - before.sum(timer + "_seconds_count", labels);
        double sum = after.sum(timer + "_seconds_sum", labels) - before.sum(timer + "_seconds_sum", labels);
        return count <= 0 ? Double.NaN : sum / count * 1000;
    }

}
