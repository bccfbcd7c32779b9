package dev.bale.container.foreign;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A numpy array rebuilt from its pickled state by reading data, never by calling numpy: pickle
 * stores {@code _reconstruct(ndarray, (0,), b'b')} and then {@code BUILD} with
 * {@code (version, shape, dtype, is_fortran, raw_bytes)}. Only uint8 arrays are accepted, and the
 * shape must account for exactly the bytes stored.
 */
final class NdArray {
    int[] shape;
    boolean fortran;
    ByteBuffer data;

    static NdArray reconstruct(Object[] args) {
        return new NdArray();
    }

    void setState(Object state) {
        if (!(state instanceof Object[] s) || s.length != 5) {
            throw new PickleRefusedException("numpy array state is not (version, shape, dtype, fortran, data)");
        }
        if (!(s[1] instanceof Object[] dims) || dims.length < 1 || dims.length > 3) {
            throw new PickleRefusedException("numpy array shape is not a tuple of 1 to 3 sizes");
        }
        if (!(s[2] instanceof DType dtype) || !dtype.isUint8()) {
            throw new PickleRefusedException("numpy array is not of dtype uint8 (" + s[2] + ")");
        }
        ByteBuffer bytes = s[4] instanceof ByteBuffer view ? view : s[4] instanceof byte[] array ? ByteBuffer.wrap(array) : null;
        if (bytes == null) {
            throw new PickleRefusedException("numpy array data is not a byte string");
        }
        shape = new int[dims.length];
        long product = 1;
        for (int d = 0; d < dims.length; d++) {
            if (!(dims[d] instanceof Number n) || n.longValue() <= 0 || n.longValue() > Integer.MAX_VALUE) {
                throw new PickleRefusedException("numpy array shape " + Arrays.deepToString(dims) + " is not positive");
            }
            shape[d] = n.intValue();
            product *= n.longValue();
        }
        if (product != bytes.remaining()) {
            throw new PickleRefusedException("numpy array shape " + Arrays.toString(shape) + " needs " + product
                    + " bytes, " + bytes.remaining() + " are stored");
        }
        fortran = Boolean.TRUE.equals(s[3]);
        data = bytes;
    }

    /** A numpy dtype; only its type string is kept. */
    static final class DType {
        final String descr;

        private DType(String descr) {
            this.descr = descr;
        }

        static DType of(Object[] args) {
            if (args.length < 1 || !(args[0] instanceof String descr)) {
                throw new PickleRefusedException("numpy.dtype without a type string");
            }
            return new DType(descr);
        }

        void setState(Object state) {
            // (version, byte order, subarray, names, fields, itemsize, alignment, flags): nothing in it
            // changes what a uint8 is.
        }

        boolean isUint8() {
            return descr.equals("u1") || descr.equals("|u1") || descr.equals("uint8");
        }

        @Override
        public String toString() {
            return "dtype " + descr;
        }
    }
}
