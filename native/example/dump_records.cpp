// Lists the records of a Bale container as bale::Reader reads them, one line each:
//
//   dump_records CONTAINER
//
//   # CONTAINER: LAYOUT, N records
//   INDEX CLASS_ID LENGTH CRC32C      (CRC-32C of the record's bytes, 8 hex digits)
//
// A record that fails its checks is reported on stderr and skipped, and the exit status is 1; so it
// is when the container does not open.
#include "bale/reader.h"

#include <cstdio>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CONTAINER\n", argv[0]);
        return 2;
    }
    try {
        const bale::Reader reader(argv[1]);
        std::printf("# %s: %s, %zu records\n", argv[1], reader.layout() == bale::Reader::Layout::bin ? "bin" : "tfrecord",
                    reader.size());
        int status = 0;
        for (size_t i = 0; i < reader.size(); i++) {
            try {
                const int32_t class_id = reader.class_id(i);
                const bale::RecordView bytes = reader.record(i);
                std::printf("%zu %d %zu %08x\n", i, class_id, bytes.size, bale::crc32c(bytes.data, bytes.size));
            } catch (const bale::ReaderError& e) {
                std::fprintf(stderr, "%s\n", e.what());
                status = 1;
            }
        }
        return status;
    } catch (const bale::ReaderError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
