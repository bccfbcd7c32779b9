package dev.bale.spark;

import dev.bale.container.Layout;
import dev.bale.pack.PackOptions;
import java.io.Serializable;

/** The pack options a task needs, in a form Spark can ship ({@link PackOptions} is not Serializable). */
record JobSettings(Layout layout, int threads, boolean check, PackOptions.OnBad onBad) implements Serializable {

    static JobSettings of(PackOptions options) {
        return new JobSettings(options.layout(), options.threads(), options.check(), options.onBad());
    }

    PackOptions options() {
        return new PackOptions(layout, threads, check, onBad, true);
    }
}
