package dev.bale.bench;

import dev.bale.container.Container;
import dev.bale.loader.Batch;
import dev.bale.loader.DataLoader;
import dev.bale.loader.JpegIndexCache;
import dev.bale.nativ.BaleNative;
import dev.bale.transform.Transform;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loader's ways of decoding JPEGs, side by side in one run: exact (whole image, full scale),
 * whole (whole image at the reduced scale, OpenCV: Bale before region decoding), plain (only the
 * crop, libjpeg-turbo skipping rows and cropping columns: the region decoding before the entropy
 * index), region-1st and region-2nd (the default in a record's first and second epochs: the
 * index is emptied before the first, which only remembers each record, and the second indexes them)
 * and region (the default once the records are indexed: every later epoch). region-2nd runs right
 * after region-1st, on other crops (another epoch number). The loaders take turns, one epoch each per round, in an order that rotates every
 * round, so that a shared machine's load falls on all alike; the spread over rounds says how much it
 * did. Each epoch also counts the process's CPU time: images per CPU second is what the loader gets
 * from the cores it was given, a steadier measure than images/s when other work shares the machine.
 */
public final class JpegDecodeComparison {
    /** One way of decoding: loader images/s and images per CPU second per round, and the fraction of pixels it decoded. */
    public record Mode(String name, double[] rates, double[] perCpuSecond, double decodedFraction) {
        public double median() {
            return JpegDecodeComparison.median(rates);
        }
    }

    private static final String[] NAMES = {"exact", "whole", "plain", "region-1st", "region-2nd", "region"};
    private static final int EXACT = 0, WHOLE = 1, PLAIN = 2, FIRST = 3, SECOND = 4, REGION = 5;
    /** The turns of a round: region-2nd is no turn of its own, it follows region-1st. */
    private static final int[] TURNS = {EXACT, WHOLE, PLAIN, FIRST, REGION};

    private JpegDecodeComparison() {
    }

    /** Runs {@code rounds} rounds after one warm-up epoch per loader; logs each round and the summary. */
    public static List<Mode> run(Container container, Transform transform, int workers, int batch, int rounds,
                                 PrintStream log) {
        int n = NAMES.length;
        DataLoader[] loaders = new DataLoader[n];
        double[][] rates = new double[n][rounds];
        double[][] perCpu = new double[n][rounds];
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] fractions = new double[n];
        JpegIndexCache.Stats index;
        // Each record indexed on its second decode, so that region-2nd is the epoch that builds every
        // index and region the one that uses them; the default shares the building out over 4 epochs.
        JpegIndexCache.spread(1);
        try {
            loaders[EXACT] = loader(container, transform.withReducedDecode(false), workers, batch, true);
            loaders[WHOLE] = loader(container, transform, workers, batch, false);
            for (int m = PLAIN; m < n; m++) {
                loaders[m] = loader(container, transform, workers, batch, true);
            }
            for (int m = 0; m < n; m++) {
                drain(loaders[m], m, 0);
            }
            for (int round = 0; round < rounds; round++) {
                StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
                for (int k = 0; k < TURNS.length; k++) {
                    int turn = TURNS[(round + k) % TURNS.length];
                    for (int m : turn == FIRST ? new int[] {FIRST, SECOND} : new int[] {turn}) {
                        long cpu = os.getProcessCpuTime();
                        drain(loaders[m], m, m == SECOND ? rounds + round + 1 : round + 1);
                        perCpu[m][round] = loaders[m].lastStats().images() / ((os.getProcessCpuTime() - cpu) / 1e9);
                        rates[m][round] = loaders[m].lastStats().imagesPerSecond();
                        fractions[m] = loaders[m].lastStats().decodedFraction();
                    }
                }
                for (int m = 0; m < n; m++) {
                    line.append(String.format(" %s %,.0f img/s %,.0f img/cpu-s", NAMES[m], rates[m][round],
                            perCpu[m][round]));
                }
                line.append(String.format("; region/exact %.2fx, region/plain %.2fx",
                        rates[REGION][round] / rates[EXACT][round], rates[REGION][round] / rates[PLAIN][round]));
                log.println(line);
            }
            index = JpegIndexCache.stats();
        } finally {
            BaleNative.use_jpeg_index(true);
            JpegIndexCache.spread(JpegIndexCache.DEFAULT_SPREAD);
            for (DataLoader loader : loaders) {
                if (loader != null) {
                    loader.close();
                }
            }
        }
        List<Mode> modes = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            modes.add(new Mode(NAMES[m], rates[m], perCpu[m], fractions[m]));
            double[] r = rates[m];
            double[] c = perCpu[m];
            log.printf("%-10s median %,.0f img/s (min %,.0f, max %,.0f), %,.0f img/cpu-s (min %,.0f, max %,.0f); "
                            + "decoded %.1f%% of the pixels at the decode scale%n",
                    NAMES[m], median(r), Arrays.stream(r).min().orElse(0), Arrays.stream(r).max().orElse(0), median(c),
                    Arrays.stream(c).min().orElse(0), Arrays.stream(c).max().orElse(0), 100 * fractions[m]);
        }
        log.printf("JPEG index: %,d records indexed in %,d KiB (budget %,d MiB), %,d not for lack of room, "
                        + "%,d region decodes of JPEGs it does not handle%n",
                index.recordsIndexed(), index.bytesHeld() >> 10, index.budget() >> 20, index.recordsLeftOut(),
                index.unsupportedDecodes());
        int[][] pairs = {{REGION, EXACT}, {REGION, PLAIN}, {FIRST, EXACT}, {FIRST, PLAIN}, {SECOND, EXACT},
                {SECOND, PLAIN}, {PLAIN, EXACT}, {WHOLE, EXACT}};
        for (boolean cpu : new boolean[] {true, false}) {
            double[][] v = cpu ? perCpu : rates;
            StringBuilder line = new StringBuilder(cpu ? "per CPU second:" : "img/s, median of per-round ratios:");
            for (int[] p : pairs) {
                line.append(String.format(" %s/%s %.2fx (%s);", NAMES[p[0]], NAMES[p[1]], medianRatio(v[p[0]], v[p[1]]),
                        spread(v[p[0]], v[p[1]])));
            }
            log.println(line.substring(0, line.length() - 1));
        }
        return modes;
    }

    private static DataLoader loader(Container container, Transform transform, int workers, int batch, boolean regions) {
        return DataLoader.builder(container).batchSize(batch).workers(workers).transform(transform).shuffle(true)
                .prefetch(2).jpegRegionDecode(regions).build();
    }

    /** One epoch of mode m's loader, with the JPEG index as that mode wants it. */
    private static void drain(DataLoader loader, int m, int epoch) {
        if (m == FIRST) {
            JpegIndexCache.clear();
        }
        BaleNative.use_jpeg_index(m != PLAIN);
        try {
            for (Batch b : loader.epoch(epoch)) {
                b.size();
            }
        } finally {
            BaleNative.use_jpeg_index(true);
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
