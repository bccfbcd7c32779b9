package dev.bale.pack;

import dev.bale.container.Layout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** A pack that takes long enough to be killed in the middle: run in a child JVM by {@link InterruptedPackTest}. */
public final class SlowPack {
    public static void main(String[] args) throws IOException {
        Layout layout = Layout.parse(args[0]);
        Path out = Path.of(args[1]);
        PackInput slow = new PackInput() {
            @Override
            public int size() {
                return 100_000;
            }

            @Override
            public List<String> classes() {
                return List.of("a");
            }

            @Override
            public String key(int index) {
                return "r" + index;
            }

            @Override
            public int classId(int index) {
                return 0;
            }

            @Override
            public String describe(int index) {
                return key(index);
            }

            @Override
            public long sizeHint() {
                return 0;
            }

            @Override
            public ByteBuffer load(int index) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ByteBuffer.wrap(new byte[5000 + index % 777]);
            }
        };
        Packer.pack(slow, out, PackOptions.of(layout).withThreads(2), new PackListener() {
            @Override
            public void progressed(int done, long bytes) {
                if (done == 300) {
                    System.out.println("packing");
                    System.out.flush();
                }
            }
        });
    }
}
