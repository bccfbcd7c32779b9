package dev.bale.container.tfrecord;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds one feature inside a serialized {@code tf.train.Example} without parsing the rest, and
 * without copying: a bytes feature comes back as a slice of the record's own buffer (so of the
 * memory map). Field numbers are those of {@code example.proto}.
 */
final class ExampleFields {
    private static final int EXAMPLE_FEATURES = 1;
    private static final int FEATURES_ENTRY = 1;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;
    private static final int FEATURE_BYTES = 1;
    private static final int FEATURE_INT64 = 3;
    private static final int LIST_VALUE = 1;

    private ExampleFields() {
    }

    /** The first value of bytes feature {@code name}, as a slice of {@code example}; null if absent. */
    static ByteBuffer firstBytes(ByteBuffer example, String name) throws IOException {
        ByteBuffer feature = feature(example, name);
        if (feature == null) {
            return null;
        }
        ByteBuffer list = field(feature, FEATURE_BYTES);
        return list == null ? null : lengthDelimited(list, LIST_VALUE, true);
    }

    /** The first value of int64 feature {@code name}; null if absent or empty. */
    static Long firstInt64(ByteBuffer example, String name) throws IOException {
        ByteBuffer feature = feature(example, name);
        ByteBuffer list = feature == null ? null : field(feature, FEATURE_INT64);
        if (list == null) {
            return null;
        }
        CodedInputStream in = CodedInputStream.newInstance(list);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != LIST_VALUE) {
                in.skipField(tag);
            } else if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = in.readRawVarint32(); // packed
                return length == 0 ? null : in.readInt64();
            } else {
                return in.readInt64();
            }
        }
        return null;
    }

    /** The serialized {@code Feature} stored under {@code name}, or null. */
    private static ByteBuffer feature(ByteBuffer example, String name) throws IOException {
        ByteBuffer features = field(example, EXAMPLE_FEATURES);
        if (features == null) {
            return null;
        }
        CodedInputStream in = CodedInputStream.newInstance(features);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != FEATURES_ENTRY
                    || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int length = in.readRawVarint32();
            int start = in.getTotalBytesRead();
            checkInside(features, start, length, FEATURES_ENTRY);
            ByteBuffer entry = features.slice(start, length);
            in.skipRawBytes(length);
            if (name.equals(entryKey(entry))) {
                return field(entry, ENTRY_VALUE);
            }
        }
        return null;
    }

    private static String entryKey(ByteBuffer entry) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(entry);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == ENTRY_KEY) {
                return in.readStringRequireUtf8();
            }
            in.skipField(tag);
        }
        return "";
    }

    /**
     * Checks that a length-delimited field lies inside its message before it is sliced: a damaged
     * or hostile Example may give a negative length, or one that overflows {@code start + length}.
     */
    private static void checkInside(ByteBuffer message, int start, int length, int number) throws IOException {
        if (length < 0 || length > message.limit() - start) {
            throw new IOException("field " + number + " (" + length + " bytes at " + start
                    + ") runs past the end of its message (" + message.limit() + " bytes)");
        }
    }

    /** A singular message field: its last occurrence, as protobuf merges repeats. */
    private static ByteBuffer field(ByteBuffer message, int number) throws IOException {
        return lengthDelimited(message, number, false);
    }

    /** A length-delimited field of {@code message} as a slice: the first occurrence or the last. */
    private static ByteBuffer lengthDelimited(ByteBuffer message, int number, boolean first) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(message);
        ByteBuffer found = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == number
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int length = in.readRawVarint32();
                int start = in.getTotalBytesRead();
                checkInside(message, start, length, number);
                ByteBuffer value = message.slice(start, length);
                if (first) {
                    return value;
                }
                found = value;
                in.skipRawBytes(length);
            } else {
                in.skipField(tag);
            }
        }
        return found;
    }
}
