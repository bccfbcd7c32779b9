package dev.bale.container.foreign;

import dev.bale.container.RawPixels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What one pickled record holds, read from the unpickled data: an object of the user's class with
 * {@code channels}, {@code size} ((h, w)), {@code image} (HWC uint8 bytes, RGB as PIL gives them, or
 * an array) and {@code label}; or an {@code (array, label)} tuple; or a {@code (encoded bytes, label)}
 * tuple. Anything else is refused with what was found.
 *
 * @param pixels    the image bytes (a view of the pickle where it stored them as bytes): raw pixels, or an
 *                  encoded image when {@code raw} is null
 * @param raw       the pixels' layout, or null for encoded bytes
 * @param label     the label as text, or null
 * @param className the user's class, or "tuple"
 */
record PickledImage(ByteBuffer pixels, RawPixels raw, String label, String className) {

    static PickledImage of(Object unpickled) {
        if (unpickled instanceof SafeUnpickler.PyObject object) {
            Map<Object, Object> a = object.attributes;
            Object image = a.get("image");
            String label = label(a.get("label"));
            if (image instanceof NdArray array) {
                return new PickledImage(array.data, shape(array), label, object.className);
            }
            ByteBuffer bytes = bytes(image);
            if (bytes == null) {
                throw new PickleRefusedException(object.className + " has no image bytes (attributes " + a.keySet() + ")");
            }
            if (a.get("size") instanceof Object[] size && size.length == 2 && a.get("channels") instanceof Number channels) {
                RawPixels raw = rgb(number(size[0]), number(size[1]), channels.intValue());
                if (raw.bytes() == bytes.remaining()) {
                    return new PickledImage(bytes, raw, label, object.className);
                }
                if (!looksEncoded(bytes)) {
                    throw new PickleRefusedException(object.className + " says size " + raw.height() + "x" + raw.width()
                            + " with " + raw.channels() + " channels (" + raw.bytes() + " bytes) but its image holds "
                            + bytes.remaining() + " bytes");
                }
            }
            if (looksEncoded(bytes)) {
                return new PickledImage(bytes, null, label, object.className);
            }
            throw new PickleRefusedException(object.className + " has image bytes but no size and channels");
        }
        if (unpickled instanceof Object[] tuple && tuple.length == 2) {
            String label = label(tuple[1]);
            if (tuple[0] instanceof NdArray array) {
                return new PickledImage(array.data, shape(array), label, "tuple");
            }
            ByteBuffer bytes = bytes(tuple[0]);
            if (bytes != null && looksEncoded(bytes)) {
                return new PickledImage(bytes, null, label, "tuple");
            }
            throw new PickleRefusedException("a tuple whose first item is neither an array nor an encoded image");
        }
        throw new PickleRefusedException("a pickled " + pythonType(unpickled) + ", not an image object or an (image, label) tuple");
    }

    private static String pythonType(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof java.util.Map) {
            return "dict";
        }
        if (o instanceof java.util.List) {
            return "list";
        }
        if (o instanceof Object[] tuple) {
            return tuple.length + "-tuple";
        }
        if (o instanceof byte[] || o instanceof ByteBuffer) {
            return "bytes";
        }
        return o instanceof String ? "str" : o instanceof Number ? "number" : o.getClass().getSimpleName();
    }

    private static RawPixels shape(NdArray array) {
        if (array.fortran) {
            throw new PickleRefusedException("numpy array in Fortran order");
        }
        int[] s = array.shape;
        if (s.length == 2 || (s.length == 3 && s[2] == 1)) {
            return rgb(s[0], s[1], 1);
        }
        if (s.length == 3) {
            return rgb(s[0], s[1], s[2]);
        }
        throw new PickleRefusedException("numpy array of " + s.length + " dimensions is not an image");
    }

    private static RawPixels rgb(int height, int width, int channels) {
        try {
            return new RawPixels(height, width, channels, false, false);
        } catch (IllegalArgumentException e) {
            throw new PickleRefusedException("image shape: " + e.getMessage());
        }
    }

    private static int number(Object o) {
        if (o instanceof Number n && n.longValue() > 0 && n.longValue() <= RawPixels.MAX_SIDE) {
            return n.intValue();
        }
        throw new PickleRefusedException("image size " + o + " is not a side of 1.." + RawPixels.MAX_SIDE);
    }

    private static String label(Object label) {
        if (label == null) {
            return null;
        }
        if (label instanceof Number || label instanceof String) {
            return label.toString();
        }
        ByteBuffer bytes = bytes(label);
        if (bytes != null) {
            return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
        }
        if (label instanceof Boolean) {
            return label.toString();
        }
        throw new PickleRefusedException("label is a " + label.getClass().getSimpleName() + ", not a number or text");
    }

    private static boolean looksEncoded(ByteBuffer bytes) {
        return !"unknown".equals(ForeignContainer.encodedFormat(bytes));
    }

    /** Python bytes: a view (protocol 3+) or an array (protocol 2's _codecs.encode); null otherwise. */
    private static ByteBuffer bytes(Object o) {
        return o instanceof ByteBuffer view ? view : o instanceof byte[] array ? ByteBuffer.wrap(array) : null;
    }
}
