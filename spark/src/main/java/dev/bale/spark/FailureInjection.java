package dev.bale.spark;

import java.io.IOException;
import org.apache.spark.TaskContext;

/**
 * For tests that prove retries lose and duplicate nothing: {@code -Dbale.spark.test.failFirstAttempt=1:staged,3:committed}
 * makes the first attempt of shard 1 fail once its files are uploaded but not yet renamed into place,
 * and the first attempt of shard 3 once its shard is in place. Later attempts run normally.
 */
final class FailureInjection {
    static final String PROPERTY = "bale.spark.test.failFirstAttempt";

    private FailureInjection() {
    }

    static void reached(int shard, String point) throws IOException {
        String spec = System.getProperty(PROPERTY);
        TaskContext task = TaskContext.get();
        if (spec == null || task == null || task.attemptNumber() != 0) {
            return;
        }
        for (String item : spec.split(",")) {
            if (item.trim().equals(shard + ":" + point)) {
                throw new IOException("injected failure: shard " + shard + ", first attempt, " + point);
            }
        }
    }
}
