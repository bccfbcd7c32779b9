package dev.bale.torch;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/** LibTorch tensors over memory Bale owns, without copying. */
public final class Tensors {
    private Tensors() {
    }

    /**
     * A tensor whose storage is {@code buffer}'s memory (from index 0): writes show through both
     * ways. It must not outlive the buffer's memory.
     */
    public static Tensor wrap(ByteBuffer buffer, long[] shape, torch.ScalarType type) {
        Torch.load();
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        long bytes = elements * torch.elementSize(type);
        if (!buffer.isDirect() || bytes > buffer.capacity()) {
            throw new IllegalArgumentException("a direct buffer of at least " + bytes + " bytes is needed");
        }
        try (BytePointer data = new BytePointer(buffer.duplicate().clear());
             TensorOptions options = new TensorOptions(type)) {
            return torch.from_blob(data, shape, options);
        }
    }
}
