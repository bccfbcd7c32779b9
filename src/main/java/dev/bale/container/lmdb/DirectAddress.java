package dev.bale.container.lmdb;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;

/** The native address of a direct buffer's position (JavaCPP reads it without reflection tricks). */
final class DirectAddress {
    private DirectAddress() {
    }

    static long of(ByteBuffer direct) {
        try (Pointer pointer = new Pointer(direct)) {
            return pointer.address() + pointer.position();
        }
    }
}
