package dev.bale.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformSpecTest {
    @TempDir
    Path dir;

    @Test
    void theIssuesExampleParsesToTheSameOpsAsJava() {
        Transform parsed = TransformSpec.parse("resize=388x270,perspective=0.6:0.5,jitter=0.5:0:0:0.3");
        Transform java = Transform.compose(Resize.to(388, 270), RandomPerspective.of(0.6, 0.5), ColorJitter.of(0.5, 0, 0, 0.3));
        assertEquals(java, parsed);
        // Height first: 388 high, 270 wide.
        assertEquals(270, parsed.pipeline().outputSize(500, 375)[0]);
        assertEquals(388, parsed.pipeline().outputSize(500, 375)[1]);
    }

    @Test
    void everyOpRoundTripsThroughItsSpec() {
        String spec = "resize=256,centercrop=224x200,randomcrop=32x32:4:0,rrc=224x224:0.08..1:0.75..1.5,pad=1x2x3x4:9,"
                + "hflip=0.5,vflip=0.25,rotation=-10..30:0,affine=-5..5:0.1x0.2:0.9..1.1:-3..3:0,perspective=0.6:0.5:0,"
                + "jitter=0.4:0.4:0.4:0.1,gray=3,randomgray=0.2,normalize=0.5x0.5x0.5:0.25x0.25x0.25";
        Transform t = TransformSpec.parse(spec);
        assertEquals(spec, t.pipeline().spec());
        assertEquals(t, TransformSpec.parse(t.pipeline().spec()));
    }

    @Test
    void shortFormsAndPresets() {
        assertEquals("rotation=-15..15:0", TransformSpec.parse("rotation=15").pipeline().spec());
        assertEquals("pad=2x5x2x5:0", TransformSpec.parse("pad=2x5").pipeline().spec());
        assertEquals(Transform.eval(), TransformSpec.parse("eval"));
        assertEquals(Transform.train(), TransformSpec.parse("train"));
        assertEquals(Transform.Output.UINT8_HWC, TransformSpec.parse("resize=8x8,output=uint8hwc").output());
        assertEquals(Transform.Channels.GRAY, TransformSpec.parse("resize=8x8,gray=1").channels());
        Transform text = TransformSpec.parse("text");
        assertEquals(32, text.pipeline().textLine().height());
        float[] mean = TransformSpec.parse("resize=8x8,normalize=imagenet").mean();
        assertEquals(Transform.IMAGENET_MEAN[1], mean[1]);
    }

    @Test
    void thenAppendsOpsAndKeepsTheOutput() {
        Transform t = Transform.compose(Resize.to(8, 8)).withOutput(Transform.Output.UINT8_CHW)
                .then(RandomRotation.of(5), Grayscale.of(1));
        assertEquals("resize=8x8,rotation=-5..5:0,gray=1", t.pipeline().spec());
        assertEquals(Transform.Output.UINT8_CHW, t.output());
        assertEquals(Transform.Channels.GRAY, t.channels());
    }

    @Test
    void mistakesAreNamed() {
        assertMessage("unknown op 'blur'", "resize=8x8,blur=3");
        assertMessage("perspective=2:0.5: distortion_scale must be in [0, 1]", "perspective=2:0.5");
        assertMessage("resize=abc: size must be numbers", "resize=abc");
        assertMessage("hflip takes at most 1 parameters", "hflip=0.5:3");
        assertMessage("only colour ops and normalize may follow textline", "textline=32,rotation=5");
        assertMessage("jitter=0:0:0:0.7: jitter strengths must be >= 0, hue in [0, 0.5]", "jitter=0:0:0:0.7");
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void jsonFilesHoldTheGrammarOrNamedParameters() throws IOException {
        Path named = dir.resolve("pipeline.json");
        Files.writeString(named, "[{\"op\": \"resize\", \"size\": [388, 270]},"
                + " {\"op\": \"perspective\", \"distortion_scale\": 0.6, \"p\": 0.5},"
                + " {\"op\": \"jitter\", \"brightness\": 0.5, \"hue\": 0.3}, {\"op\": \"output\", \"layout\": \"uint8\"}]");
        Transform t = TransformSpec.parse("@" + named);
        assertEquals("resize=388x270,perspective=0.6:0.5:0,jitter=0.5:0:0:0.3", t.pipeline().spec());
        assertEquals(Transform.Output.UINT8_CHW, t.output());
        Path string = dir.resolve("string.json");
        Files.writeString(string, "\"resize=388x270,hflip=0.5\"");
        assertEquals("resize=388x270,hflip=0.5", TransformSpec.parse("@" + string).pipeline().spec());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"op\": \"resize\", \"sizes\": 3}]");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformSpec.parse("@" + bad));
        assertTrue(e.getMessage().contains("op 0 (resize): unknown parameter 'sizes'"), e.getMessage());
    }
}
