package dev.bale.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlannerTest {

    private static SamplePlan plan(Transform t, int w, int h, boolean jpeg, int epoch, int index) {
        SamplePlan plan = new SamplePlan();
        new Planner(t, 99).plan(w, h, jpeg, epoch, index, plan);
        return plan;
    }

    @Test
    void evalTakesTheCentreSquareThatResizeThenCenterCropKeeps() {
        SamplePlan p = plan(Transform.eval(256, 224), 500, 375, true, 0, 0);
        // 224 / 256 of the shorter side (375) = 328.1 -> 328, centred.
        assertEquals(328, p.cropWidth);
        assertEquals(328, p.cropHeight);
        assertEquals((500 - 328) / 2, p.cropX);
        assertEquals((375 - 328) / 2, p.cropY);
        assertEquals(224, p.outWidth);
        assertEquals(1, p.reduce, "328 is not twice 224: full-size decode");
        assertEquals(false, p.flip);
    }

    @Test
    void reducedDecodeWhenTheCropIsAtLeastTwiceTheOutput() {
        SamplePlan p = plan(Transform.eval(256, 224), 1200, 900, true, 0, 0);
        // side = 224 * 900 / 256 = 787.5 -> 788 >= 2 * 224 but < 4 * 224.
        assertEquals(2, p.reduce);
        assertEquals(394, p.cropWidth);
        assertEquals((1200 - 788) / 2 / 2, p.cropX);
        SamplePlan png = plan(Transform.eval(256, 224), 1200, 900, false, 0, 0);
        assertEquals(1, png.reduce, "only JPEG decodes at reduced scale");
        SamplePlan off = plan(Transform.eval(256, 224).withReducedDecode(false), 1200, 900, true, 0, 0);
        assertEquals(1, off.reduce);
    }

    @Test
    void trainCropsStayInsideTheImageAndDependOnSeedEpochAndIndexOnly() {
        Transform t = Transform.train(224).withColorJitter(0.4f, 0.4f, 0.4f);
        int flips = 0;
        for (int i = 0; i < 2000; i++) {
            SamplePlan p = plan(t, 500, 375, false, 3, i);
            assertTrue(p.cropX >= 0 && p.cropY >= 0 && p.cropX + p.cropWidth <= 500 && p.cropY + p.cropHeight <= 375, p.toString());
            double area = (double) p.cropWidth * p.cropHeight / (500 * 375);
            assertTrue(area >= 0.07 && area <= 1.0, "area " + area);
            assertTrue(p.brightness >= 0.6f && p.brightness <= 1.4f);
            flips += p.flip ? 1 : 0;
            assertEquals(p.toString(), plan(t, 500, 375, false, 3, i).toString());
        }
        assertTrue(flips > 900 && flips < 1100, "p = 0.5: " + flips);
        assertNotEquals(plan(t, 500, 375, false, 3, 1).toString(), plan(t, 500, 375, false, 4, 1).toString());
    }

    @Test
    void noneKeepsTheWholeImage() {
        SamplePlan p = plan(Transform.none(), 28, 28, false, 0, 0);
        assertEquals(28, p.outWidth);
        assertEquals(28, p.cropWidth);
        assertEquals(1, p.reduce);
    }
}
