package dev.bale.container.foreign;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A small pickle encoder for tests, written from the pickle protocol (protocols 2 and 4), so that
 * CI never needs Python: it writes the same object shapes Python does for the tutorial's class,
 * tuples of (array, label), numpy arrays (as numpy pickles them) and calls of arbitrary globals.
 */
final class PickleWriter {
    /** An instance of a class: pickled as NEWOBJ of the class with no arguments, then BUILD with its dict. */
    record Obj(String module, String name, Map<String, Object> attributes) {
    }

    /** A call of a global with arguments: REDUCE (what a __reduce__ that runs code produces). */
    record Call(String module, String name, Object[] args) {
    }

    /** A uint8 numpy array of the given shape, as numpy pickles it (_reconstruct, then BUILD). */
    record Array(int[] shape, byte[] data) {
    }

    /** A global itself, not called (an argument, like numpy.ndarray in numpy's pickles). */
    record Global(String module, String name) {
    }

    /** {@code value}, then BUILD with {@code state}. */
    record Built(Object value, Object state) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int protocol;

    private PickleWriter(int protocol) {
        this.protocol = protocol;
    }

    static byte[] dumps(Object value, int protocol) {
        if (protocol != 2 && protocol != 4) {
            throw new IllegalArgumentException("protocol 2 or 4");
        }
        PickleWriter w = new PickleWriter(protocol);
        w.out.write(0x80);
        w.out.write(protocol);
        w.write(value);
        w.out.write('.');
        return w.out.toByteArray();
    }

    /** The tutorial's LMDB_Image, defined in __main__. */
    static Obj lmdbImage(int height, int width, int channels, byte[] pixels, Object label) {
        return new Obj("__main__", "LMDB_Image", new java.util.LinkedHashMap<>(Map.of(
                "channels", channels, "size", new Object[] {height, width}, "image", pixels, "label", label)));
    }

    private void write(Object v) {
        if (v == null) {
            out.write('N');
        } else if (v instanceof Boolean b) {
            out.write(b ? 0x88 : 0x89);
        } else if (v instanceof Integer i) {
            writeInt(i);
        } else if (v instanceof String s) {
            writeString(s);
        } else if (v instanceof byte[] b) {
            writeBytes(b);
        } else if (v instanceof Object[] tuple) {
            writeTuple(tuple);
        } else if (v instanceof List<?> list) {
            out.write(']');
            if (!list.isEmpty()) {
                out.write('(');
                list.forEach(this::write);
                out.write('e');
            }
        } else if (v instanceof Map<?, ?> map) {
            out.write('}');
            if (!map.isEmpty()) {
                out.write('(');
                map.forEach((k, val) -> {
                    write(k);
                    write(val);
                });
                out.write('u');
            }
        } else if (v instanceof Obj o) {
            global(o.module(), o.name());
            out.write(')');
            out.write(0x81); // NEWOBJ
            write(o.attributes());
            out.write('b'); // BUILD
        } else if (v instanceof Call c) {
            global(c.module(), c.name());
            writeTuple(c.args());
            out.write('R');
        } else if (v instanceof Global g) {
            global(g.module(), g.name());
        } else if (v instanceof Built b) {
            write(b.value());
            write(b.state());
            out.write('b');
        } else if (v instanceof Array a) {
            write(new Call("numpy.core.multiarray", "_reconstruct", new Object[] {new Global("numpy", "ndarray"),
                    new Object[] {0}, "b".getBytes(StandardCharsets.US_ASCII)}));
            Object dtype = new Built(new Call("numpy", "dtype", new Object[] {"u1", false, true}),
                    new Object[] {3, "|", null, null, null, -1, -1, 0});
            writeTuple(new Object[] {1, java.util.Arrays.stream(a.shape()).boxed().toArray(), dtype, false, a.data()});
            out.write('b');
        } else {
            throw new IllegalArgumentException("cannot pickle " + v.getClass());
        }
    }

    private void writeInt(int i) {
        if (i >= 0 && i < 256) {
            out.write('K');
            out.write(i);
        } else if (i >= 0 && i < 65536) {
            out.write('M');
            out.write(i & 0xFF);
            out.write(i >>> 8);
        } else {
            out.write('J');
            le32(i);
        }
    }

    private void writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (protocol >= 4 && utf8.length < 256) {
            out.write(0x8c);
            out.write(utf8.length);
        } else {
            out.write('X');
            le32(utf8.length);
        }
        out.writeBytes(utf8);
    }

    private void writeBytes(byte[] b) {
        if (protocol >= 3) {
            if (b.length < 256) {
                out.write('C');
                out.write(b.length);
            } else {
                out.write('B');
                le32(b.length);
            }
            out.writeBytes(b);
            return;
        }
        // Protocol 2 has no bytes type: Python 3 writes _codecs.encode(latin-1 text, 'latin1').
        global("_codecs", "encode");
        writeTuple(new Object[] {new String(b, StandardCharsets.ISO_8859_1), "latin1"});
        out.write('R');
    }

    private void writeTuple(Object[] tuple) {
        switch (tuple.length) {
            case 0 -> out.write(')');
            case 1, 2, 3 -> {
                for (Object o : tuple) {
                    write(o);
                }
                out.write(0x84 + tuple.length);
            }
            default -> {
                out.write('(');
                for (Object o : tuple) {
                    write(o);
                }
                out.write('t');
            }
        }
    }

    private void global(String module, String name) {
        if (protocol >= 4) {
            writeString(module);
            writeString(name);
            out.write(0x93); // STACK_GLOBAL
        } else {
            out.write('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void le32(int v) {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
        out.write((v >>> 16) & 0xFF);
        out.write((v >>> 24) & 0xFF);
    }
}
