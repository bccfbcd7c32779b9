package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Layout;
import dev.bale.torch.Cuda;
import dev.bale.torch.Torch;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA path: pinned batch buffers, asynchronous copies to the device, equal to the host batch.
 * Runs only where a CUDA device and LibTorch's GPU build are present (Maven profile "gpu");
 * reported as skipped elsewhere.
 */
@EnabledIf("cudaReady")
class CudaLoaderTest {
    @TempDir
    Path dir;

    static boolean cudaReady() {
        if (!Cuda.available()) {
            return false;
        }
        Torch.load();
        return torch.cuda_is_available();
    }

    @Test
    void pinnedBatchesCopyToTheDeviceAsynchronously() throws IOException {
        LoaderFixture photos = LoaderFixture.photos(dir, 16);
        try (Container container = photos.pack(Layout.BIN, dir);
             DataLoader loader = DataLoader.builder(container).batchSize(4).workers(2).transform(Transform.eval(64, 56))
                     .device("cuda").build()) {
            assertTrue(loader.pinned());
            int batches = 0;
            for (Batch batch : loader.epoch(0)) {
                Tensor host = batch.images();
                assertTrue(host.is_pinned());
                Tensor device = batch.images("cuda");
                assertTrue(device.is_cuda());
                assertArrayEquals(host.shape(), device.shape());
                assertEquals(0, device.cpu().sub(host).abs().max().item_float());
                batches++;
            }
            assertEquals(4, batches);
        }
    }
}
