package dev.bale.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class HostMemoryTest {

    @Test
    void alignedBufferStartsOnAPageAndTensorsWrapItWithoutCopy() {
        try (HostMemory memory = HostMemory.allocate(3 * 4 * 4, false)) {
            ByteBuffer buffer = memory.buffer();
            assertEquals(0, buffer.position());
            assertEquals(48, buffer.capacity());
            long address;
            try (Pointer p = new Pointer(buffer)) {
                address = p.address();
            }
            assertEquals(0, address % 4096, "page-aligned");
            buffer.putFloat(4, 2.5f);
            try (Tensor t = Tensors.wrap(buffer, new long[] {3, 4}, torch.ScalarType.Float)) {
                assertEquals(address, t.data_ptr().address());
                assertEquals(2.5f, t.get(0).get(1).item_float());
                t.fill_(new org.bytedeco.pytorch.Scalar(7f));
                assertEquals(7f, buffer.getFloat(44), "writes show through both ways");
            }
            assertFalse(memory.pinned());
        }
    }

    @Test
    void freedMemoryIsNotHandedOut() {
        HostMemory memory = HostMemory.allocate(100, true);
        assertEquals(Cuda.available(), memory.pinned());
        memory.close();
        memory.close();
        assertThrows(IllegalStateException.class, memory::buffer);
        assertTrue(Pointer.totalBytes() >= 0);
    }
}
