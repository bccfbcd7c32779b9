// Reads the records of a Bale container from C++, checking each one's CRC-32C, with no copy: a
// record is a view into a read-only memory map of the container's data file.
//
// Supported layouts, told apart by what is on disk:
//   - bin: a folder holding manifest.json, index.bin and data.bin, as Bale packs it;
//   - tfrecord: one file of tf.train.Example records, Bale's or anyone's. Random access comes from
//     the DALI-style "<file>.idx" sidecar ("offset size" per line) when there is one, else from one
//     walk over the record headers at open. A record's bytes are its first "image_raw" (else
//     "image/encoded") bytes value, its class id its first "label" (else "image/class/label") int64.
// LMDB environments and SQLite databases are not read here: open them with liblmdb or libsqlite3
// (the image bytes are the values of an LMDB, column img_data of table images in SQLite).
//
// Lifetime: a RecordView points into the reader's mapping and is valid while the Reader lives;
// nothing else invalidates it. The files must not be truncated or rewritten while the Reader lives
// (reading a mapped page that the file no longer has kills the process with SIGBUS).
//
// Damage is reported, never read through: every offset and length is checked against the file's
// size before memory is touched, and every problem throws a ReaderError naming the file, and the
// record when there is one. A Reader is immutable once constructed: any number of threads may call
// it at once.
#ifndef BALE_READER_H
#define BALE_READER_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bale/api.h"

namespace bale {

// A container that cannot be opened, or a record that fails its checks.
class BALE_API ReaderError : public std::runtime_error {
   public:
    explicit ReaderError(const std::string& message);
    ~ReaderError() override;  // out of line: its type_info is then the library's, which callers catch
};

// A record's bytes: data[0, size) inside the reader's memory map. Not owning, read-only.
struct RecordView {
    const uint8_t* data;
    size_t size;
};

// The CRC-32C (Castagnoli) of data[0, len), continuing from crc (0 to start): the checksum Bale's
// bin index and the TFRecord framing use. SSE4.2's crc32 instruction when the CPU has it.
BALE_API uint32_t crc32c(const void* data, size_t len, uint32_t crc = 0);

class BALE_API Reader {
   public:
    enum class Layout { bin, tfrecord };

    // Opens the container at path (a bin folder or a TFRecord file) and maps its data file.
    explicit Reader(const std::string& path);
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    Layout layout() const { return layout_; }
    const std::string& path() const { return path_; }
    size_t size() const { return count_; }

    // Record i's bytes (an encoded image), after checking its CRC-32C: against index.bin for bin,
    // both masked CRCs of its framing for tfrecord.
    RecordView record(size_t i) const;

    // Record i's class id. bin: from index.bin, no check of the data. tfrecord: from the record's
    // Example, so the record is checked as record(i) checks it.
    int32_t class_id(size_t i) const;

   private:
    // A read-only mapping of a whole file, unmapped by the destructor. An empty file maps nothing.
    class Mapping {
       public:
        explicit Mapping(const std::string& file);
        ~Mapping();
        Mapping(const Mapping&) = delete;
        Mapping& operator=(const Mapping&) = delete;
        const uint8_t* data() const { return data_; }
        size_t size() const { return size_; }

       private:
        const uint8_t* data_ = nullptr;
        size_t size_ = 0;
    };

    struct Example {
        RecordView image;
        int64_t label;
    };

    static Layout sniff(const std::string& path);
    void open_bin();
    void open_tfrecord();
    void check_index(size_t i) const;
    Example example(size_t i) const;
    [[noreturn]] void fail(size_t i, const std::string& what) const;

    const std::string path_;
    const Layout layout_;
    const std::string data_path_;  // the file the records are in: data.bin, or the TFRecord itself
    const Mapping data_;
    size_t count_ = 0;
    std::optional<Mapping> index_;  // bin: index.bin
    std::vector<uint64_t> starts_;  // tfrecord: record i, framing included, is data_[starts_[i], starts_[i + 1])
};

}  // namespace bale

#endif  // BALE_READER_H
