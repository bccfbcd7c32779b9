#include "bale/reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iterator>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace bale {
namespace {

// index.bin: "BALEIDX1", u64 record count, then per record u64 offset, u32 length, u32 CRC-32C,
// i32 class id; all little-endian (BinIndex.java).
constexpr char kIndexMagic[8] = {'B', 'A', 'L', 'E', 'I', 'D', 'X', '1'};
constexpr size_t kIndexHeader = 16;
constexpr size_t kIndexEntry = 20;

// TFRecord framing: u64 length, u32 masked CRC of the length, data, u32 masked CRC of the data.
constexpr uint64_t kFrameHeader = 12;
constexpr uint64_t kFrameOverhead = 16;

constexpr char kSqliteMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f', 'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

const char* const kImageFeatures[] = {"image_raw", "image/encoded"};  // the first present wins
const char* const kLabelFeatures[] = {"label", "image/class/label"};

uint32_t le32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint64_t le64(const uint8_t* p) {
    return uint64_t(le32(p)) | uint64_t(le32(p + 4)) << 32;
}

constexpr std::array<uint32_t, 256> crc32c_table() {
    std::array<uint32_t, 256> table{};
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));  // reflected polynomial
        table[byte] = crc;
    }
    return table;
}

constexpr std::array<uint32_t, 256> kCrc32cTable = crc32c_table();

// crc is the running (inverted) state, as the crc32 instruction keeps it.
uint32_t crc32c_portable(uint32_t crc, const uint8_t* p, size_t n) {
    for (; n > 0; p++, n--) crc = (crc >> 8) ^ kCrc32cTable[(crc ^ *p) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc32c_sse42(uint32_t crc, const uint8_t* p, size_t n) {
    uint64_t wide = crc;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t word;
        std::memcpy(&word, p, sizeof word);
        wide = _mm_crc32_u64(wide, word);
    }
    crc = static_cast<uint32_t>(wide);
    for (; n > 0; p++, n--) crc = _mm_crc32_u8(crc, *p);
    return crc;
}
#endif

// TensorFlow's mask: rotate right by 15 and add a constant, so that the CRC of data that holds
// CRCs stays well distributed.
uint32_t masked_crc32c(const uint8_t* p, size_t n) {
    const uint32_t crc = crc32c(p, n);
    return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

bool exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

std::string describe_errno() {
    return std::strerror(errno);
}

// Reads the unsigned decimal number at p, after blanks, and moves p past it; false if there is
// none or it does not fit.
bool read_u64(const char*& p, uint64_t& value) {
    while (*p == ' ' || *p == '\t') p++;
    if (*p < '0' || *p > '9') return false;
    value = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        const unsigned digit = static_cast<unsigned>(*p - '0');
        if (value > (UINT64_MAX - digit) / 10) return false;
        value = value * 10 + digit;
    }
    return true;
}

// Whether a line of a .idx file is "offset size", blanks around.
bool read_idx_line(const std::string& line, uint64_t& offset, uint64_t& size) {
    const char* p = line.c_str();
    if (!read_u64(p, offset) || !read_u64(p, size)) return false;
    while (*p == ' ' || *p == '\t' || *p == '\r') p++;
    return *p == '\0';
}

// A damaged tf.train.Example. Reader::example adds the file and the record to the message.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Walks the fields of one serialized protobuf message, never past its end.
class ProtoFields {
   public:
    explicit ProtoFields(RecordView message) : at_(message.data), end_(message.data + message.size) {}

    // Reads the next field's tag; false at the end of the message.
    bool next() {
        if (at_ == end_) return false;
        const uint64_t tag = varint();
        number_ = tag >> 3;
        wire_ = static_cast<int>(tag & 7);
        if (number_ == 0) throw Malformed("field number 0");
        return true;
    }

    uint64_t number() const { return number_; }
    bool is_varint() const { return wire_ == 0; }
    bool is_length_delimited() const { return wire_ == 2; }

    uint64_t varint() {
        uint64_t value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (at_ == end_) throw Malformed("a varint runs past the end of its message");
            const uint8_t byte = *at_++;
            value |= uint64_t(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) return value;
        }
        throw Malformed("a varint is longer than 10 bytes");
    }

    // The value of the current field, which is length-delimited.
    RecordView bytes() {
        const uint64_t length = varint();
        if (length > remaining()) {
            throw Malformed("field " + std::to_string(number_) + " claims " + std::to_string(length) + " bytes, " +
                            std::to_string(remaining()) + " are left in its message");
        }
        const RecordView value{at_, static_cast<size_t>(length)};
        at_ += length;
        return value;
    }

    void skip() {
        switch (wire_) {
            case 0: varint(); break;
            case 1: advance(8); break;
            case 2: bytes(); break;
            case 5: advance(4); break;
            default: throw Malformed("field " + std::to_string(number_) + " has wire type " + std::to_string(wire_));
        }
    }

   private:
    size_t remaining() const { return static_cast<size_t>(end_ - at_); }

    void advance(size_t n) {
        if (n > remaining()) throw Malformed("field " + std::to_string(number_) + " runs past the end of its message");
        at_ += n;
    }

    const uint8_t* at_;
    const uint8_t* const end_;
    uint64_t number_ = 0;
    int wire_ = 0;
};

// Field numbers of example.proto.
constexpr uint64_t kExampleFeatures = 1, kFeaturesEntry = 1, kEntryKey = 1, kEntryValue = 2;
constexpr uint64_t kFeatureBytesList = 1, kFeatureInt64List = 3, kListValue = 1;

// The last occurrence of length-delimited field number, as protobuf merges a repeated singular
// field; {nullptr, 0} if absent.
RecordView last_message(RecordView message, uint64_t number) {
    RecordView found{nullptr, 0};
    ProtoFields fields(message);
    while (fields.next()) {
        if (fields.number() == number && fields.is_length_delimited()) {
            found = fields.bytes();
        } else {
            fields.skip();
        }
    }
    return found;
}

bool same(RecordView bytes, const char* text) {
    const size_t n = std::strlen(text);
    return bytes.size == n && std::memcmp(bytes.data, text, n) == 0;
}

// The first value of a serialized Feature's bytes list.
RecordView first_bytes(RecordView feature, const char* name) {
    const RecordView list = last_message(feature, kFeatureBytesList);
    ProtoFields values(list);
    while (values.next()) {
        if (values.number() == kListValue && values.is_length_delimited()) return values.bytes();
        values.skip();
    }
    throw Malformed(std::string("feature '") + name + "' holds no bytes value");
}

// The first value of a serialized Feature's int64 list, packed or not.
int64_t first_int64(RecordView feature, const char* name) {
    const RecordView list = last_message(feature, kFeatureInt64List);
    ProtoFields values(list);
    while (values.next()) {
        if (values.number() == kListValue && values.is_varint()) return static_cast<int64_t>(values.varint());
        if (values.number() == kListValue && values.is_length_delimited()) {
            const RecordView packed = values.bytes();
            if (packed.size == 0) break;
            return static_cast<int64_t>(ProtoFields(packed).varint());
        }
        values.skip();
    }
    throw Malformed(std::string("feature '") + name + "' holds no int64 value");
}

// A whole small file (a manifest, an index), or a ReaderError "FILE: missing".
std::string read_whole(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ReaderError(file + (exists(file) ? ": cannot open: " + describe_errno() : ": missing"));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The length and CRC-32C a Bale manifest recorded for one part, from its "integrity" member
// (dev.bale.container.Seal): {"parts": {"index.bin": {"bytes": N, "crc32c": "hex8"}, ...}}. False
// when the manifest has no such member (written before Bale recorded them). Only the part's own
// entry is read: checking the manifest's checksum of itself is left to Java (it hashes the parsed
// JSON), so a damaged manifest can pass here, but not a damaged index.
bool recorded_check(const std::string& manifest, const std::string& part, const std::string& where,
                    uint64_t& bytes, uint32_t& crc) {
    const size_t integrity = manifest.find("\"integrity\"");
    if (integrity == std::string::npos) return false;
    const size_t at = manifest.find("\"" + part + "\"", integrity);
    const size_t end = at == std::string::npos ? at : manifest.find('}', at);
    const size_t b = at == std::string::npos ? at : manifest.find("\"bytes\"", at);
    const size_t c = at == std::string::npos ? at : manifest.find("\"crc32c\"", at);
    if (end == std::string::npos || b == std::string::npos || c == std::string::npos || b > end || c > end) {
        throw ReaderError(where + ": the manifest records no checksum for " + part);
    }
    const char* p = manifest.c_str() + manifest.find(':', b) + 1;
    const char* q = manifest.c_str() + manifest.find('"', manifest.find(':', c)) + 1;
    char* stop = nullptr;
    const unsigned long long value = std::strtoull(q, &stop, 16);
    if (!read_u64(p, bytes) || stop != q + 8 || *stop != '"' || value > UINT32_MAX) {
        throw ReaderError(where + ": the manifest's checksum for " + part + " is malformed");
    }
    crc = static_cast<uint32_t>(value);
    return true;
}

// Refuses file contents that differ from what the manifest recorded for them.
void verify_part(const std::string& manifest, const std::string& part, const std::string& manifest_file,
                 const std::string& file, const uint8_t* data, size_t size);

}  // namespace

uint32_t crc32c(const void* data, size_t len, uint32_t crc) {
    const auto* p = static_cast<const uint8_t*>(data);
#if defined(__x86_64__)
    static const bool sse42 = __builtin_cpu_supports("sse4.2");
    if (sse42) return ~crc32c_sse42(~crc, p, len);
#endif
    return ~crc32c_portable(~crc, p, len);
}

namespace {

void verify_part(const std::string& manifest, const std::string& part, const std::string& manifest_file,
                 const std::string& file, const uint8_t* data, size_t size) {
    uint64_t bytes;
    uint32_t crc;
    if (!recorded_check(manifest, part, manifest_file, bytes, crc)) {
        throw ReaderError(manifest_file + ": metadata unchecksummed (written before Bale checksummed its metadata): "
                          "rewrite it with `bale convert IN OUT --format F --trust-unchecksummed`");
    }
    if (bytes != size) {
        throw ReaderError(file + ": is " + std::to_string(size) + " bytes, the manifest recorded " + std::to_string(bytes));
    }
    if (crc32c(data, size) != crc) throw ReaderError(file + ": checksum mismatch");
}

}  // namespace

ReaderError::ReaderError(const std::string& message) : std::runtime_error(message) {}

ReaderError::~ReaderError() = default;

Reader::Mapping::Mapping(const std::string& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ReaderError(file + ": cannot open: " + describe_errno());
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        const std::string why = describe_errno();
        ::close(fd);
        throw ReaderError(file + ": cannot map: " + why);
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw ReaderError(file + ": cannot map: not a regular file");
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
        void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            const std::string why = describe_errno();
            ::close(fd);
            throw ReaderError(file + ": cannot map: " + why);
        }
        data_ = static_cast<const uint8_t*>(map);
    }
    ::close(fd);  // the mapping keeps the file open
}

Reader::Mapping::~Mapping() {
    if (data_ != nullptr) ::munmap(const_cast<uint8_t*>(data_), size_);
}

Reader::Reader(const std::string& path)
    : path_(path),
      layout_(sniff(path)),
      data_path_(layout_ == Layout::bin ? path + "/data.bin" : path),
      data_(data_path_) {
    if (layout_ == Layout::bin) {
        open_bin();
    } else {
        open_tfrecord();
    }
}

Reader::~Reader() = default;

Reader::Layout Reader::sniff(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw ReaderError(path + ": cannot open: " + describe_errno());
    if (S_ISDIR(st.st_mode)) {
        // BinWriter writes the manifest last: a folder without one is no finished bin container.
        if (exists(path + "/manifest.json")) return Layout::bin;
        if (exists(path + "/data.mdb")) {
            throw ReaderError(path + ": an LMDB environment, which bale::Reader does not read: open it with liblmdb");
        }
        throw ReaderError(path + ": a folder, but not a bin container (no manifest.json)");
    }
    char head[sizeof kSqliteMagic] = {};
    std::ifstream(path, std::ios::binary).read(head, sizeof head);
    if (std::memcmp(head, kSqliteMagic, sizeof head) == 0) {
        throw ReaderError(path + ": a SQLite database, which bale::Reader does not read: open it with libsqlite3");
    }
    return Layout::tfrecord;
}

void Reader::open_bin() {
    const std::string file = path_ + "/index.bin";
    const Mapping& index = index_.emplace(file);
    if (index.size() < kIndexHeader) {
        throw ReaderError(file + ": index is truncated (" + std::to_string(index.size()) + " bytes)");
    }
    if (std::memcmp(index.data(), kIndexMagic, sizeof kIndexMagic) != 0) {
        throw ReaderError(file + ": not a Bale index (bad magic)");
    }
    const uint64_t count = le64(index.data() + 8);
    const size_t entry_bytes = index.size() - kIndexHeader;
    if (entry_bytes % kIndexEntry != 0 || entry_bytes / kIndexEntry != count) {
        throw ReaderError(file + ": index says " + std::to_string(count) + " records but holds " +
                          std::to_string(entry_bytes) + " bytes of entries (" + std::to_string(kIndexEntry) +
                          " each): truncated or corrupt");
    }
    count_ = static_cast<size_t>(count);
    // Every class id and offset above is vouched for by the manifest's checksum of index.bin.
    verify_part(read_whole(path_ + "/manifest.json"), "index.bin", path_ + "/manifest.json", file, index.data(),
                index.size());
}

void Reader::open_tfrecord() {
    const uint64_t file_size = data_.size();
    const std::string idx = path_ + ".idx";
    const std::string manifest_file = path_ + ".bale.json";
    if (exists(idx) && exists(manifest_file)) {
        const std::string text = read_whole(idx);
        verify_part(read_whole(manifest_file), "idx", manifest_file, idx, reinterpret_cast<const uint8_t*>(text.data()),
                    text.size());
    }
    if (exists(idx)) {
        // A DALI-style index. The records it lists must follow one another and end where the file
        // ends: a stale index, or one cut short by an interrupted write, is refused, not trusted.
        std::ifstream in(idx);
        if (!in) throw ReaderError(idx + ": cannot open: " + describe_errno());
        uint64_t end = 0;
        size_t line_no = 0;
        for (std::string line; std::getline(in, line);) {
            line_no++;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            const std::string where = idx + " line " + std::to_string(line_no);
            uint64_t offset, size;
            if (!read_idx_line(line, offset, size)) {
                throw ReaderError(where + ": not an 'offset size' pair: '" + line + "'");
            }
            const size_t record = starts_.size();
            if (offset != end) {
                throw ReaderError(where + ": record " + std::to_string(record) + " starts at " + std::to_string(offset) +
                                  ", but the previous one ends at " + std::to_string(end));
            }
            if (size < kFrameOverhead) {
                throw ReaderError(where + ": record " + std::to_string(record) + " has an impossible size " +
                                  std::to_string(size));
            }
            if (size > file_size - offset) {  // offset <= file_size: every earlier record ended inside the file
                fail(record, "truncated: its " + std::to_string(size) + " bytes at offset " + std::to_string(offset) +
                                 " run past the end of the file (" + std::to_string(file_size) + " bytes)");
            }
            starts_.push_back(offset);
            end = offset + size;
        }
        if (end != file_size) {
            throw ReaderError(idx + ": its " + std::to_string(starts_.size()) + " records end at byte " +
                              std::to_string(end) + " but " + data_path_ + " has " + std::to_string(file_size) +
                              " bytes (stale or partial index, or truncated file)");
        }
    } else {
        // No index: walk the record headers once, checking each length against its CRC before
        // trusting it.
        uint64_t at = 0;
        while (at < file_size) {
            const size_t record = starts_.size();
            const std::string where = "at offset " + std::to_string(at) + ": ";
            if (file_size - at < kFrameOverhead) fail(record, where + "truncated header");
            const uint8_t* header = data_.data() + at;
            if (masked_crc32c(header, 8) != le32(header + 8)) {
                fail(record, where + "length checksum mismatch (not a TFRecord, or damaged)");
            }
            const uint64_t length = le64(header);
            if (length > file_size - at - kFrameOverhead) {
                fail(record, where + "truncated (the record needs " + std::to_string(length) + " + " +
                                 std::to_string(kFrameOverhead) + " bytes, " + std::to_string(file_size - at) + " are left)");
            }
            starts_.push_back(at);
            at += kFrameOverhead + length;
        }
    }
    count_ = starts_.size();
    starts_.push_back(file_size);
}

void Reader::check_index(size_t i) const {
    if (i >= count_) fail(i, "out of range: the container holds " + std::to_string(count_) + " records");
}

void Reader::fail(size_t i, const std::string& what) const {
    throw ReaderError(data_path_ + ": record " + std::to_string(i) + ": " + what);
}

Reader::Example Reader::example(size_t i) const {
    check_index(i);
    // Open checked that the record lies inside the file and holds at least its framing.
    const uint64_t start = starts_[i], size = starts_[i + 1] - start;
    const uint8_t* record = data_.data() + start;
    const std::string at = " at offset " + std::to_string(start);
    if (masked_crc32c(record, 8) != le32(record + 8)) fail(i, "length checksum mismatch" + at);
    const uint64_t length = le64(record);
    if (length != size - kFrameOverhead) {
        fail(i, "length " + std::to_string(length) + at + " does not match the index (" +
                    std::to_string(size - kFrameOverhead) + ")");
    }
    const RecordView payload{record + kFrameHeader, static_cast<size_t>(length)};
    if (masked_crc32c(payload.data, payload.size) != le32(payload.data + payload.size)) {
        fail(i, "data checksum mismatch" + at);
    }
    try {
        // Features is a map: entries with the same key override earlier ones, as protobuf reads them.
        RecordView images[2] = {}, labels[2] = {};
        ProtoFields example(payload);
        while (example.next()) {
            if (example.number() != kExampleFeatures || !example.is_length_delimited()) {
                example.skip();
                continue;
            }
            ProtoFields features(example.bytes());
            while (features.next()) {
                if (features.number() != kFeaturesEntry || !features.is_length_delimited()) {
                    features.skip();
                    continue;
                }
                const RecordView entry = features.bytes();
                const RecordView key = last_message(entry, kEntryKey);
                for (int n = 0; n < 2; n++) {
                    if (same(key, kImageFeatures[n])) images[n] = last_message(entry, kEntryValue);
                    if (same(key, kLabelFeatures[n])) labels[n] = last_message(entry, kEntryValue);
                }
            }
        }
        const int image = images[0].data != nullptr ? 0 : 1, label = labels[0].data != nullptr ? 0 : 1;
        if (images[image].data == nullptr) throw Malformed("no bytes feature 'image_raw' or 'image/encoded'");
        if (labels[label].data == nullptr) throw Malformed("no int64 feature 'label' or 'image/class/label'");
        return {first_bytes(images[image], kImageFeatures[image]), first_int64(labels[label], kLabelFeatures[label])};
    } catch (const Malformed& e) {
        fail(i, std::string("malformed tf.train.Example: ") + e.what());
    }
}

RecordView Reader::record(size_t i) const {
    if (layout_ == Layout::tfrecord) return example(i).image;
    check_index(i);
    const uint8_t* entry = index_->data() + kIndexHeader + i * kIndexEntry;
    const uint64_t offset = le64(entry);
    const uint32_t length = le32(entry + 8), expected = le32(entry + 12);
    if (offset > data_.size() || length > data_.size() - offset) {
        fail(i, "index entry points outside data.bin (offset " + std::to_string(offset) + ", length " +
                    std::to_string(length) + ", file " + std::to_string(data_.size()) + " bytes): truncated?");
    }
    const RecordView bytes{data_.data() + offset, length};
    const uint32_t actual = crc32c(bytes.data, bytes.size);
    if (actual != expected) {
        char detail[96];
        std::snprintf(detail, sizeof detail, "checksum mismatch at offset %llu (CRC-32C %08x, index says %08x)",
                      static_cast<unsigned long long>(offset), actual, expected);
        fail(i, detail);
    }
    return bytes;
}

int32_t Reader::class_id(size_t i) const {
    if (layout_ == Layout::bin) {
        check_index(i);
        return static_cast<int32_t>(le32(index_->data() + kIndexHeader + i * kIndexEntry + 16));
    }
    const int64_t label = example(i).label;
    if (label < 0 || label > INT32_MAX) fail(i, "label " + std::to_string(label) + " is not a class id (0 to 2^31 - 1)");
    return static_cast<int32_t>(label);
}

}  // namespace bale
