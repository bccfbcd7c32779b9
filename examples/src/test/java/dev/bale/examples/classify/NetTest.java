package dev.bale.examples.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.torch.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** The example networks have the shapes they claim and train (gradients reach every parameter). */
class NetTest {
    @Test
    void resNet18HasItsShapeAndBackpropagates() {
        Torch.load();
        try (PointerScope scope = new PointerScope()) {
            Net net = Net.named("resnet18", 1, 4, 4);
            // Stem + 8 blocks of 2 convs + 3 projections + fc: ResNet-18's 18 weighted layers (+3 shortcuts).
            long convs = net.modules(false).get().length;
            assertTrue(convs > 40, "modules: " + convs);
            Tensor out = net.forward(torch.randn(2, 1, 28, 28));
            assertArrayEquals(new long[] {2, 4}, out.shape());
            out.sum().backward();
            for (Tensor p : net.parameters().get()) {
                assertTrue(p.grad().defined(), "every parameter gets a gradient");
            }
            assertEquals(62, net.parameters().size(), "ResNet-18's parameter tensors (conv weights, BN affine, fc)");
        }
    }

    @Test
    void smallCnnTakesOtherSizesAndRejectsUnknownModels() {
        Torch.load();
        try (PointerScope scope = new PointerScope()) {
            Net net = Net.named("cnn", 3, 10, 8);
            assertArrayEquals(new long[] {3, 10}, net.forward(torch.randn(3, 3, 64, 48)).shape());
        }
        assertThrows(IllegalArgumentException.class, () -> Net.named("vgg", 1, 10, 8));
    }
}
