package dev.bale.loader;

import dev.bale.torch.Tensors;
import java.nio.ByteBuffer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One batch, living in a buffer of the loader's ring. While an epoch is iterated, a batch is
 * released when the next one is asked for (or when it is closed, or its epoch ends); {@link #hold()}
 * keeps it until you close it. After release its methods throw {@link IllegalStateException}.
 *
 * <p>Its tensors wrap the buffer without copying, and each batch has tensors of its own. They never
 * show a later batch: when the batch is released, a tensor handle that nothing else keeps is freed
 * (using it throws), and if anything still uses the data — a handle kept in an open PointerScope, a
 * view, an autograd graph — the data is copied out before the buffer is refilled. Keeping tensors
 * past their batch therefore works but costs that copy; hold the batch to keep it without one.
 */
public final class Batch implements AutoCloseable {
    private final DataLoader loader;
    private final Slot slot;
    private final int epoch;
    private final int number;
    private final int size;
    private BatchTensor images;
    private BatchTensor labels;
    private BatchTensor widths;
    /** Text lines: the images cut to the batch's padded width, a view over {@link #images}. */
    private Tensor narrowedImages;
    private boolean released;
    private boolean held;
    private boolean copiedToDevice;

    Batch(DataLoader loader, Slot slot, int epoch, int number, int size) {
        this.loader = loader;
        this.slot = slot;
        this.epoch = epoch;
        this.number = number;
        this.size = size;
    }

    public int epoch() {
        return epoch;
    }

    /** The batch's number within its epoch, counting from 0. */
    public int number() {
        return number;
    }

    /** Samples in this batch: the batch size, or fewer for a short last batch. */
    public int size() {
        return size;
    }

    /**
     * The images as a tensor [N, C, H, W] (float32 or uint8), or [N, H, W, C] for uint8 HWC; no copy.
     * The same tensor on every call. The batch owns it: there is no need to close it.
     */
    public Tensor images() {
        checkLive();
        if (images == null) {
            long[] shape = loader.batchShape();
            shape[0] = size;
            images = new BatchTensor(slot.imageBuffer(), shape, loader.elementType());
        }
        int width = paddedWidth();
        if (width == loader.width()) {
            return images.tensor();
        }
        if (narrowedImages == null) {
            // Text lines cut to the batch's width: a strided view, no copy.
            int widthDim = loader.transform().output() == dev.bale.transform.Transform.Output.UINT8_HWC ? 2 : 3;
            narrowedImages = images.tensor().narrow(widthDim, 0, width);
        }
        return narrowedImages;
    }

    /**
     * Width of {@link #images()}: the loader's, or for text lines under
     * {@link dev.bale.transform.TextLine.PadPolicy#BATCH_MAX} the widest line rounded up to 8.
     */
    public int paddedWidth() {
        checkLive();
        if (loader.padPolicy() != dev.bale.transform.TextLine.PadPolicy.BATCH_MAX) {
            return loader.width();
        }
        long widest = 1;
        for (int i = 0; i < size; i++) {
            widest = Math.max(widest, slot.widthBuffer().getLong(i * Long.BYTES));
        }
        return (int) Math.min(loader.width(), (widest + 7) / 8 * 8);
    }

    /** The real width of each sample (a text line's before padding) as an int64 tensor [N]; no copy. The batch owns it. */
    public Tensor widths() {
        checkLive();
        if (widths == null) {
            widths = new BatchTensor(slot.widthBuffer(), new long[] {size}, torch.ScalarType.Long);
        }
        return widths.tensor();
    }

    /** Real width of sample {@code i}. */
    public int width(int i) {
        checkLive();
        java.util.Objects.checkIndex(i, size);
        return (int) slot.widthBuffer().getLong(i * Long.BYTES);
    }

    /** The samples' labels as text, exactly as packed (the class names; the number for unnamed classes). */
    public String[] texts() {
        checkLive();
        dev.bale.container.Manifest manifest = loader.container().manifest();
        String[] texts = new String[size];
        for (int i = 0; i < size; i++) {
            texts[i] = manifest.label((int) label(i));
        }
        return texts;
    }

    /** The samples' record keys (their source paths). */
    public String[] keys() {
        checkLive();
        String[] keys = new String[size];
        for (int i = 0; i < size; i++) {
            keys[i] = loader.key(slot.indices[i]);
        }
        return keys;
    }

    /**
     * CTC targets of the labels: every label's character ids concatenated, and each label's length,
     * as new int64 tensors the caller owns (close them). A character outside {@code charset} fails
     * naming the record, unless the charset maps it to {@code <unk>}.
     */
    public CtcTargets targets(dev.bale.text.Charset charset) {
        checkLive();
        String[] texts = texts();
        int[][] ids = new int[size][];
        int total = 0;
        for (int i = 0; i < size; i++) {
            int record = slot.indices[i];
            ids[i] = charset.encode(texts[i], () -> "record " + record + " (" + loader.key(record) + ")");
            total += ids[i].length;
        }
        long[] flat = new long[total];
        long[] lengths = new long[size];
        int at = 0;
        for (int i = 0; i < size; i++) {
            lengths[i] = ids[i].length;
            for (int id : ids[i]) {
                flat[at++] = id;
            }
        }
        return new CtcTargets(CtcTargets.tensor(flat), CtcTargets.tensor(lengths));
    }

    /**
     * The images on {@code device} ("cpu" or "cuda[:N]"). On a CUDA device this is an asynchronous
     * copy from the pinned batch buffer on the current stream; the buffer is not refilled until the
     * copy has completed (the release waits for the device).
     */
    public Tensor images(String device) {
        return onDevice(images(), device);
    }

    /** The labels on {@code device}, as {@link #images(String)}. */
    public Tensor labels(String device) {
        return onDevice(labels(), device);
    }

    private Tensor onDevice(Tensor host, String device) {
        if (device.equals("cpu")) {
            return host;
        }
        try (Device target = new Device(device)) {
            Tensor copy = host.to(target, host.scalar_type(), true, false, new MemoryFormatOptional());
            copiedToDevice |= copy.is_cuda();
            return copy;
        }
    }

    /** The class ids as an int64 tensor [N]; no copy. The same tensor on every call; the batch owns it. */
    public Tensor labels() {
        checkLive();
        if (labels == null) {
            labels = new BatchTensor(slot.labelBuffer(), new long[] {size}, torch.ScalarType.Long);
        }
        return labels.tensor();
    }

    /** The raw image bytes (native byte order), {@code size() * loader.sampleBytes()} of them from index 0. */
    public ByteBuffer imageBuffer() {
        checkLive();
        return slot.imageBuffer().duplicate().limit(Math.toIntExact((long) size * loader.sampleBytes()))
                .order(slot.imageBuffer().order());
    }

    /** Class id of sample {@code i}. */
    public long label(int i) {
        checkLive();
        java.util.Objects.checkIndex(i, size);
        return slot.labelBuffer().getLong(i * Long.BYTES);
    }

    /** Record index of sample {@code i} in the container. */
    public int index(int i) {
        checkLive();
        java.util.Objects.checkIndex(i, size);
        return slot.indices[i];
    }

    /** Record indices of all samples, in batch order (a copy). */
    public int[] indices() {
        checkLive();
        return java.util.Arrays.copyOf(slot.indices, size);
    }

    private void checkLive() {
        if (released) {
            throw new IllegalStateException("batch " + number + " of epoch " + epoch + " was released: its buffer is "
                    + "being refilled (hold() a batch to keep it past the next one, and close it when done)");
        }
    }

    boolean released() {
        return released;
    }

    /**
     * Keeps this batch, and its buffer, until you close it: iterating on does not release it. For
     * gradient accumulation over a few batches, say. A held batch occupies one of the loader's
     * {@code prefetch} buffers; asking for a batch that needs a buffer still held throws rather than
     * waiting forever. Held batches are released when their epoch ends.
     */
    public Batch hold() {
        checkLive();
        held = true;
        return this;
    }

    boolean held() {
        return held;
    }

    /**
     * Gives the buffer back to the loader for refilling; tensors still in use keep this batch's data
     * (see the class comment). Idempotent.
     */
    @Override
    public void close() {
        if (!released) {
            released = true;
            if (narrowedImages != null) {
                narrowedImages.close(); // a view of the batch's storage: it must not count as a use of it
            }
            try {
                if (copiedToDevice) {
                    // An asynchronous copy may still be reading the buffer.
                    torch.cuda_synchronize();
                }
                int copies = 0;
                if (images != null && images.release()) {
                    copies++;
                }
                if (labels != null && labels.release()) {
                    copies++;
                }
                if (widths != null && widths.release()) {
                    copies++;
                }
                loader.countCopiesOnRelease(copies);
            } finally {
                loader.release(slot, number);
            }
        }
    }
}
