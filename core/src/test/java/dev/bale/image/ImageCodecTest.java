package dev.bale.image;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** bale-core alone has no codec: what needs pixels says which artifact brings them. */
class ImageCodecTest {

    @Test
    void withoutTheLoaderTheErrorNamesIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ImageCodec.get().problem(ByteBuffer.allocate(4)));
        assertTrue(e.getMessage().contains("bale-loader"), e.getMessage());
    }
}
