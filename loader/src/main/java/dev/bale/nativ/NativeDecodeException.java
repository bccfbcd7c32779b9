package dev.bale.nativ;

/**
 * {@code bale::decode_transform} refused a sample; the message is the native one. {@link #status()}
 * tells bad data ({@link BaleNative#STATUS_UNDECODABLE}, {@link BaleNative#STATUS_BAD_GEOMETRY})
 * from a caller's mistake ({@link BaleNative#STATUS_BAD_PARAMS}) and OpenCV failures
 * ({@link BaleNative#STATUS_OPENCV_ERROR}).
 */
public class NativeDecodeException extends RuntimeException {
    private final int status;

    public NativeDecodeException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** One of the {@code BaleNative.STATUS_*} values other than OK. */
    public int status() {
        return status;
    }
}
