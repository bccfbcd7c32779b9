package dev.bale.torch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A block of host memory for batches: page-locked (pinned) through {@code cudaHostAlloc} when CUDA
 * is there, so that copies to the GPU can run asynchronously; else page-aligned ordinary memory.
 * Freed by {@link #close} at once, not when the garbage collector gets to it.
 */
public final class HostMemory implements AutoCloseable {
    private static final int PAGE = 4096;

    private final boolean pinned;
    private final long size;
    private Pointer block;
    private final ByteBuffer buffer;

    private HostMemory(boolean pinned, long size, Pointer block, ByteBuffer buffer) {
        this.pinned = pinned;
        this.size = size;
        this.block = block;
        this.buffer = buffer;
    }

    /** Allocates {@code size} bytes, pinned if asked and CUDA is available, and touches every page once. */
    public static HostMemory allocate(long size, boolean pinIfCuda) {
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a batch buffer must hold 1 byte to 2 GiB, not " + size);
        }
        HostMemory memory = pinIfCuda && Cuda.available() ? pinned(size) : aligned(size);
        // The first touch of fresh pages is slow (page faults): pay it here, not on the first batch.
        ByteBuffer b = memory.buffer;
        for (int i = 0; i < b.capacity(); i += PAGE) {
            b.put(i, (byte) 0);
        }
        return memory;
    }

    private static HostMemory pinned(long size) {
        PointerPointer<Pointer> out = new PointerPointer<>(1);
        try {
            int status = cudart.cudaHostAlloc(out, size, cudart.cudaHostAllocPortable);
            if (status != cudart.cudaSuccess) {
                throw new OutOfMemoryError("cudaHostAlloc of " + size + " bytes failed: CUDA error " + status);
            }
            Pointer block = out.get(0);
            ByteBuffer buffer = new BytePointer(block).capacity(size).limit(size).asByteBuffer().slice()
                    .order(ByteOrder.nativeOrder());
            return new HostMemory(true, size, block, buffer);
        } finally {
            out.close();
        }
    }

    private static HostMemory aligned(long size) {
        BytePointer block = new BytePointer(size + PAGE);
        int pad = (int) ((PAGE - block.address() % PAGE) % PAGE);
        ByteBuffer buffer = block.asByteBuffer().position(pad).limit(pad + (int) size).slice().order(ByteOrder.nativeOrder());
        return new HostMemory(false, size, block, buffer);
    }

    /** The memory as a direct buffer of exactly the requested size, from index 0, native byte order. */
    public ByteBuffer buffer() {
        if (block == null) {
            throw new IllegalStateException("host memory already freed");
        }
        return buffer;
    }

    public boolean pinned() {
        return pinned;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() {
        if (block != null) {
            if (pinned) {
                cudart.cudaFreeHost(block);
            } else {
                block.close();
            }
            block = null;
        }
    }
}
