package dev.bale.fuzz;

/** How a damaged case ended. Only CLEAN is acceptable. */
enum Outcome {
    /** Correct data (the damage hit bytes nothing reads), or an error naming the file or record. */
    CLEAN,
    /** An error, but one that names neither the file nor the record, or of a type that means a bug. */
    UNCLEAR,
    /** Data that differs from the source, delivered as good. */
    WRONG,
    /** The child JVM died. */
    CRASH,
    /** The case did not finish within its time limit. */
    HANG
}
