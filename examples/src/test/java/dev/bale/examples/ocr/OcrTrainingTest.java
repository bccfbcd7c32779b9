package dev.bale.examples.ocr;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bale.container.Container;
import dev.bale.container.Containers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OCR example learns: CTC loss falls and greedy decoding beats the best constant guess. */
class OcrTrainingTest {
    @TempDir
    Path dir;

    @Test
    void ctcLossFallsAndGreedyDecodingBeatsTheBestConstantGuess() throws IOException {
        dev.bale.torch.Torch.load();
        org.bytedeco.pytorch.global.torch.set_num_threads(1); // as the example next to 2 loader workers on 2 cores
        Path trainPath = GeneratedLines.packed(dir, "train", TRAIN_LINES, 1, 1);
        Path testPath = GeneratedLines.packed(dir, "test", 60, 2, 1);
        OcrTrainer.Options options = new OcrTrainer.Options(16, 64, 3e-3, EPOCHS, 16, 2, 3, 512);
        try (Container train = Containers.open(trainPath); Container test = Containers.open(testPath);
             OcrTrainer trainer = new OcrTrainer(train, test, options)) {
            double baseline = bestConstantGuess(train, test);
            List<OcrTrainer.EpochReport> reports = new ArrayList<>();
            trainer.run(r -> {
                reports.add(r);
                System.out.println("OcrTrainingTest " + r.line());
            });
            double first = reports.get(0).loss();
            double last = reports.get(reports.size() - 1).loss();
            double cer = reports.get(reports.size() - 1).cer();
            System.out.printf("OcrTrainingTest: best constant guess CER %.1f%%; %s%n", 100 * baseline, trainer.samplePredictions());
            assertTrue(last < LOSS_RATIO * first, "CTC loss falls clearly: first epoch " + first + ", last " + last);
            assertTrue(cer < baseline, "greedy decoding's CER " + cer + " beats the best constant guess's " + baseline);
            assertTrue(cer < 1, "CER " + cer + " below predicting nothing's 1");
        }
    }

    private static final int TRAIN_LINES = 480;
    private static final int EPOCHS = 9;
    private static final double LOSS_RATIO = 0.7;

    /** The CER of answering every test line with one training label, the best such label. */
    private static double bestConstantGuess(Container train, Container test) {
        Set<String> guesses = new LinkedHashSet<>(train.manifest().classes());
        double best = 1; // the empty guess
        for (String guess : guesses) {
            CharacterErrorRate cer = new CharacterErrorRate();
            for (int classId : test.classIds()) {
                cer.add(guess, test.manifest().label(classId));
            }
            best = Math.min(best, cer.rate());
        }
        return best;
    }
}
