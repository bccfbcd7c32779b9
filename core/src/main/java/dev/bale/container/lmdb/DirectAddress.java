package dev.bale.container.lmdb;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/** The native address of a direct buffer's position (JavaCPP reads it without reflection tricks). */
public final class DirectAddress {
    private DirectAddress() {
    }

    public static long of(ByteBuffer direct) {
        try (Pointer pointer = new Pointer(direct)) {
            return pointer.address() + pointer.position();
        }
    }

    /**
     * The address at which LMDB mapped its file, worked out from a value that lies inside the map.
     * LMDB does not tell: {@code mdb_env_info}'s {@code me_mapaddr} is the meta page's
     * {@code mm_address}, which only {@code MDB_FIXEDMAP} sets (otherwise it is 0). But the map
     * starts on a page boundary, so the page holding the value starts at the value's address
     * rounded down to the page size, and every LMDB page header begins with its own page number
     * (native order). The caller checks the result against the file.
     */
    public static long mapAddress(ByteBuffer valueInMap, int pageSize) {
        long value = of(valueInMap);
        long intoPage = Math.floorMod(value, (long) pageSize);
        long pageNumber;
        try (BytePointer pointer = new BytePointer(valueInMap)) {
            pageNumber = pointer.getLong(-intoPage);
        }
        return value - intoPage - pageNumber * pageSize;
    }
}
