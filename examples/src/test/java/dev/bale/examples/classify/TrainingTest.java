package dev.bale.examples.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The classification example really learns, and a run stopped mid-epoch resumes exactly. */
class TrainingTest {
    @TempDir
    static Path dir;
    static Container train;
    static Container test;

    @BeforeAll
    static void generate() throws IOException {
        dev.bale.torch.Torch.load();
        org.bytedeco.pytorch.global.torch.set_num_threads(1); // as the example does next to 2 loader workers on 2 cores
        train = Shapes.packed(dir.resolve("train"), dir.resolve("train.bin"), 100, 1);
        test = Shapes.packed(dir.resolve("test"), dir.resolve("test.bin"), 25, 2);
    }

    @AfterAll
    static void close() throws IOException {
        train.close();
        test.close();
    }

    private static Trainer.Options options(int epochs) {
        // 400 images in batches of 16: 25 steps an epoch.
        return new Trainer.Options("cnn", 8, "adam", 2e-3, epochs, 16, 2, 7, "cpu", null, 0, 0, false);
    }

    private static Trainer trainer(Trainer.Options options) throws IOException {
        return new Trainer(train, test, ClassifyCommand.trainTransform(Shapes.SIDE), ClassifyCommand.evalTransform(Shapes.SIDE),
                options).logBatches(true);
    }

    @Test
    void lossFallsAndAccuracyBeatsChanceByFar() throws IOException {
        try (Trainer trainer = trainer(options(8))) {
            double before = trainer.evaluate();
            List<Trainer.EpochReport> reports = trainer.run(r -> { });
            assertEquals(8, reports.size());
            assertEquals(200, trainer.batchLog().size(), "a few hundred steps");
            double first = reports.get(0).loss();
            double last = reports.get(reports.size() - 1).loss();
            assertTrue(last < first / 2, "loss falls: first epoch " + first + ", last " + last);
            double accuracy = reports.get(reports.size() - 1).testAccuracy();
            assertTrue(accuracy >= 0.8, "test accuracy " + accuracy + " (chance 0.25, untrained " + before + ")");
            for (Trainer.EpochReport r : reports) {
                assertTrue(r.dataWait() >= 0 && r.dataWait() <= 1 && r.imagesPerSecond() > 0, r.line());
            }
        }
    }

    private static List<String> uninterrupted;

    /** The batch log of two uninterrupted epochs (50 steps). */
    private static synchronized List<String> uninterrupted() throws IOException {
        if (uninterrupted == null) {
            try (Trainer trainer = trainer(options(2))) {
                trainer.run(r -> { });
                uninterrupted = List.copyOf(trainer.batchLog());
            }
        }
        return uninterrupted;
    }

    @Test
    void aRunStoppedMidEpochResumesWithExactlyTheBatchesAndLossesOfAnUninterruptedOne() throws IOException {
        List<String> uninterrupted = uninterrupted();
        assertEquals(50, uninterrupted.size());
        Path checkpoint = dir.resolve("checkpoint");
        // Stop at step 30: batch 5 of epoch 1 is next.
        try (Trainer first = trainer(options(2).withCheckpoint(checkpoint, 0, 30, false))) {
            List<Trainer.EpochReport> reports = first.run(r -> { });
            assertTrue(reports.get(reports.size() - 1).stopped());
            assertEquals(uninterrupted.subList(0, 30), first.batchLog());
        }
        assertEquals(new Checkpoint.State(1, 5, 30, 7, "cnn"), Checkpoint.state(checkpoint));
        assertTrue(Files.exists(checkpoint.resolve("model.pt")) && Files.exists(checkpoint.resolve("optimizer.pt")));
        try (Trainer resumed = trainer(options(2).withCheckpoint(checkpoint, 0, 0, true))) {
            List<Trainer.EpochReport> reports = resumed.run(r -> { });
            assertEquals(1, reports.size());
            assertEquals(5, reports.get(0).firstBatch());
            // Same sample indices, same pixels (the first resumed batch's included), same losses.
            assertEquals(uninterrupted.subList(30, 50), resumed.batchLog());
        }
    }

    @Test
    void aTrainingProcessKilledWithSigkillResumesFromItsLastCheckpointExactly() throws Exception {
        List<String> uninterrupted = uninterrupted();
        Path checkpoint = dir.resolve("killed-checkpoint");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "dev.bale.cli.Main",
                "example", "classify", "--train", dir.resolve("train.bin").toString(), "--test", dir.resolve("test.bin").toString(),
                "--work", dir.resolve("work").toString(), "--epochs", "2", "--batch", "16", "--workers", "2", "--lr", "0.002",
                "--seed", "7", "--width", "8", "--threads", "1", "--checkpoint", checkpoint.toString(), "--checkpoint-every", "5"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.exists(Checkpoint.complete(checkpoint).resolve("state.json"))) {
                assertTrue(child.isAlive(), () -> "the child ended early: " + read(dir.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "no checkpoint within 5 minutes");
                Thread.sleep(20);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing flushed
            child.waitFor();
        }
        Checkpoint.State state = Checkpoint.state(checkpoint);
        assertTrue(state.step() >= 5 && state.step() < 50, "killed mid-run, at step " + state.step());
        try (Trainer resumed = trainer(options(2).withCheckpoint(checkpoint, 0, 0, true))) {
            resumed.run(r -> { });
            assertEquals(uninterrupted.subList((int) state.step(), 50), resumed.batchLog());
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
