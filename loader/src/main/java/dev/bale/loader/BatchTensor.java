package dev.bale.loader;

import dev.bale.torch.Tensors;
import java.nio.ByteBuffer;
import org.bytedeco.pytorch.DataPtr;
import org.bytedeco.pytorch.Storage;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A tensor over one batch's part of a ring buffer, made for that batch alone, and what happens to it
 * when the batch is released. Release drops the batch's own reference; if anything else still uses
 * the tensor's storage then — a handle the caller kept (in a PointerScope still open, say), a view,
 * an autograd graph not yet freed — the bytes are first copied into memory LibTorch owns, and the
 * storage is pointed at the copy. So a tensor of a released batch always shows that batch, never the
 * later one the ring refills its buffer with; and when nothing kept it, release costs no copy.
 */
final class BatchTensor {
    private final Tensor tensor;
    /**
     * A second tensor over the same storage, never handed out: it outlives the first, which callers
     * may close, and makes the storage's use count ours plus everyone else's.
     */
    private final Tensor owner;

    BatchTensor(ByteBuffer buffer, long[] shape, torch.ScalarType type) {
        Tensor t = Tensors.wrap(buffer, shape, type);
        // One reference of our own: a PointerScope of the caller's that closes does not free it under us.
        t.retainReference();
        this.tensor = t;
        this.owner = t.detach();
        owner.retainReference();
    }

    Tensor tensor() {
        return tensor;
    }

    /**
     * Ends the batch's use of the buffer. Returns true when the contents had to be copied out because
     * something still referenced them.
     */
    boolean release() {
        tensor.releaseReference();
        boolean copied = false;
        Storage storage = owner.storage(); // borrowed from the owner, not a reference of its own
        // The owner is one use; any other is someone still looking at this batch.
        if (storage.use_count() > 1) {
            DataPtr copy = torch.getCPUAllocator().clone(storage.data(), storage.nbytes());
            storage.set_data_ptr_noswap(copy);
            copy.close();
            copied = true;
        }
        owner.releaseReference();
        return copied;
    }
}
