package dev.bale.testing;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_UNCHANGED;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** The fixtures are what the container tests assume: real, decodable, unique images. */
class FixturesTest {

    @Test
    void imagesAreRealDistinctJpegsAndPngsOfTheStatedSize() {
        List<Fixtures.Image> images = Fixtures.images(20, 1);
        assertEquals(20, images.size());
        Set<String> keys = new HashSet<>();
        Set<String> heads = new HashSet<>();
        Set<String> formats = new HashSet<>();
        Set<Integer> channels = new HashSet<>();
        for (Fixtures.Image image : images) {
            assertTrue(keys.add(image.key()), "duplicate key " + image.key());
            assertTrue(image.key().matches("[^/]+/img_\\d{3}\\.(jpg|png)"), image.key());
            assertTrue(image.width() >= 32 && image.width() <= 96 && image.height() >= 32 && image.height() <= 96);
            formats.add(image.format());
            channels.add(image.channels());
            if (image.format().equals("jpg")) {
                assertEquals(0xFF, image.bytes()[0] & 0xFF);
                assertEquals(0xD8, image.bytes()[1] & 0xFF);
            } else {
                assertEquals(0x89, image.bytes()[0] & 0xFF);
                assertEquals('P', image.bytes()[1]);
            }
            // The middle of the entropy-coded data tells records apart.
            int mid = image.length() / 2;
            assertTrue(heads.add(java.util.Arrays.toString(java.util.Arrays.copyOfRange(image.bytes(), mid, mid + 32))));
            try (BytePointer data = new BytePointer(image.bytes());
                 Mat encoded = new Mat(1, image.length(), org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
                 Mat decoded = imdecode(encoded, IMREAD_UNCHANGED)) {
                assertFalse(decoded.empty(), image.key() + " does not decode");
                assertEquals(image.width(), decoded.cols());
                assertEquals(image.height(), decoded.rows());
                assertEquals(image.channels(), decoded.channels());
            }
        }
        assertEquals(Set.of("jpg", "png"), formats);
        assertEquals(Set.of(1, 3, 4), channels);
        assertEquals(Fixtures.CLASSES.size(), images.stream().map(Fixtures.Image::classId).distinct().count());
        // Same arguments, same records.
        assertEquals(images, Fixtures.images(20, 1));
    }
}
