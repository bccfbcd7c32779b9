package dev.bale.container.foreign;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The fields of one {@code caffe.Datum} (channels=1, height=2, width=3, data=4, label=5,
 * float_data=6, encoded=7), read in place: {@code data} is located, not copied, so that a reader
 * can hand out a slice of LMDB's map. protobuf's {@link CodedInputStream} checks every length
 * against the message.
 */
final class CaffeDatum {
    int channels;
    int height;
    int width;
    int dataOffset = -1;
    int dataLength;
    int label;
    boolean hasLabel;
    boolean floatData;
    boolean encoded;

    /** Parses {@code value} from its position; offsets are relative to that position. */
    static CaffeDatum parse(ByteBuffer value) throws IOException {
        CaffeDatum d = new CaffeDatum();
        CodedInputStream in = CodedInputStream.newInstance(value.duplicate());
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return d;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            int wire = WireFormat.getTagWireType(tag);
            switch (field) {
                case 1, 2, 3, 5, 7 -> {
                    if (wire != WireFormat.WIRETYPE_VARINT) {
                        throw new IOException("Datum field " + field + " has wire type " + wire + ", not varint");
                    }
                    long v = in.readInt64();
                    switch (field) {
                        case 1 -> d.channels = (int) v;
                        case 2 -> d.height = (int) v;
                        case 3 -> d.width = (int) v;
                        case 5 -> {
                            d.label = (int) v;
                            d.hasLabel = true;
                        }
                        default -> d.encoded = v != 0;
                    }
                }
                case 4 -> {
                    if (wire != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        throw new IOException("Datum field data has wire type " + wire);
                    }
                    int length = in.readRawVarint32();
                    if (length < 0) {
                        throw new IOException("Datum data has a negative length");
                    }
                    d.dataOffset = in.getTotalBytesRead();
                    d.dataLength = length;
                    in.skipRawBytes(length);
                }
                case 6 -> {
                    d.floatData = true;
                    in.skipField(tag);
                }
                default -> {
                    if (!in.skipField(tag)) {
                        return d;
                    }
                }
            }
        }
    }
}
