package dev.bale.torch;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/** Loads LibTorch once, safely. */
public final class Torch {
    private static volatile boolean loaded;

    private Torch() {
    }

    /**
     * Loads LibTorch's native libraries. {@code libtorch_cpu.so} is unpacked before the loader asks
     * for {@code libtorch.so}: otherwise, where Debian's python3-torch put an older
     * libtorch_cpu.so on the system path, the dynamic linker binds that one and the JVM dies.
     */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (Torch.class) {
            if (!loaded) {
                try {
                    Loader.cacheResource(torch.class, "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/libtorch_cpu.so");
                } catch (Exception e) {
                    // Not packaged this way (another platform or build): the plain load below decides.
                }
                Loader.load(torch.class);
                loaded = true;
            }
        }
    }
}
