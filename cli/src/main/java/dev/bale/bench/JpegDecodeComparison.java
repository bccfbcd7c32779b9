package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.transform.Transform;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loader's three ways of decoding JPEGs, side by side in one run: exact (whole image, full
 * scale), whole (whole image at the reduced scale, OpenCV: Bale before region decoding) and region
 * (only the crop, libjpeg-turbo: the default). The loaders take turns, one epoch each per round,
 * in an order that rotates every round, so that a shared machine's load falls on all three alike;
 * the spread over rounds says how much it did. Each epoch also counts the process's CPU time:
 * images per CPU second is what the loader gets from the cores it was given, a steadier measure
 * than images/s when other work shares the machine.
 */
public final class JpegDecodeComparison {
    /** One way of decoding: loader images/s and images per CPU second per round, and the fraction of pixels it decoded. */
    public record Mode(String name, double[] rates, double[] perCpuSecond, double decodedFraction) {
        public double median() {
            return JpegDecodeComparison.median(rates);
        }
    }

    private JpegDecodeComparison() {
    }

    /** Runs {@code rounds} rounds after one warm-up epoch per loader; logs each round and the summary. */
    public static List<Mode> run(Container container, Transform transform, int workers, int batch, int rounds,
                                 PrintStream log) {
        String[] names = {"exact", "whole", "region"};
        DataLoader[] loaders = new DataLoader[3];
        double[][] rates = new double[3][rounds];
        double[][] perCpu = new double[3][rounds];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] fractions = new double[3];
        try {
            loaders[0] = loader(container, transform.withReducedDecode(false), workers, batch, true);
            loaders[1] = loader(container, transform, workers, batch, false);
            loaders[2] = loader(container, transform, workers, batch, true);
            for (DataLoader loader : loaders) {
                drain(loader, 0);
            }
            for (int round = 0; round < rounds; round++) {
                StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
                for (int k = 0; k < 3; k++) {
                    int m = (round + k) % 3;
                    long cpu = os.getProcessCpuTime();
                    drain(loaders[m], round + 1);
                    perCpu[m][round] = loaders[m].lastStats().images() / ((os.getProcessCpuTime() - cpu) / 1e9);
                    rates[m][round] = loaders[m].lastStats().imagesPerSecond();
                    fractions[m] = loaders[m].lastStats().decodedFraction();
                }
                for (int m = 0; m < 3; m++) {
                    line.append(String.format(" %s %,.0f img/s %,.0f img/cpu-s", names[m], rates[m][round],
                            perCpu[m][round]));
                }
                line.append(String.format("; region/exact %.2fx, region/whole %.2fx", rates[2][round] / rates[0][round],
                        rates[2][round] / rates[1][round]));
                log.println(line);
            }
        } finally {
            for (DataLoader loader : loaders) {
                if (loader != null) {
                    loader.close();
                }
            }
        }
        List<Mode> modes = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            modes.add(new Mode(names[m], rates[m], perCpu[m], fractions[m]));
            double[] r = rates[m];
            double[] c = perCpu[m];
            log.printf("%-6s median %,.0f img/s (min %,.0f, max %,.0f), %,.0f img/cpu-s (min %,.0f, max %,.0f); "
                            + "decoded %.1f%% of the pixels at the decode scale%n",
                    names[m], median(r), Arrays.stream(r).min().orElse(0), Arrays.stream(r).max().orElse(0), median(c),
                    Arrays.stream(c).min().orElse(0), Arrays.stream(c).max().orElse(0), 100 * fractions[m]);
        }
        log.printf("region/exact: median of per-round ratios %.2fx (%s); region/whole: %.2fx (%s)%n",
                medianRatio(rates[2], rates[0]), spread(rates[2], rates[0]), medianRatio(rates[2], rates[1]),
                spread(rates[2], rates[1]));
        log.printf("whole/exact (Bale before region decoding): %.2fx (%s)%n", medianRatio(rates[1], rates[0]),
                spread(rates[1], rates[0]));
        log.printf("per CPU second: region/exact %.2fx (%s); region/whole %.2fx (%s); whole/exact %.2fx (%s)%n",
                medianRatio(perCpu[2], perCpu[0]), spread(perCpu[2], perCpu[0]), medianRatio(perCpu[2], perCpu[1]),
                spread(perCpu[2], perCpu[1]), medianRatio(perCpu[1], perCpu[0]), spread(perCpu[1], perCpu[0]));
        return modes;
    }

    private static DataLoader loader(Container container, Transform transform, int workers, int batch, boolean regions) {
        return DataLoader.builder(container).batchSize(batch).workers(workers).transform(transform).shuffle(true)
                .prefetch(2).jpegRegionDecode(regions).build();
    }

    private static void drain(DataLoader loader, int epoch) {
        for (Batch b : loader.epoch(epoch)) {
            b.size();
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double medianRatio(double[] a, double[] b) {
        return median(ratios(a, b));
    }

    private static String spread(double[] a, double[] b) {
        double[] r = ratios(a, b);
        return String.format("rounds %.2f..%.2f", Arrays.stream(r).min().orElse(0), Arrays.stream(r).max().orElse(0));
    }
}
