package dev.bale.loader;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.bale.sample.ElasticSampler;
import java.util.List;

/**
 * Where a run stands, for an elastic resume: the seed, the epoch, and the stretches of that epoch
 * already run (world size and samples taken per rank). Small, and JSON for checkpoints.
 */
public record LoaderState(long seed, int epoch, List<ElasticSampler.Segment> segments) {
    private static final Gson GSON = new Gson();

    public LoaderState {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative");
        }
        segments = List.copyOf(segments);
    }

    /** Samples of the epoch taken by all ranks together (padding included). */
    public long samplesSeen() {
        return segments.stream().mapToLong(s -> s.world() * s.samplesPerRank()).sum();
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public static LoaderState fromJson(String json) {
        try {
            LoaderState state = GSON.fromJson(json, LoaderState.class);
            if (state == null || state.segments() == null) {
                throw new IllegalArgumentException("not a loader state: " + json);
            }
            return state;
        } catch (JsonParseException | NullPointerException e) {
            throw new IllegalArgumentException("not a loader state: " + e.getMessage(), e);
        }
    }
}
