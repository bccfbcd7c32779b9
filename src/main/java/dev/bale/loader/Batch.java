package dev.bale.loader;

import dev.bale.torch.Tensors;
import java.nio.ByteBuffer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * One batch, living in a buffer of the loader's ring. It stays valid until it is closed or the next
 * batch of its epoch is asked for, whichever comes first; then its buffer is refilled. Tensors it
 * hands out wrap that buffer without copying and must not be used after that either (copy them,
 * or move them to the GPU, to keep them).
 */
public final class Batch implements AutoCloseable {
    private final DataLoader loader;
    private final Slot slot;
    private final int epoch;
    private final int number;
    private final int size;
    private Tensor narrowedImages;
    private Tensor narrowedLabels;
    private Tensor narrowedWidths;
    private boolean released;
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
     * The tensor belongs to the loader, which reuses it for later batches: do not close it.
     */
    public Tensor images() {
        checkLive();
        if (slot.imageTensor == null) {
            slot.imageTensor = Tensors.wrap(slot.imageBuffer(), loader.batchShape(), loader.elementType());
        }
        int width = paddedWidth();
        if (size == loader.batchSize() && width == loader.width()) {
            return slot.imageTensor;
        }
        if (narrowedImages == null) {
            if (width == loader.width()) {
                narrowedImages = slot.imageTensor.narrow(0, 0, size);
            } else {
                // Text lines cut to the batch's width: a strided view, no copy.
                int widthDim = loader.transform().output() == dev.bale.transform.Transform.Output.UINT8_HWC ? 2 : 3;
                try (Tensor rows = slot.imageTensor.narrow(0, 0, size)) {
                    narrowedImages = rows.narrow(widthDim, 0, width);
                }
            }
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

    /** The real width of each sample (a text line's before padding) as an int64 tensor [N]; no copy. */
    public Tensor widths() {
        checkLive();
        if (slot.widthTensor == null) {
            slot.widthTensor = Tensors.wrap(slot.widthBuffer(), new long[] {loader.batchSize()}, torch.ScalarType.Long);
        }
        if (size == loader.batchSize()) {
            return slot.widthTensor;
        }
        if (narrowedWidths == null) {
            narrowedWidths = slot.widthTensor.narrow(0, 0, size);
        }
        return narrowedWidths;
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

    /** The class ids as an int64 tensor [N]; no copy. */
    public Tensor labels() {
        checkLive();
        if (slot.labelTensor == null) {
            slot.labelTensor = Tensors.wrap(slot.labelBuffer(), new long[] {loader.batchSize()}, torch.ScalarType.Long);
        }
        if (size == loader.batchSize()) {
            return slot.labelTensor;
        }
        if (narrowedLabels == null) {
            narrowedLabels = slot.labelTensor.narrow(0, 0, size);
        }
        return narrowedLabels;
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
            throw new IllegalStateException("batch " + number + " of epoch " + epoch + " was released: its buffer is being refilled");
        }
    }

    boolean released() {
        return released;
    }

    /** Gives the buffer back to the loader for refilling. Idempotent. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            if (narrowedImages != null) {
                narrowedImages.close();
            }
            if (narrowedLabels != null) {
                narrowedLabels.close();
            }
            if (narrowedWidths != null) {
                narrowedWidths.close();
            }
            try {
                if (copiedToDevice) {
                    // An asynchronous copy may still be reading the buffer.
                    torch.cuda_synchronize();
                }
            } finally {
                loader.release(slot, number);
            }
        }
    }
}
