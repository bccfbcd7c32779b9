package dev.bale.spark;

import org.apache.spark.sql.sources.And;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.Not;
import org.apache.spark.sql.sources.Or;

/**
 * Which shards a filter on {@code shard} or {@code index} can match, so that {@code WHERE shard = 3}
 * or {@code WHERE index < 1000} opens only the shards that hold such rows. Conservative: a filter it
 * does not understand may match anything. Spark still evaluates every filter on the rows.
 */
final class ShardFilter {
    private ShardFilter() {
    }

    /** Whether {@code filter} may hold for a row of shard {@code shard}, whose indices are [start, end). */
    static boolean mayMatch(Filter filter, int shard, long start, long end) {
        if (filter instanceof And and) {
            return mayMatch(and.left(), shard, start, end) && mayMatch(and.right(), shard, start, end);
        }
        if (filter instanceof Or or) {
            return mayMatch(or.left(), shard, start, end) || mayMatch(or.right(), shard, start, end);
        }
        if (filter instanceof Not not) {
            // Exact for the shard column alone (one value per shard); anything else may match.
            return !onShardOnly(not.child()) || !mayMatch(not.child(), shard, start, end);
        }
        if (filter instanceof EqualTo f) {
            return within(f.attribute(), f.value(), shard, start, end);
        }
        if (filter instanceof EqualNullSafe f) {
            return within(f.attribute(), f.value(), shard, start, end);
        }
        if (filter instanceof In f) {
            for (Object value : f.values()) {
                if (within(f.attribute(), value, shard, start, end)) {
                    return true;
                }
            }
            return !isRange(f.attribute());
        }
        if (filter instanceof GreaterThan f) {
            return compare(f.attribute(), f.value(), shard, end - 1, ">");
        }
        if (filter instanceof GreaterThanOrEqual f) {
            return compare(f.attribute(), f.value(), shard, end - 1, ">=");
        }
        if (filter instanceof LessThan f) {
            return compare(f.attribute(), f.value(), shard, start, "<");
        }
        if (filter instanceof LessThanOrEqual f) {
            return compare(f.attribute(), f.value(), shard, start, "<=");
        }
        return true;
    }

    private static boolean isRange(String attribute) {
        return attribute.equals("shard") || attribute.equals("index");
    }

    private static boolean onShardOnly(Filter filter) {
        String[] refs = filter.references();
        for (String ref : refs) {
            if (!ref.equals("shard")) {
                return false;
            }
        }
        return refs.length > 0 && !(filter instanceof Not);
    }

    private static boolean within(String attribute, Object value, int shard, long start, long end) {
        if (!(value instanceof Number number)) {
            return !isRange(attribute) || value != null;
        }
        long v = number.longValue();
        return switch (attribute) {
            case "shard" -> v == shard;
            case "index" -> v >= start && v < end;
            default -> true;
        };
    }

    /**
     * Whether {@code x op value} can hold, x being the shard number, or for {@code index} the shard's
     * largest index (for > and >=) or smallest (for < and <=).
     */
    private static boolean compare(String attribute, Object value, int shard, long extremeIndex, String op) {
        if (!(value instanceof Number number) || !isRange(attribute)) {
            return true;
        }
        long x = attribute.equals("shard") ? shard : extremeIndex;
        long v = number.longValue();
        return switch (op) {
            case ">" -> x > v;
            case ">=" -> x >= v;
            case "<" -> x < v;
            default -> x <= v;
        };
    }
}
