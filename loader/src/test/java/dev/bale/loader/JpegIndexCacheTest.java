package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java handle on the process-wide JPEG index cache: budgets in, counters out. */
class JpegIndexCacheTest {
    private final long before = JpegIndexCache.stats().budget();

    @AfterEach
    void restore() {
        JpegIndexCache.budget(before);
    }

    @Test
    void aBudgetIsSetAndReadBack() {
        JpegIndexCache.budget(3 << 20);
        assertEquals(3 << 20, JpegIndexCache.stats().budget());
        JpegIndexCache.budget(0);
        assertEquals(0, JpegIndexCache.stats().budget());
        assertEquals(0, JpegIndexCache.stats().bytesHeld());
    }

    @Test
    void aNegativeBudgetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> JpegIndexCache.budget(-1));
    }
}
