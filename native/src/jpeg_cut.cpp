#include "jpeg_cut.h"

#include "bale/jpeg_index.h"
#include "bale/jpeg_region.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_map>
#include <unordered_set>

namespace bale {
namespace {

// ---- Header ------------------------------------------------------------------------------------

// A Huffman table as the decoder and the DC re-encoder need it (the layout of libjpeg's derived
// tables: codes of up to kLookahead bits through one lookup, longer ones by maxcode per length).
constexpr int kLookahead = 9;
// AC tables also skip a whole coefficient (code and extra bits) through one lookup of kSkipBits.
constexpr int kSkipBits = 11;
constexpr uint16_t kSkipEnd = 1 << 10;  // end of block
struct Huffman {
    uint16_t look[1 << kLookahead];  // (length << 8) | symbol; 0: a longer code
    int32_t maxcode[18];             // largest code of each length, -1 if none; [17] a sentinel
    int32_t valoffset[18];
    uint8_t huffval[256];
    uint16_t code_of[16];  // DC tables: the code of each category, and its length (0: none)
    uint8_t length_of[16];
    // AC tables: (bits to drop) | (coefficients to advance << 5) | kSkipEnd; 0: the slow way
    uint16_t skip[1 << kSkipBits];
    // The DHT table this was built from (class, counts, values), to skip rebuilding it.
    uint8_t raw[1 + 16 + 256];
    int raw_len = 0;
};

// What the cut needs of the header. Segments are byte ranges of the source, marker included.
struct Header {
    int width = 0, height = 0;
    int components = 0;
    int hmax = 1, vmax = 1;
    int mcu_w = 8, mcu_h = 8, mcus_x = 0, mcus_y = 0;
    int blocks_in_mcu = 0;
    uint8_t block_component[10];  // scan component of each block of an MCU
    const Huffman* dc[3];          // per scan component
    const Huffman* ac[3];
    size_t sof_at = 0;            // the SOF segment, whose size the cut patches
    size_t sos_at = 0, sos_len = 0;
    size_t data_at = 0;           // first byte of entropy-coded data
    size_t keep_at[24], keep_len[24];  // segments copied into the cut, in order (SOF and SOS too)
    int kept = 0;
    Huffman tables[2][4];  // [0] DC, [1] AC, by table number; kept between calls on a thread
    unsigned defined = 0;  // bit 4 * class + number: tables the current file defines
};

int be16(const uint8_t* p) {
    return (p[0] << 8) | p[1];
}

// Builds t from a DHT table, as libjpeg's jpeg_make_d_derived_tbl would, refusing what it refuses.
bool build_huffman(const uint8_t* counts, const uint8_t* values, int count, bool dc, Huffman& t) {
    int size[257];
    uint32_t code_at[257];
    int n = 0;
    for (int l = 1; l <= 16; l++) {
        for (int i = 0; i < counts[l - 1]; i++) size[n++] = l;
    }
    if (n != count || n > 256) return false;
    size[n] = 0;
    uint32_t code = 0;
    int si = n > 0 ? size[0] : 0, p = 0;
    while (p < n && size[p]) {
        while (p < n && size[p] == si) code_at[p++] = code++;
        if (code >= (1u << si)) return false;
        code <<= 1;
        si++;
    }
    std::memcpy(t.huffval, values, size_t(n));
    p = 0;
    for (int l = 1; l <= 16; l++) {
        if (counts[l - 1]) {
            t.valoffset[l] = p - int32_t(code_at[p]);
            p += counts[l - 1];
            t.maxcode[l] = int32_t(code_at[p - 1]);
        } else {
            t.maxcode[l] = -1;
        }
    }
    t.valoffset[17] = 0;
    t.maxcode[17] = 0xFFFFF;
    std::memset(t.look, 0, sizeof t.look);
    p = 0;
    for (int l = 1; l <= kLookahead; l++) {
        for (int i = 0; i < counts[l - 1]; i++, p++) {
            uint32_t bits = code_at[p] << (kLookahead - l);
            for (int k = 0; k < (1 << (kLookahead - l)); k++) t.look[bits++] = uint16_t(l << 8 | values[p]);
        }
    }
    std::memset(t.length_of, 0, sizeof t.length_of);
    if (!dc) {
        std::memset(t.skip, 0, sizeof t.skip);
        p = 0;
        for (int l = 1; l <= kSkipBits; l++) {
            for (int i = 0; i < counts[l - 1]; i++, p++) {
                const int run = values[p] >> 4, extra = values[p] & 15;
                if (l + extra > kSkipBits) continue;
                const uint16_t entry = uint16_t(l + extra) |
                        (extra ? uint16_t((run + 1) << 5) : run == 15 ? uint16_t(16 << 5) : kSkipEnd);
                uint32_t bits = code_at[p] << (kSkipBits - l);
                for (int k = 0; k < (1 << (kSkipBits - l)); k++) t.skip[bits++] = entry;
            }
        }
    }
    if (dc) {
        for (int i = 0; i < n; i++) {
            if (values[i] > 15) return false;
            t.code_of[values[i]] = uint16_t(code_at[i]);
            t.length_of[values[i]] = uint8_t(size[i]);
        }
    }
    return true;
}

// Reads the markers up to the scan. CUT_UNSUPPORTED for anything but one interleaved baseline
// (or extended-sequential, 8-bit Huffman) scan of 1 or 3 components with no restart interval;
// damage found here is also CUT_UNSUPPORTED, and libjpeg reports it on the plain path.
int parse_header(const uint8_t* src, size_t len, Header& h) {
    // Everything but the tables, which are rebuilt only when a file's differ from the last file's.
    h.width = h.height = h.components = 0;
    h.hmax = h.vmax = 1;
    h.kept = 0;
    h.defined = 0;
    struct Frame {
        int id, hs, vs;
    } frame[3];
    size_t at = 2;
    for (;;) {
        if (at + 4 > len || src[at] != 0xFF) return CUT_UNSUPPORTED;
        while (at + 4 <= len && src[at + 1] == 0xFF) at++;  // fill bytes
        if (at + 4 > len) return CUT_UNSUPPORTED;
        const int marker = src[at + 1];
        const size_t seg = size_t(be16(src + at + 2));
        if (seg < 2 || at + 2 + seg > len) return CUT_UNSUPPORTED;
        const uint8_t* body = src + at + 4;
        const size_t body_len = seg - 2;
        bool keep = false;
        if (marker == 0xC0 || marker == 0xC1) {
            if (h.components != 0 || body_len < 6 || body[0] != 8) return CUT_UNSUPPORTED;
            h.height = be16(body + 1);
            h.width = be16(body + 3);
            h.components = body[5];
            if (h.width == 0 || h.height == 0 || (h.components != 1 && h.components != 3) ||
                body_len != size_t(6 + 3 * h.components)) {
                return CUT_UNSUPPORTED;
            }
            for (int c = 0; c < h.components; c++) {
                frame[c] = {body[6 + 3 * c], body[7 + 3 * c] >> 4, body[7 + 3 * c] & 15};
                if (frame[c].hs < 1 || frame[c].hs > 4 || frame[c].vs < 1 || frame[c].vs > 4) return CUT_UNSUPPORTED;
                h.hmax = std::max(h.hmax, frame[c].hs);
                h.vmax = std::max(h.vmax, frame[c].vs);
            }
            if (h.components == 1 && (frame[0].hs != 1 || frame[0].vs != 1)) return CUT_UNSUPPORTED;
            h.sof_at = at;
            keep = true;
        } else if ((marker >= 0xC2 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) ||
                   marker == 0xDC) {
            return CUT_UNSUPPORTED;  // progressive, lossless, arithmetic, DNL
        } else if (marker == 0xDD) {
            if (body_len != 2) return CUT_UNSUPPORTED;
            if (be16(body) != 0) return CUT_UNSUPPORTED;  // restart markers: the plain path
        } else if (marker == 0xC4) {
            size_t p = 0;
            while (p < body_len) {
                if (body_len - p < 17) return CUT_UNSUPPORTED;
                const int cls = body[p] >> 4, id = body[p] & 15;
                if (cls > 1 || id > 3) return CUT_UNSUPPORTED;
                int count = 0;
                for (int i = 1; i <= 16; i++) count += body[p + i];
                if (count > 256 || body_len - p - 17 < size_t(count)) return CUT_UNSUPPORTED;
                Huffman& t = h.tables[cls][id];
                const int raw_len = 17 + count;
                if (t.raw_len != raw_len || std::memcmp(t.raw, body + p, size_t(raw_len)) != 0) {
                    t.raw_len = 0;
                    if (!build_huffman(body + p + 1, body + p + 17, count, cls == 0, t)) return CUT_UNSUPPORTED;
                    std::memcpy(t.raw, body + p, size_t(raw_len));
                    t.raw_len = raw_len;
                }
                h.defined |= 1u << (4 * cls + id);
                p += 17 + size_t(count);
            }
            keep = true;
        } else if (marker == 0xDB || marker == 0xE0 || marker == 0xEE) {
            keep = true;  // quantization tables; JFIF and Adobe markers decide the colour space
        } else if ((marker >= 0xE1 && marker <= 0xEF) || marker == 0xFE) {
            // other application markers and comments: the decode does not read them
        } else if (marker == 0xDA) {
            if (h.components == 0 || body_len < 1) return CUT_UNSUPPORTED;
            const int ns = body[0];
            if (ns != h.components || body_len != size_t(4 + 2 * ns)) return CUT_UNSUPPORTED;
            const uint8_t* tail = body + 1 + 2 * ns;
            if (tail[0] != 0 || tail[1] != 63 || tail[2] != 0) return CUT_UNSUPPORTED;  // Ss, Se, Ah/Al
            int hs[3], vs[3];
            for (int i = 0; i < ns; i++) {
                int c = 0;
                while (c < h.components && frame[c].id != body[1 + 2 * i]) c++;
                if (c == h.components) return CUT_UNSUPPORTED;
                for (int j = 0; j < i; j++) {
                    if (body[1 + 2 * j] == body[1 + 2 * i]) return CUT_UNSUPPORTED;
                }
                const int td = body[2 + 2 * i] >> 4, ta = body[2 + 2 * i] & 15;
                if (td > 3 || ta > 3 || !(h.defined >> td & 1) || !(h.defined >> (4 + ta) & 1)) return CUT_UNSUPPORTED;
                h.dc[i] = &h.tables[0][td];
                h.ac[i] = &h.tables[1][ta];
                hs[i] = ns == 1 ? 1 : frame[c].hs;
                vs[i] = ns == 1 ? 1 : frame[c].vs;
            }
            h.blocks_in_mcu = 0;
            for (int i = 0; i < ns; i++) {
                if (h.blocks_in_mcu + hs[i] * vs[i] > 10) return CUT_UNSUPPORTED;
                for (int k = 0; k < hs[i] * vs[i]; k++) h.block_component[h.blocks_in_mcu++] = uint8_t(i);
            }
            h.mcu_w = ns == 1 ? 8 : 8 * h.hmax;
            h.mcu_h = ns == 1 ? 8 : 8 * h.vmax;
            h.mcus_x = (h.width + h.mcu_w - 1) / h.mcu_w;
            h.mcus_y = (h.height + h.mcu_h - 1) / h.mcu_h;
            h.sos_at = at;
            h.sos_len = seg + 2;
            h.data_at = at + 2 + seg;
            return CUT_OK;
        } else {
            return CUT_UNSUPPORTED;  // anything else: libjpeg decides on the plain path
        }
        if (keep) {
            if (h.kept == 24) return CUT_UNSUPPORTED;
            h.keep_at[h.kept] = at;
            h.keep_len[h.kept] = seg + 2;
            h.kept++;
        }
        at += 2 + seg;
    }
}

// ---- Entropy-coded data ------------------------------------------------------------------------

bool has_ff_byte(uint64_t w) {
    const uint64_t v = ~w;  // a 0xFF byte of w is a zero byte of v
    return ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL) != 0;
}

uint64_t load_be64(const uint8_t* p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    return __builtin_bswap64(w);
}

// A position in the entropy-coded data: the byte holding the next bit, and how many of its bits
// (from the most significant) are already used. Never a stuffed zero byte.
struct BitPos {
    uint32_t byte;
    uint32_t used;
};

// Reads bits from the entropy-coded data the way libjpeg does: 0xFF 0x00 is a data byte 0xFF, any
// other 0xFF xx ends the data (a marker), and reading past the end is an error (libjpeg pads with
// zeros and warns, which Bale treats as damage).
struct BitReader {
    const uint8_t* data;
    size_t len;
    size_t next;   // next byte to load
    uint64_t buf;  // bits, left-aligned
    int n;         // valid bits in buf
    bool ended;

    BitReader(const uint8_t* d, size_t l) : data(d), len(l), next(0), buf(0), n(0), ended(false) {}

    void seek(BitPos p) {
        next = p.byte;
        buf = 0;
        n = 0;
        ended = false;
        fill();
        if (p.used) drop(int(p.used));
    }

    void fill() {
        if (n > 56) return;
        if (next + 8 <= len) {
            const uint64_t w = load_be64(data + next);
            if (!has_ff_byte(w)) {
                const int take = (64 - n) >> 3;
                buf |= (take == 8 ? w : w >> (64 - 8 * take)) << (64 - n - 8 * take);
                next += size_t(take);
                n += 8 * take;
                return;
            }
        }
        if (!ended) fill_bytewise();
    }

    // Byte by byte, near a 0xFF or the end. Out of line, by value: the hot loops keep their reader
    // in registers.
    __attribute__((noinline)) static BitReader filled(BitReader r) {
        while (r.n <= 56) {
            if (r.next >= r.len) {
                r.ended = true;
                break;
            }
            const uint8_t b = r.data[r.next];
            if (b == 0xFF) {
                if (r.next + 1 < r.len && r.data[r.next + 1] == 0) {
                    r.next += 2;
                } else {
                    r.ended = true;
                    break;
                }
            } else {
                r.next++;
            }
            r.buf |= uint64_t(b) << (56 - r.n);
            r.n += 8;
        }
        return r;
    }

    void fill_bytewise() {
        *this = filled(*this);
    }

    // Drops k <= n bits.
    void drop(int k) {
        buf = k == 64 ? 0 : buf << k;
        n -= k;
    }

    // k in [1, 16] bits as a number, or -1 past the end of the data.
    int32_t get(int k) {
        if (n < k) {
            fill();
            if (n < k) return -1;
        }
        const int32_t v = int32_t(buf >> (64 - k));
        drop(k);
        return v;
    }

    // The next Huffman symbol, or -1 for a bad code or the end of the data.
    int decode(const Huffman& t) {
        if (n < 16) fill();
        const uint16_t look = t.look[buf >> (64 - kLookahead)];
        if (look) {
            const int l = look >> 8;
            if (l > n) return -1;
            drop(l);
            return look & 0xFF;
        }
        for (int l = kLookahead + 1; l <= 16; l++) {
            const int32_t code = int32_t(buf >> (64 - l));
            if (code <= t.maxcode[l]) {
                if (l > n) return -1;
                drop(l);
                return t.huffval[(code + t.valoffset[l]) & 0xFF];
            }
        }
        return -1;
    }

    BitPos position() const {
        // Walk back over the data bytes still (partly) in buf, unstuffing.
        const int back = (n + 7) >> 3;
        size_t q = next;
        for (int i = 0; i < back; i++) {
            q--;
            if (data[q] == 0 && q > 0 && data[q - 1] == 0xFF) q--;
        }
        return BitPos{uint32_t(q), uint32_t((8 - (n & 7)) & 7)};
    }
};

int32_t extend(int32_t r, int s) {
    return r < (1 << (s - 1)) ? r - (1 << s) + 1 : r;
}

// Skips one block's AC coefficients, consuming exactly the bits libjpeg's decode_mcu does.
inline __attribute__((always_inline)) bool skip_ac(BitReader& b, const Huffman& ac) {
    int k = 1;
    while (k < 64) {
        if (b.n < 32) b.fill();
        const uint16_t e = ac.skip[b.buf >> (64 - kSkipBits)];
        if (e) {  // code and extra bits in one
            const int bits = e & 31;
            if (bits > b.n) return false;
            b.drop(bits);
            if (e & kSkipEnd) break;
            k += (e >> 5) & 31;
            continue;
        }
        int s = b.decode(ac);
        if (s < 0) return false;
        const int r = s >> 4;
        s &= 15;
        if (s) {
            k += r + 1;
            if (b.get(s) < 0) return false;
        } else {
            if (r != 15) break;
            k += 16;
        }
    }
    return true;
}

// Reads one block's DC difference into diff.
inline __attribute__((always_inline)) bool read_dc(BitReader& b, const Huffman& dc, int32_t& diff) {
    const int s = b.decode(dc);
    if (s < 0) return false;
    diff = 0;
    if (s) {
        const int32_t r = b.get(s);
        if (r < 0) return false;
        diff = extend(r, s);
    }
    return true;
}

// Skips `count` MCUs, keeping the DC predictors (wrapping like libjpeg's int arithmetic).
bool skip_mcus(BitReader& reader, const Header& h, int32_t* pred, int count) {
    BitReader b = reader;  // a copy the compiler can keep in registers
    bool ok = true;
    for (int m = 0; m < count && ok; m++) {
        for (int k = 0; k < h.blocks_in_mcu; k++) {
            const int c = h.block_component[k];
            int32_t diff;
            if (!read_dc(b, *h.dc[c], diff) || !skip_ac(b, *h.ac[c])) {
                ok = false;
                break;
            }
            pred[c] = int32_t(uint32_t(pred[c]) + uint32_t(diff));
        }
    }
    reader = b;
    return ok;
}

// ---- The index ---------------------------------------------------------------------------------

struct Checkpoint {
    BitPos at;
    int32_t pred[3];
};

// Where MCU columns 0, k, 2k, ... of every MCU row start, and the end of the data after the last
// MCU, for one record. Built whole: indexing only the rows a first region needs, and extending
// later, cost later epochs more (measured) than the rows saved in the epoch that builds it.
struct Index {
    uint64_t hash = 0;
    size_t len = 0;
    int mcus_x = 0, mcus_y = 0, every = 1, per_row = 0;
    size_t data_at = 0;
    std::vector<Checkpoint> points;  // row * per_row + column / every; the end last

    size_t bytes() const {
        return sizeof(Index) + points.capacity() * sizeof(Checkpoint) + 48;  // + the map's node
    }
};

// One stretch of about 64 pixels between checkpoints: few MCUs to skip to reach any column.
int checkpoint_every(const Header& h) {
    return std::max(1, 64 / h.mcu_w);
}

size_t index_bytes(const Header& h) {
    const int every = checkpoint_every(h);
    return sizeof(Index) + 48 + (size_t((h.mcus_x + every - 1) / every) * h.mcus_y + 1) * sizeof(Checkpoint);
}

// One Huffman pass over the record's entropy-coded data.
bool build_index(const uint8_t* src, size_t len, const Header& h, Index& idx) {
    idx.mcus_x = h.mcus_x;
    idx.mcus_y = h.mcus_y;
    idx.every = checkpoint_every(h);
    idx.per_row = (h.mcus_x + idx.every - 1) / idx.every;
    idx.data_at = h.data_at;
    idx.points.clear();
    idx.points.reserve(size_t(idx.per_row) * h.mcus_y + 1);
    BitReader b(src, len);
    b.seek(BitPos{uint32_t(h.data_at), 0});
    int32_t pred[3] = {0, 0, 0};
    for (int row = 0; row < h.mcus_y; row++) {
        for (int col = 0; col < h.mcus_x; col += idx.every) {
            idx.points.push_back(Checkpoint{b.position(), {pred[0], pred[1], pred[2]}});
            if (!skip_mcus(b, h, pred, std::min(idx.every, h.mcus_x - col))) return false;
        }
    }
    idx.points.push_back(Checkpoint{b.position(), {pred[0], pred[1], pred[2]}});
    return true;
}

// 64-bit hash of the whole record (four lanes of multiply-rotate, the xxHash64 construction),
// seeded per process so that colliding records cannot be prepared in advance.
uint64_t rotl(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

uint64_t hash_bytes(const uint8_t* p, size_t n, uint64_t seed) {
    constexpr uint64_t P1 = 0x9E3779B185EBCA87ULL, P2 = 0xC2B2AE3D27D4EB4FULL, P3 = 0x165667B19E3779F9ULL;
    uint64_t v[4] = {seed + P1 + P2, seed + P2, seed, seed - P1};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            std::memcpy(&w, p + i + 8 * l, 8);
            v[l] = rotl(v[l] + w * P2, 31) * P1;
        }
    }
    uint64_t h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
    for (int l = 0; l < 4; l++) h = (h ^ (rotl(v[l] * P2, 31) * P1)) * P1 + P3;
    h += n;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = rotl(h ^ (rotl(w * P2, 31) * P1), 27) * P1 + P3;
    }
    for (; i < n; i++) h = rotl(h ^ (p[i] * P1), 11) * P2;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    return h ^ (h >> 32);
}

class IndexCache {
public:
    std::shared_ptr<const Index> find(uint64_t hash, size_t len) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = map_.find(hash);
        if (it == map_.end() || it->second->len != len) return nullptr;
        return it->second;
    }

    // Whether `hash`'s record is due for its index: a record is indexed on one of its decodes 2 ..
    // spread + 1, which one picked by its hash, so that a single pass over a dataset (one epoch, an
    // evaluation) costs what the plain path costs and the Huffman passes of building the indexes are
    // shared out over the next `spread` epochs instead of all falling in the second (which would then
    // be slower than a full decode). Remembering a record takes kSeenBytes of the budget until it is
    // indexed.
    bool due(uint64_t hash) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = seen_.find(hash);
        if (it == seen_.end()) {
            if (held_ + kSeenBytes <= budget_) {
                seen_.emplace(hash, 1);
                held_ += kSeenBytes;
            }
            return false;
        }
        const int turn = 1 + int((hash >> 32) % uint64_t(spread_));  // plain decodes before the index
        if (it->second < turn) {
            it->second++;
            return false;
        }
        return true;
    }

    void spread(int epochs) {
        std::lock_guard<std::mutex> lock(mutex_);
        spread_ = std::max(1, epochs);
    }

    // Whether an index of about `bytes` bytes would fit; counts a refusal.
    bool room_for(size_t bytes) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (held_ + bytes <= budget_) return true;
        full_++;
        return false;
    }

    // Adds idx if the budget allows and no other thread added one for the record first.
    void put(std::shared_ptr<const Index> idx) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (map_.count(idx->hash) != 0) return;
        const size_t forgotten = seen_.count(idx->hash) != 0 ? kSeenBytes : 0;
        if (held_ - forgotten + idx->bytes() > budget_) return;
        held_ = held_ - forgotten + idx->bytes();
        seen_.erase(idx->hash);
        map_.emplace(idx->hash, std::move(idx));
    }

    void reset(size_t budget) {
        std::lock_guard<std::mutex> lock(mutex_);
        map_.clear();
        seen_.clear();
        held_ = 0;
        budget_ = budget;
        has_budget_.store(budget > 0);
        full_ = 0;
        cuts.store(0);
        builds.store(0);
        unsupported.store(0);
    }

    void stats(int64_t* out) {
        std::lock_guard<std::mutex> lock(mutex_);
        out[0] = int64_t(map_.size());
        out[1] = int64_t(held_);
        out[2] = int64_t(budget_);
        out[3] = cuts.load();
        out[4] = builds.load();
        out[5] = full_;
        out[6] = unsupported.load();
    }

    bool enabled() const {
        return in_use.load(std::memory_order_relaxed) && has_budget_.load(std::memory_order_relaxed);
    }

    std::atomic<int64_t> cuts{0}, builds{0}, unsupported{0};
    std::atomic<bool> in_use{true};

private:
    std::mutex mutex_;
    static constexpr size_t kSeenBytes = 40;  // a hash in seen_, with the set's node and bucket
    std::unordered_map<uint64_t, std::shared_ptr<const Index>> map_;
    std::unordered_map<uint64_t, int> seen_;  // records decoded but not indexed yet: how many times
    int spread_ = kDefaultJpegIndexSpread;
    size_t held_ = 0;
    size_t budget_ = size_t(kDefaultJpegIndexBudget);
    int64_t full_ = 0;
    std::atomic<bool> has_budget_{true};
};

IndexCache& cache() {
    static IndexCache instance;
    return instance;
}

uint64_t process_seed() {
    static const uint64_t seed = [] {
        std::random_device device;
        return (uint64_t(device()) << 32) ^ device();
    }();
    return seed;
}

// ---- Writing the cut ---------------------------------------------------------------------------

// Writes bits into entropy-coded data, stuffing a zero byte after every 0xFF.
struct BitWriter {
    uint8_t* out;
    uint64_t acc = 0;  // the low n bits are pending
    int n = 0;

    void put(uint32_t bits, int k) {  // k <= 32
        acc = (acc << k) | bits;
        n += k;
        while (n >= 8) {
            n -= 8;
            const uint8_t byte = uint8_t(acc >> n);
            *out++ = byte;
            if (byte == 0xFF) *out++ = 0;
        }
        acc &= (uint64_t(1) << n) - 1;
    }

    void put64(uint64_t w) {
        const uint64_t word = n == 0 ? w : (acc << (64 - n)) | (w >> n);
        acc = n == 0 ? 0 : w & ((uint64_t(1) << n) - 1);
        if (!has_ff_byte(word)) {
            const uint64_t be = __builtin_bswap64(word);
            std::memcpy(out, &be, 8);
            out += 8;
        } else {
            for (int i = 56; i >= 0; i -= 8) {
                const uint8_t byte = uint8_t(word >> i);
                *out++ = byte;
                if (byte == 0xFF) *out++ = 0;
            }
        }
    }

    // Pads to a byte boundary with one bits, as an encoder does before a marker.
    void pad() {
        if (n) put((1u << (8 - n)) - 1, 8 - n);
    }
};

// Copies the bits of the entropy-coded data from `from` up to `to`.
void copy_bits(const uint8_t* src, BitPos from, BitPos to, BitWriter& w) {
    if (from.byte == to.byte) {
        const int k = int(to.used - from.used);
        if (k > 0) w.put((src[from.byte] >> (8 - to.used)) & ((1u << k) - 1), k);
        return;
    }
    size_t q = from.byte;
    if (from.used) {
        const uint8_t b = src[q];
        w.put(b & ((1u << (8 - from.used)) - 1), int(8 - from.used));
        q += b == 0xFF ? 2 : 1;
    }
    while (q < to.byte) {
        if (q + 8 <= to.byte) {
            const uint64_t word = load_be64(src + q);
            if (!has_ff_byte(word)) {
                w.put64(word);
                q += 8;
                continue;
            }
        }
        const uint8_t b = src[q];
        w.put(b, 8);
        q += b == 0xFF ? 2 : 1;
    }
    if (to.used) w.put(src[to.byte] >> (8 - to.used), int(to.used));
}

// The Huffman code of DC difference v (category and extra bits); false if the table has none.
bool put_dc(BitWriter& w, const Huffman& dc, int32_t v) {
    const uint32_t magnitude = v < 0 ? uint32_t(-int64_t(v)) : uint32_t(v);
    const int category = magnitude == 0 ? 0 : 32 - __builtin_clz(magnitude);
    if (category > 15 || dc.length_of[category] == 0) return false;
    w.put(dc.code_of[category], dc.length_of[category]);
    if (category) w.put(uint32_t(v < 0 ? v - 1 : v) & ((1u << category) - 1), category);
    return true;
}

// The position and predictors at MCU `col` of MCU row `row`, from the nearest checkpoint before.
bool seek_mcu(BitReader& b, const Index& idx, const Header& h, int row, int col, int32_t* pred) {
    if (col == h.mcus_x) {  // the end of the row: the next row's start, or the end of the data
        row++;
        col = 0;
    }
    const Checkpoint& c = row == h.mcus_y ? idx.points.back() : idx.points[size_t(row) * idx.per_row + col / idx.every];
    b.seek(c.at);
    std::memcpy(pred, c.pred, sizeof c.pred);
    if (row == h.mcus_y) return true;
    return skip_mcus(b, h, pred, col % idx.every);
}

// Writes the cut of MCU rows [r0, r1) and columns [c0, c1) into out.
int write_cut(const uint8_t* src, size_t len, const Header& h, const Index& idx, int r0, int r1, int c0, int c1,
              JpegCut& out) {
    const int cols = c1 - c0;
    // Room: the header, the rows' data (at most twice the source's, stuffing), per row the
    // re-encoded DC codes (<= 31 bits each), padding and a marker.
    size_t header = 4 + 6 + 2;
    for (int i = 0; i < h.kept; i++) header += h.keep_len[i];
    const size_t need = header + 2 * (len - h.data_at) + size_t(r1 - r0) * 32 + 16;
    if (out.bytes.size() < need) out.bytes.resize(need);
    uint8_t* p = out.bytes.data();
    *p++ = 0xFF;
    *p++ = 0xD8;
    const int cut_w = c1 == h.mcus_x ? h.width - c0 * h.mcu_w : cols * h.mcu_w;
    const int cut_h = r1 == h.mcus_y ? h.height - r0 * h.mcu_h : (r1 - r0) * h.mcu_h;
    for (int i = 0; i < h.kept; i++) {
        const size_t at = h.keep_at[i];
        if (at == h.sos_at) continue;
        std::memcpy(p, src + at, h.keep_len[i]);
        if (at == h.sof_at) {
            p[5] = uint8_t(cut_h >> 8);
            p[6] = uint8_t(cut_h);
            p[7] = uint8_t(cut_w >> 8);
            p[8] = uint8_t(cut_w);
        }
        p += h.keep_len[i];
    }
    const uint8_t dri[6] = {0xFF, 0xDD, 0, 4, uint8_t(cols >> 8), uint8_t(cols)};
    std::memcpy(p, dri, 6);
    p += 6;
    std::memcpy(p, src + h.sos_at, h.sos_len);
    p += h.sos_len;

    BitReader b(src, len);
    BitWriter w{p};
    const int comps = h.components;
    for (int row = r0; row < r1; row++) {
        int32_t pred[3];
        if (!seek_mcu(b, idx, h, row, c0, pred)) return CUT_NO_INDEX;
        // The first MCU, read block by block: where each component's first DC difference is.
        BitPos dc_start[3], dc_end[3];
        int32_t value[3];
        for (int k = 0; k < h.blocks_in_mcu; k++) {
            const int c = h.block_component[k];
            const bool first = k == 0 || h.block_component[k - 1] != c;
            if (first) dc_start[c] = b.position();
            int32_t diff;
            if (!read_dc(b, *h.dc[c], diff)) return CUT_NO_INDEX;
            pred[c] = int32_t(uint32_t(pred[c]) + uint32_t(diff));
            if (first) {
                dc_end[c] = b.position();
                value[c] = pred[c];
            }
            if (!skip_ac(b, *h.ac[c])) return CUT_NO_INDEX;
        }
        int32_t ignored[3];
        if (!seek_mcu(b, idx, h, row, c1, ignored)) return CUT_NO_INDEX;
        const BitPos row_end = b.position();
        for (int c = 0; c < comps; c++) {
            if (!put_dc(w, *h.dc[c], value[c])) return CUT_UNSUPPORTED;
            copy_bits(src, dc_end[c], c + 1 < comps ? dc_start[c + 1] : row_end, w);
        }
        w.pad();
        if (row + 1 < r1) {
            *w.out++ = 0xFF;
            *w.out++ = uint8_t(0xD0 + ((row - r0) & 7));
        }
    }
    *w.out++ = 0xFF;
    *w.out++ = 0xD9;
    out.size = size_t(w.out - out.bytes.data());
    out.x = c0 * h.mcu_w;
    out.y = r0 * h.mcu_h;
    out.image_w = h.width;
    out.image_h = h.height;
    return CUT_OK;
}

thread_local Header header;

}  // namespace

int cut_jpeg(const uint8_t* src, size_t len, int x, int y, int w, int h, int scale, JpegCut& out) {
    IndexCache& indexes = cache();
    if (!indexes.enabled()) return CUT_UNSUPPORTED;
    Header& hd = header;
    if (parse_header(src, len, hd) != CUT_OK || len > (size_t(1) << 31)) {
        indexes.unsupported++;
        return CUT_UNSUPPORTED;
    }
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x >= hd.width || y >= hd.height ||
        int64_t(hd.width) * hd.height > kMaxJpegPixels) {
        return CUT_UNSUPPORTED;  // the plain path reports a bad region or refuses a huge image
    }
    const int right = int(std::min<int64_t>(hd.width, int64_t(x) + w));
    const int bottom = int(std::min<int64_t>(hd.height, int64_t(y) + h));
    // Context for chroma upsampling: two chroma samples, at most 2 * max_samp_factor output pixels.
    const int ctx_x = 2 * hd.hmax * scale, ctx_y = 2 * hd.vmax * scale;
    const int c0 = std::max(0, x - ctx_x) / hd.mcu_w;
    const int c1 = (std::min(hd.width, right + ctx_x) + hd.mcu_w - 1) / hd.mcu_w;
    const int r0 = std::max(0, y - ctx_y) / hd.mcu_h;
    const int r1 = (std::min(hd.height, bottom + ctx_y) + hd.mcu_h - 1) / hd.mcu_h;
    if (c0 == 0 && r0 == 0 && c1 == hd.mcus_x && r1 == hd.mcus_y) return CUT_WHOLE;

    const uint64_t hash = hash_bytes(src, len, process_seed());
    std::shared_ptr<const Index> idx = indexes.find(hash, len);
    if (idx != nullptr && (idx->data_at != hd.data_at || idx->mcus_x != hd.mcus_x || idx->mcus_y != hd.mcus_y)) {
        return CUT_NO_INDEX;  // another record with the same hash and length: never seen in practice
    }
    if (idx == nullptr) {
        if (!indexes.due(hash) || !indexes.room_for(index_bytes(hd))) return CUT_NO_INDEX;
        auto built = std::make_shared<Index>();
        built->hash = hash;
        built->len = len;
        indexes.builds++;
        if (!build_index(src, len, hd, *built)) return CUT_NO_INDEX;
        indexes.put(built);
        idx = std::move(built);
    }
    const int status = write_cut(src, len, hd, *idx, r0, r1, c0, c1, out);
    if (status == CUT_OK) indexes.cuts++;
    return status;
}

void set_jpeg_index_budget(int64_t bytes) {
    cache().reset(bytes > 0 ? size_t(bytes) : 0);
}

void set_jpeg_index_spread(int epochs) {
    cache().spread(epochs);
}

void use_jpeg_index(bool on) {
    cache().in_use.store(on);
}

void jpeg_index_stats(int64_t* out) {
    if (out != nullptr) cache().stats(out);
}

}  // namespace bale
