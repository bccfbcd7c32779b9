package dev.bale.container;

/** The version of this build, as Maven stamped it into the jar (or "dev" when run from classes). */
public final class Version {
    private Version() {
    }

    public static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
