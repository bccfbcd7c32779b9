package dev.bale.container.foreign;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * An unpickler for untrusted data. razorvine's {@link Unpickler} parses the opcodes (it never runs
 * Python, but it resolves globals through a process-wide registry and allocates whatever a length
 * claims); this subclass takes over every opcode that names or calls a global, and checks every
 * declared length against the bytes that are left before anything is allocated:
 * <ul>
 * <li>a global is resolved only to plain data builders: numpy's array and dtype reconstruction,
 *     {@code _codecs.encode} (how protocol 2 stores bytes) and {@code copyreg._reconstructor};</li>
 * <li>any other global is taken to be the user's class and recorded by name ({@link PyObject});
 *     it may only be instantiated the way pickle instantiates a class ({@code NEWOBJ} with no
 *     arguments, or {@code copyreg._reconstructor}), then filled by {@code BUILD} with a dict;</li>
 * <li>calling such a global ({@code REDUCE}, {@code OBJ}, {@code INST}) is refused, and globals of
 *     modules that can only mean code ({@code os}, {@code builtins}, {@code subprocess}, ...) are
 *     refused as soon as they are named.</li>
 * </ul>
 * Not thread-safe: one per reader.
 */
final class SafeUnpickler extends Unpickler {
    /** Modules a data pickle never names; anything from them is refused on sight. */
    private static final Set<String> CODE_MODULES = Set.of("os", "posix", "nt", "subprocess", "sys", "builtins",
            "__builtin__", "shutil", "importlib", "pickle", "_pickle", "socket", "io", "codecs", "runpy", "pty",
            "ctypes", "types", "operator", "functools", "marshal", "webbrowser", "platform", "code", "commands",
            "pdb", "timeit", "multiprocessing", "threading", "signal", "tempfile", "glob", "pathlib", "inspect");

    private final Map<String, IObjectConstructor> allowed = new HashMap<>();
    private Source in;

    SafeUnpickler() {
        IObjectConstructor reconstruct = args -> NdArray.reconstruct(args);
        allowed.put("numpy.core.multiarray._reconstruct", reconstruct);
        allowed.put("numpy._core.multiarray._reconstruct", reconstruct);
        allowed.put("numpy.ndarray", args -> {
            throw new PickleRefusedException("numpy.ndarray called directly");
        });
        allowed.put("numpy.dtype", args -> NdArray.DType.of(args));
        allowed.put("_codecs.encode", SafeUnpickler::latin1);
        IObjectConstructor reconstructor = args -> {
            if (args.length < 1 || !(args[0] instanceof ClassRef ref)) {
                throw new PickleRefusedException("copyreg._reconstructor on something that is not a class");
            }
            return new PyObject(ref.name());
        };
        allowed.put("copyreg._reconstructor", reconstructor);
        allowed.put("copy_reg._reconstructor", reconstructor);
        allowed.put("builtins.object", args -> {
            throw new PickleRefusedException("builtins.object called directly");
        });
        allowed.put("__builtin__.object", allowed.get("builtins.object"));
    }

    /**
     * Unpickles the remaining bytes of {@code value} (not consumed). Python {@code bytes} come back as
     * views of {@code value} ({@link ByteBuffer}), valid as long as it is; text and numbers as razorvine
     * gives them.
     */
    Object load(ByteBuffer value) throws IOException {
        in = new Source(value.duplicate());
        try {
            return load(in);
        } finally {
            stack = null;
            memo.clear();
        }
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> stack.add(resolve(PickleUtils.readline(input), PickleUtils.readline(input)));
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL without two strings");
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> throw new PickleRefusedException("calls " + PickleUtils.readline(input) + "."
                    + PickleUtils.readline(input) + " (INST), which is not allowed");
            case Opcodes.OBJ -> throw new PickleRefusedException("calls a class with arguments (OBJ), which is not allowed");
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (callable instanceof ClassRef ref) {
                    throw new PickleRefusedException("calls " + ref.name() + ", which is not on the allow-list");
                }
                if (!(callable instanceof IObjectConstructor constructor) || !(args instanceof Object[] array)) {
                    throw new PickleException("REDUCE on something that is not a callable and its arguments");
                }
                stack.add(constructor.construct(array));
            }
            case Opcodes.NEWOBJ, Opcodes.NEWOBJ_EX -> {
                if (key == Opcodes.NEWOBJ_EX) {
                    stack.pop(); // keyword arguments: checked below with the rest
                }
                Object args = stack.pop();
                Object cls = stack.pop();
                if (!(cls instanceof ClassRef ref)) {
                    throw new PickleRefusedException("NEWOBJ on " + describe(cls) + ", which is not a class");
                }
                if (!(args instanceof Object[] array) || array.length != 0) {
                    throw new PickleRefusedException("creates " + ref.name() + " with arguments, which is not allowed");
                }
                stack.add(new PyObject(ref.name()));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (target instanceof PyObject object) {
                    object.setState(state);
                } else if (target instanceof NdArray array) {
                    array.setState(state);
                } else if (target instanceof NdArray.DType dtype) {
                    dtype.setState(state);
                } else {
                    throw new PickleRefusedException("sets the state of " + describe(target) + ", which is not allowed");
                }
            }
            case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4, Opcodes.PERSID, Opcodes.BINPERSID, Opcodes.NEXT_BUFFER ->
                    throw new PickleRefusedException("uses opcode 0x" + Integer.toHexString(key) + ", which is not allowed");
            // Bytes become views of the value, not copies: an image's pixels are handed out in place.
            case Opcodes.SHORT_BINBYTES -> stack.add(in.slice(in.length(1)));
            case Opcodes.BINBYTES -> stack.add(in.slice(in.length(4)));
            case Opcodes.BINBYTES8 -> stack.add(in.slice(in.length(8)));
            case Opcodes.BINUNICODE, Opcodes.BINSTRING, Opcodes.LONG4 -> {
                in.checkLength(4);
                return super.dispatch(key);
            }
            case Opcodes.BINUNICODE8, Opcodes.BYTEARRAY8 -> {
                in.checkLength(8);
                return super.dispatch(key);
            }
            default -> {
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    private Object resolve(String module, String name) {
        String global = module + "." + name;
        IObjectConstructor constructor = allowed.get(global);
        if (constructor != null) {
            return constructor;
        }
        String top = module.contains(".") ? module.substring(0, module.indexOf('.')) : module;
        if (CODE_MODULES.contains(top) || module.startsWith("numpy") || module.startsWith("copyreg")
                || module.startsWith("copy_reg") || module.startsWith("_codecs")) {
            throw new PickleRefusedException("names the global " + global + ", which is not on the allow-list");
        }
        return new ClassRef(global);
    }

    private static Object latin1(Object[] args) {
        if (args.length == 0 || args.length > 2 || !(args[0] instanceof String text)) {
            throw new PickleRefusedException("_codecs.encode with unexpected arguments");
        }
        if (args.length == 2 && !"latin1".equals(args[1]) && !"latin-1".equals(args[1])) {
            throw new PickleRefusedException("_codecs.encode to " + args[1] + ", only latin1 is allowed");
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof IObjectConstructor ? "an allowed function" : o.getClass().getSimpleName();
    }

    /** A global that is not on the allow-list: the user's class, known by its name only. */
    record ClassRef(String name) {
    }

    /** An instance of a user class: its name and its attributes, nothing else. */
    static final class PyObject {
        final String className;
        final Map<Object, Object> attributes = new HashMap<>();

        PyObject(String className) {
            this.className = className;
        }

        void setState(Object state) {
            Object dict = state;
            if (state instanceof Object[] pair && pair.length == 2) {
                dict = pair[0]; // (dict, slots) from a class with __slots__ is not expected; take the dict
            }
            if (!(dict instanceof Map<?, ?> map)) {
                throw new PickleRefusedException("state of " + className + " is not a dict");
            }
            attributes.putAll(map);
        }
    }

    /** The pickle's bytes: knows how many are left, so a declared length is checked before it is allocated. */
    private static final class Source extends InputStream {
        private final ByteBuffer bytes;

        Source(ByteBuffer bytes) {
            this.bytes = bytes;
        }

        /** The next {@code width} bytes are a little-endian length: it must fit in what follows them. */
        void checkLength(int width) {
            if (bytes.remaining() < width) {
                throw new PickleException("pickle ends inside a length");
            }
            ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long length = width == 4 ? Integer.toUnsignedLong(le.getInt()) : le.getLong();
            if (length < 0 || length > bytes.remaining() - width) {
                throw new PickleException("a length of " + Long.toUnsignedString(length) + " bytes is declared, only "
                        + (bytes.remaining() - width) + " follow");
            }
        }

        /** Reads a little-endian length of {@code width} bytes and checks that that many bytes follow it. */
        int length(int width) {
            if (width > 1) {
                checkLength(width);
            } else if (!bytes.hasRemaining()) {
                throw new PickleException("pickle ends inside a length");
            }
            ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            long length = width == 1 ? le.get() & 0xFF : width == 4 ? Integer.toUnsignedLong(le.getInt()) : le.getLong();
            bytes.position(bytes.position() + width);
            if (length > bytes.remaining()) {
                throw new PickleException("a length of " + length + " bytes is declared, only " + bytes.remaining() + " follow");
            }
            return (int) length;
        }

        /** The next {@code length} bytes, as a view. */
        ByteBuffer slice(int length) {
            ByteBuffer view = bytes.slice(bytes.position(), length);
            bytes.position(bytes.position() + length);
            return view;
        }

        @Override
        public int read() {
            return bytes.hasRemaining() ? bytes.get() & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!bytes.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, bytes.remaining());
            bytes.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return bytes.remaining();
        }
    }
}
