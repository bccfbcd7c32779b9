package dev.bale.loader;

import dev.bale.torch.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A batch's labels ready for {@code torch.nn.functional.ctc_loss}: {@code targets} holds every
 * label's character ids concatenated (int64, ids from 1: 0 is the blank), {@code lengths} each
 * label's length (int64 [N]). Both tensors own their memory; close releases them.
 */
public record CtcTargets(Tensor targets, Tensor lengths) implements AutoCloseable {

    /** An int64 tensor holding a copy of {@code values}. */
    static Tensor tensor(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(1, values.length) * Long.BYTES).order(ByteOrder.nativeOrder());
        buffer.asLongBuffer().put(values);
        try (Tensor view = Tensors.wrap(buffer, new long[] {values.length}, torch.ScalarType.Long)) {
            return view.clone();
        }
    }

    @Override
    public void close() {
        targets.close();
        lengths.close();
    }
}
