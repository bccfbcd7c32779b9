package dev.bale.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import dev.bale.container.Layout;
import dev.bale.dataset.ShardPlan;
import dev.bale.dataset.ShardedContainer;
import dev.bale.pack.PackListener;
import dev.bale.pack.PackOptions;
import dev.bale.pack.ShardedPacker;
import dev.bale.pack.SourceInput;
import dev.bale.transform.Transform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loaders of 4 ranks stop mid-epoch; 2 ranks resume from the state: every record once. */
class ElasticResumeTest {
    @TempDir
    Path dir;

    private static DataLoader loader(ShardedContainer dataset, int rank, int world) {
        return DataLoader.builder(dataset).batchSize(4).workers(2).seed(11).transform(Transform.eval(40, 32))
                .shuffle(true).distributed(rank, world).build();
    }

    @Test
    void fourRanksToTwoMidEpoch() throws IOException {
        LoaderFixture tiny = LoaderFixture.tiny(dir, 64);
        Path out = dir.resolve("ds");
        ShardedPacker.pack(new SourceInput(tiny.source), out, PackOptions.of(Layout.BIN), ShardPlan.ofShards(64, 8),
                PackListener.NONE);
        List<Integer> seen = new ArrayList<>();
        LoaderState state = null;
        try (Container opened = Containers.open(out)) {
            ShardedContainer dataset = (ShardedContainer) opened;
            for (int rank = 0; rank < 4; rank++) {
                try (DataLoader loader = loader(dataset, rank, 4)) {
                    int batches = 0;
                    for (Batch batch : loader.epoch(2)) {
                        for (int i : batch.indices()) {
                            seen.add(i);
                        }
                        if (++batches == 2) {
                            break;
                        }
                    }
                    LoaderState mine = loader.state();
                    if (state != null) {
                        assertEquals(state, mine, "every rank reports the same state");
                    }
                    state = LoaderState.fromJson(mine.toJson());
                }
            }
            assertEquals(32, state.samplesSeen());
            for (int rank = 0; rank < 2; rank++) {
                try (DataLoader loader = loader(dataset, rank, 2)) {
                    for (Batch batch : loader.resume(state)) {
                        for (int i : batch.indices()) {
                            seen.add(i);
                        }
                    }
                    assertEquals(new LoaderState(11, 3, List.of()), loader.state(), "a finished epoch resumes at the next");
                }
            }
            try (DataLoader loader = loader(dataset, 0, 2)) {
                LoaderState other = new LoaderState(12, 2, List.of());
                assertThrows(IllegalArgumentException.class, () -> loader.resume(other));
            }
        }
        assertEquals(64, seen.size());
        Set<Integer> distinct = new HashSet<>(seen);
        assertEquals(64, distinct.size(), "no record repeated or skipped");
    }
}
