package dev.bale.loader;

/** What the loader does with a record that cannot be read or decoded. */
public enum BadSamplePolicy {
    /** The consumer gets a {@link LoaderException} naming the record index and key. */
    FAIL,
    /** The slot takes the next good sample in sampler order instead; the loader's stats count it. */
    SKIP
}
