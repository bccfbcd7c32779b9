package dev.bale.torch;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.cuda.global.cudart;

/**
 * Whether a CUDA device can be used, asked once. On a machine without the driver, loading the
 * CUDA runtime bindings throws (UnsatisfiedLinkError, then NoClassDefFoundError on later use):
 * both mean "no CUDA", never a crash.
 */
public final class Cuda {
    private static volatile Boolean available;

    private Cuda() {
    }

    public static boolean available() {
        Boolean answer = available;
        if (answer == null) {
            synchronized (Cuda.class) {
                if (available == null) {
                    available = probe();
                }
                answer = available;
            }
        }
        return answer;
    }

    private static boolean probe() {
        if (Boolean.getBoolean("bale.cuda.disable")) {
            return false;
        }
        try {
            Loader.load(cudart.class);
            int[] count = new int[1];
            return cudart.cudaGetDeviceCount(count) == cudart.cudaSuccess && count[0] > 0;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return false;
        }
    }
}
